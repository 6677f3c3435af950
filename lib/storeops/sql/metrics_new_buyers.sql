-- New buyers (新客) among the paying buyers of each key of a period.
-- $start, $end: DATE, inclusive. $by: 'total' | 'day' | 'province' (as metrics_base.sql).
-- A buyer is new in a key when their first paid order in the warehouse (min paid_at over
-- every order, any province) falls inside the key's period: the whole [$start, $end] for
-- 'total' and 'province', the day itself for 'day'. Orders without a buyer key are in no
-- count here; metrics.py leaves the share empty when the period has any.
WITH
period_orders AS (
    SELECT
        buyer_key,
        paid_at,
        CASE $by WHEN 'day' THEN strftime(paid_at, '%Y-%m-%d')
                 WHEN 'province' THEN coalesce(receiver_province, '未知')
                 ELSE 'total' END AS key,
        CASE $by WHEN 'day' THEN paid_at::DATE::TIMESTAMP
                 ELSE $start::TIMESTAMP END AS key_start
    FROM orders
    WHERE paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP
      AND buyer_key IS NOT NULL
),

first_paid AS (
    SELECT buyer_key, min(paid_at) AS first_paid_at
    FROM orders
    WHERE paid_at IS NOT NULL
      AND buyer_key IN (SELECT buyer_key FROM period_orders)
    GROUP BY buyer_key
)

SELECT
    p.key,
    count(DISTINCT p.buyer_key) AS paid_buyers_keyed,
    count(DISTINCT p.buyer_key) FILTER (WHERE f.first_paid_at >= p.key_start) AS new_buyers
FROM period_orders AS p
JOIN first_paid AS f ON f.buyer_key = p.buyer_key
GROUP BY p.key
ORDER BY p.key
