-- Successful refunds completed on $day (DATE) by buyer reason (cash view, 退款完结时间).
-- Only 退款成功 moves money; 换货 / 补寄 / 维修 are counted apart and carry no amount (§5.3).
WITH source AS (
    SELECT
        coalesce(nullif(trim(reason), ''), '未填写原因') AS reason,
        coalesce(trim(after_sale_type), '') IN ('换货', '补寄', '维修') AS is_goods_only,
        refund_amount
    FROM refunds
    WHERE trim(status) = '退款成功'
        AND finished_at >= $day::TIMESTAMP
        AND finished_at < ($day + 1)::TIMESTAMP
)

SELECT
    reason,
    is_goods_only,
    count(*) AS refunds,
    sum(CASE WHEN is_goods_only THEN 0 ELSE coalesce(refund_amount, 0) END)::DECIMAL(18, 2)
        AS refund_amount
FROM source
GROUP BY ALL
ORDER BY refund_amount DESC, refunds DESC, reason
