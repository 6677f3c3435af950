-- Presale orders (定金 / 尾款 / 全款预售) paid in [$start, $end]: orders, GMV and refunds (退款金额
-- of the order report) per stage.
WITH source AS (
    SELECT presale_stage, paid_amount, coalesce(refund_amount, 0) AS refund_amount
    FROM orders
    WHERE paid_at >= $start::TIMESTAMP
      AND paid_at < ($end + 1)::TIMESTAMP
      AND presale_stage IS NOT NULL
)

SELECT
    presale_stage AS stage,
    count(*) AS paid_orders,
    sum(paid_amount) AS gmv,
    sum(refund_amount) AS refund_amount
FROM source
GROUP BY presale_stage
ORDER BY presale_stage
