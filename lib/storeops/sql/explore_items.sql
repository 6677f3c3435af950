-- 支付金额, orders, buyers and pieces by item over a period (by the order's pay time).
-- $start, $end: DATE, inclusive. $item: one item key, or NULL for every item.
-- $daily: TRUE gives one row per (day, item), FALSE one row per item (day NULL).
-- Lines and their share of the order's paid amount: the paid_lines macro (sql/macros.sql).
WITH allocated AS (
    SELECT day, order_id, buyer_key, item_key, title, qty, line_gmv
    FROM paid_lines($start::TIMESTAMP, ($end + 1)::TIMESTAMP)
    WHERE $item IS NULL OR item_key = $item
)

SELECT
    CASE WHEN $daily THEN day END AS day,
    item_key AS key,
    any_value(title) AS title,
    -- money (元)
    sum(line_gmv)::DECIMAL(18, 2) AS gmv,
    -- counts
    count(DISTINCT order_id) AS paid_orders,
    count(DISTINCT buyer_key) AS paid_buyers_distinct,
    count(buyer_key) AS lines_keyed,
    count(*) AS lines,
    sum(qty) AS qty
FROM allocated
GROUP BY ALL
ORDER BY day NULLS FIRST, gmv DESC, key
