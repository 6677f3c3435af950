-- New vs returning buyers by calendar month, for the $months months ending with $day's month
-- (from $first_month, a DATE): a buyer is new in the month of their first effective order,
-- returning in later months. Per (month, is_new): distinct buyers (人), effective orders (笔)
-- and their 支付金额 (元). An effective order: paid on or before $day, with a buyer key, not
-- fully refunded. New buyers' orders come from cust_new_orders (built from a day on or before
-- $first_month); returning buyers from cust_buyers.months_active; returning orders and 支付金额
-- are the month's totals minus the new buyers' part.
WITH
new_side AS (
    SELECT
        paid_month AS month,
        count(DISTINCT buyer_key) AS buyers,
        count(*) AS orders,
        sum(paid_amount) AS gmv
    FROM cust_new_orders
    WHERE paid_month = cohort
      AND paid_month >= $first_month
    GROUP BY paid_month
),

totals AS (
    SELECT
        date_trunc('month', paid_at)::DATE AS month,
        count(*) AS orders,
        sum(paid_amount) AS gmv
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at >= $first_month::TIMESTAMP
      AND paid_at < ($day + 1)::TIMESTAMP
      AND coalesce(refund_amount, 0) < paid_amount
    GROUP BY month
),

returning_buyers AS (
    SELECT
        (date_trunc('month', $day) - to_months(k))::DATE AS month,
        count(*) AS buyers
    FROM cust_buyers, range(0, $months) AS r(k)
    WHERE (months_active >> k::UBIGINT) & 1::UBIGINT = 1::UBIGINT
      AND first_at < (date_trunc('month', $day) - to_months(k))::TIMESTAMP
    GROUP BY k
)

SELECT
    month,
    TRUE AS is_new,
    buyers,
    orders,
    gmv
FROM new_side

UNION ALL

SELECT
    t.month,
    FALSE AS is_new,
    r.buyers,
    t.orders - coalesce(n.orders, 0) AS orders,
    t.gmv - coalesce(n.gmv, 0) AS gmv
FROM totals AS t
INNER JOIN returning_buyers AS r USING (month)
LEFT JOIN new_side AS n USING (month)
ORDER BY ALL
