-- Per day from $start to $end (DATE, inclusive): successful refund amount by completion day
-- (换货 / 补寄 / 维修 excluded) and 支付金额 by pay day. gmv is NULL on a day without paid orders.
WITH days AS (
    SELECT d::DATE AS day
    FROM range($start::TIMESTAMP, ($end + 1)::TIMESTAMP, INTERVAL 1 DAY) AS t(d)
),

refunded AS (
    SELECT
        finished_at::DATE AS day,
        count(*) AS refunds,
        sum(coalesce(refund_amount, 0)) AS refund_amount
    FROM refunds
    WHERE trim(status) = '退款成功'
        AND coalesce(trim(after_sale_type), '') NOT IN ('换货', '补寄', '维修')
        AND finished_at >= $start::TIMESTAMP
        AND finished_at < ($end + 1)::TIMESTAMP
    GROUP BY 1
),

paid AS (
    SELECT
        paid_at::DATE AS day,
        count(*) AS paid_orders,
        sum(paid_amount) AS gmv
    FROM orders
    WHERE paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP
    GROUP BY 1
)

SELECT
    days.day,
    coalesce(refunded.refunds, 0) AS refunds,
    coalesce(refunded.refund_amount, 0)::DECIMAL(18, 2) AS refund_amount,
    coalesce(paid.paid_orders, 0) AS paid_orders,
    paid.gmv::DECIMAL(18, 2) AS gmv
FROM days
LEFT JOIN refunded USING (day)
LEFT JOIN paid USING (day)
ORDER BY days.day
