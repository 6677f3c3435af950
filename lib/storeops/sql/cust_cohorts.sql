-- Monthly first-purchase cohorts: per cohort month and months since (0 = the first month),
-- the cohort's buyers with an effective order in that month and their 支付金额 (元).
-- Only orders paid on or before $day; cohorts from $first_month (a DATE, first of a month).
WITH
source AS (
    SELECT
        buyer_key,
        date_trunc('month', paid_at)::DATE AS paid_month,
        paid_amount
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at IS NOT NULL
      AND paid_at < ($day + 1)::TIMESTAMP
      AND coalesce(refund_amount, 0) < paid_amount
),

firsts AS (
    SELECT buyer_key, min(paid_month) AS cohort
    FROM source
    GROUP BY buyer_key
),

activity AS (
    SELECT
        f.cohort,
        datediff('month', f.cohort, s.paid_month) AS months_since,
        s.buyer_key,
        s.paid_amount
    FROM source AS s
    INNER JOIN firsts AS f USING (buyer_key)
    WHERE f.cohort >= $first_month
)

SELECT
    cohort,
    months_since,
    count(DISTINCT buyer_key) AS buyers,
    sum(paid_amount) AS gmv
FROM activity
GROUP BY cohort, months_since
ORDER BY cohort, months_since
