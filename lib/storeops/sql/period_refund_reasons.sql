-- Successful refunds by buyer reason, completed in a period ($start..$end) and a base period
-- ($base_start..$base_end), DATE inclusive (cash view, 退款完结时间). Only 退款成功 moves
-- money; 换货 / 补寄 / 维修 are counted but carry no amount (§5.3).
WITH source AS (
    SELECT
        finished_at::DATE AS day,
        coalesce(nullif(trim(reason), ''), '未填写原因') AS reason,
        coalesce(trim(after_sale_type), '') IN ('换货', '补寄', '维修') AS is_goods_only,
        refund_amount
    FROM refunds
    WHERE trim(status) = '退款成功'
        AND ((finished_at >= $start::TIMESTAMP AND finished_at < ($end + 1)::TIMESTAMP)
            OR (finished_at >= $base_start::TIMESTAMP
                AND finished_at < ($base_end + 1)::TIMESTAMP))
),

sided AS (
    SELECT
        CASE WHEN day BETWEEN $start AND $end THEN 'now' ELSE 'base' END AS side,
        reason,
        CASE WHEN is_goods_only THEN 0 ELSE coalesce(refund_amount, 0) END AS amount
    FROM source
)

SELECT
    reason,
    -- counts (笔)
    count(*) FILTER (WHERE side = 'now') AS refunds,
    count(*) FILTER (WHERE side = 'base') AS refunds_base,
    -- money (元)
    coalesce(sum(amount) FILTER (WHERE side = 'now'), 0)::DECIMAL(18, 2) AS refund_amount,
    coalesce(sum(amount) FILTER (WHERE side = 'base'), 0)::DECIMAL(18, 2) AS refund_amount_base
FROM sided
GROUP BY reason
ORDER BY refund_amount DESC, refunds DESC, reason
