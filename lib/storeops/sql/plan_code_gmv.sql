-- 支付金额 of order lines by pay month and 商家编码, for the plan's category shares.
-- $start, $end: DATE, inclusive. Each line gets its share of its order's paid amount (the
-- paid_lines macro, sql/macros.sql); the code is the line's 商家编码 (outer_id), else its SKU
-- code. Paid orders without any order line are in no code (and in no category).
WITH
source AS (
    SELECT
        strftime(paid_at, '%Y-%m') AS month,
        coalesce(nullif(outer_id, ''), nullif(sku_code, ''), '') AS code,
        line_gmv
    FROM paid_lines($start::TIMESTAMP, ($end + 1)::TIMESTAMP)
)

SELECT
    month,
    code,
    sum(line_gmv)::DECIMAL(18, 2) AS gmv
FROM source
GROUP BY ALL
ORDER BY month, code
