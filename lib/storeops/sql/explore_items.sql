-- 支付金额, orders, buyers and pieces by item over a period (by the order's pay time).
-- $start, $end: DATE, inclusive. $item: one item key, or NULL for every item.
-- $daily: TRUE gives one row per (day, item), FALSE one row per item (day NULL).
-- Same allocation as gmv_by_item.sql: a line without its own paid amount (generation A
-- 宝贝报表) gets the order's paid amount pro rata to price × qty. Paid orders without any
-- order line are not in any item.
WITH paid_orders AS (
    SELECT order_id, paid_at::DATE AS day, paid_amount, buyer_key
    FROM orders
    WHERE paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP
),

lines AS (
    SELECT
        i.order_id,
        coalesce(nullif(i.item_id, ''), nullif(i.title, ''), i.sku_code) AS item_key,
        i.title,
        i.qty,
        i.paid_amount AS line_paid,
        coalesce(i.unit_price, 0) * coalesce(i.qty, 0) AS line_list
    FROM order_items AS i
    WHERE i.order_id IN (SELECT order_id FROM paid_orders)
),

weighted AS (
    SELECT
        l.*,
        sum(l.line_list) OVER (PARTITION BY l.order_id) AS order_list,
        count(*) OVER (PARTITION BY l.order_id) AS order_lines
    FROM lines AS l
),

allocated AS (
    SELECT
        o.day,
        o.order_id,
        o.buyer_key,
        w.item_key,
        w.title,
        w.qty,
        coalesce(
            w.line_paid,
            CASE WHEN w.order_list > 0 THEN o.paid_amount * w.line_list / w.order_list
                 ELSE o.paid_amount / w.order_lines END
        ) AS line_gmv
    FROM weighted AS w
    JOIN paid_orders AS o USING (order_id)
    WHERE $item IS NULL OR w.item_key = $item
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
