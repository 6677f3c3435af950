-- Presale orders (orders.presale_stage: 定金 / 尾款 / 全款预售) paid on $day, by hour of pay time
-- (naive Asia/Shanghai) and stage: GMV and paid orders. Only hours with orders are returned.
WITH source AS (
    SELECT paid_at, paid_amount, presale_stage
    FROM orders
    WHERE paid_at >= $day::TIMESTAMP
      AND paid_at < ($day + 1)::TIMESTAMP
      AND presale_stage IS NOT NULL
)

SELECT
    presale_stage AS stage,
    hour(paid_at) AS hour,
    sum(paid_amount) AS gmv,
    count(*) AS paid_orders
FROM source
GROUP BY ALL
ORDER BY stage, hour
