-- 支付金额 and 件数 by item over a period ($start..$end) and a base period
-- ($base_start..$base_end), both DATE inclusive, by the order's pay time; lines and their
-- share of the order's paid amount from the paid_lines macro (sql/macros.sql).
WITH allocated AS (
    SELECT 'now' AS side, item_key, title, coalesce(qty, 0) AS qty, line_gmv AS gmv
    FROM paid_lines($start::TIMESTAMP, ($end + 1)::TIMESTAMP)
    UNION ALL
    SELECT 'base' AS side, item_key, title, coalesce(qty, 0) AS qty, line_gmv AS gmv
    FROM paid_lines($base_start::TIMESTAMP, ($base_end + 1)::TIMESTAMP)
)

SELECT
    item_key AS item,
    any_value(title) AS title,
    coalesce(sum(gmv) FILTER (WHERE side = 'now'), 0)::DECIMAL(18, 2) AS gmv,
    coalesce(sum(gmv) FILTER (WHERE side = 'base'), 0)::DECIMAL(18, 2) AS gmv_base,
    coalesce(sum(qty) FILTER (WHERE side = 'now'), 0) AS qty,
    count(*) FILTER (WHERE side = 'now') AS lines_now,
    count(*) FILTER (WHERE side = 'base') AS lines_base
FROM allocated
GROUP BY item_key
ORDER BY gmv DESC, item_key
