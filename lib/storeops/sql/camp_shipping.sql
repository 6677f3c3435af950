-- Shipping speed of the orders paid in [$start, $end]: hours from payment to 发货时间.
-- Orders without a 发货时间 are counted apart (unknown or not shipped).
WITH source AS (
    SELECT paid_at, shipped_at, date_diff('second', paid_at, shipped_at) / 3600.0 AS hours
    FROM orders
    WHERE paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP
)

SELECT
    count(*) AS paid_orders,
    count(shipped_at) AS shipped,
    count(*) FILTER (WHERE hours <= 24) AS within_24h,
    count(*) FILTER (WHERE hours <= 48) AS within_48h,
    count(*) FILTER (WHERE hours <= 72) AS within_72h,
    count(*) FILTER (WHERE hours > 72) AS late_72h
FROM source
