-- Monthly first-purchase cohorts: per cohort month and months since (0 = the first month),
-- the cohort's buyers with an effective order in that month and their 支付金额 (元). Cohorts
-- from $first_month (a DATE, first of a month), read from cust_new_orders
-- (cust_build_new_orders.sql, built from a day on or before $first_month), which holds every
-- effective order of these buyers up to the report day.
SELECT
    cohort,
    datediff('month', cohort, paid_month) AS months_since,
    count(DISTINCT buyer_key) AS buyers,
    sum(paid_amount) AS gmv
FROM cust_new_orders
WHERE cohort >= $first_month
GROUP BY cohort, months_since
ORDER BY cohort, months_since
