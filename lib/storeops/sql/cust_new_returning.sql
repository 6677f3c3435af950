-- New vs returning buyers by calendar month, from $first_month (a DATE, first of a month) to
-- $day: a buyer is new in the month of their first effective order, returning in later months.
-- Per (month, is_new): distinct buyers (人), effective orders (笔) and their 支付金额 (元).
-- An effective order: paid on or before $day, with a buyer key, not fully refunded.
WITH
source AS (
    SELECT
        buyer_key,
        date_trunc('month', paid_at)::DATE AS month,
        paid_amount
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at IS NOT NULL
      AND paid_at < ($day + 1)::TIMESTAMP
      AND coalesce(refund_amount, 0) < paid_amount
),

firsts AS (
    SELECT
        buyer_key,
        min(month) AS first_month
    FROM source
    GROUP BY buyer_key
)

SELECT
    s.month,
    s.month = f.first_month AS is_new,
    count(DISTINCT s.buyer_key) AS buyers,
    count(*) AS orders,
    sum(s.paid_amount) AS gmv
FROM source AS s
INNER JOIN firsts AS f USING (buyer_key)
WHERE s.month >= $first_month
GROUP BY ALL
ORDER BY ALL
