-- 支付金额 by item on each of two days (by the order's pay time). Lines without a paid
-- amount (generation A 宝贝报表) get the order's paid amount pro rata to price × qty.
WITH paid_orders AS (
    SELECT order_id, paid_at::DATE AS day, paid_amount
    FROM orders
    WHERE paid_at::DATE IN ($day, $base)
),

lines AS (
    SELECT
        i.order_id,
        coalesce(nullif(i.item_id, ''), nullif(i.title, ''), i.sku_code) AS item_key,
        i.title,
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
)

SELECT
    o.day,
    w.item_key AS part,
    any_value(w.title) AS title,
    sum(coalesce(
        w.line_paid,
        CASE WHEN w.order_list > 0 THEN o.paid_amount * w.line_list / w.order_list
             ELSE o.paid_amount / w.order_lines END
    ))::DECIMAL(18, 2) AS gmv
FROM weighted AS w
JOIN paid_orders AS o USING (order_id)
GROUP BY ALL
