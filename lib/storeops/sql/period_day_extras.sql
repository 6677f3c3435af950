-- Per day from $start to $end (DATE, inclusive): the 淘宝客佣金 of 生意参谋 店铺 (shop_daily,
-- NULL without the export or the column) and the orders paid that day that carry a refund
-- (退款笔数, same pay-day cohort as metrics.refund_rate).
WITH days AS (
    SELECT d::DATE AS day
    FROM range($start::TIMESTAMP, ($end + 1)::TIMESTAMP, INTERVAL 1 DAY) AS t(d)
),

shop AS (
    SELECT
        stat_date AS day,
        cost_taoke
    FROM shop_daily
    WHERE stat_date BETWEEN $start AND $end
),

refunded AS (
    SELECT
        paid_at::DATE AS day,
        count(*) FILTER (WHERE refund_amount > 0) AS refund_orders
    FROM orders
    WHERE paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP
    GROUP BY 1
)

SELECT
    days.day,
    shop.cost_taoke,
    coalesce(refunded.refund_orders, 0) AS refund_orders
FROM days
LEFT JOIN shop USING (day)
LEFT JOIN refunded USING (day)
ORDER BY days.day
