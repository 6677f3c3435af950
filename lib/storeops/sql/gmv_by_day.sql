-- GMV (支付金额) and paid orders of each day of a period, by pay time; days without sales
-- give 0 (the caller turns days outside the orders' coverage into gaps).
WITH days AS (
    SELECT d::DATE AS day
    FROM range($start::TIMESTAMP, ($end + 1)::TIMESTAMP, INTERVAL 1 DAY) AS t(d)
),

paid AS (
    SELECT paid_at::DATE AS day, sum(paid_amount) AS gmv, count(*) AS paid_orders
    FROM orders
    WHERE paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP
    GROUP BY 1
)

SELECT days.day, coalesce(paid.gmv, 0)::DECIMAL(18, 2) AS gmv,
       coalesce(paid.paid_orders, 0) AS paid_orders
FROM days
LEFT JOIN paid USING (day)
ORDER BY days.day
