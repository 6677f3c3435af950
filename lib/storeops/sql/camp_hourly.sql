-- GMV and paid orders per hour of pay time (times are naive Asia/Shanghai) for each day of
-- $days (list of DATE). Only hours with orders are returned.
WITH source AS (
    SELECT paid_at, paid_amount
    FROM orders
    WHERE list_contains($days, paid_at::DATE)
)

SELECT
    paid_at::DATE AS day,
    hour(paid_at) AS hour,
    sum(paid_amount) AS gmv,
    count(*) AS paid_orders
FROM source
GROUP BY ALL
ORDER BY day, hour
