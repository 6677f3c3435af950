-- 90-day repurchase of first-time buyers (as cust_first_repurchase.sql) by the main item of
-- their first effective order: the order line with the largest share of 支付金额 (ties: the
-- smaller item key). The line's share and the item key follow the paid_lines macro
-- (macros.sql): the line's own paid amount, else the order's paid amount pro rata to
-- price × qty (equal shares without list prices); the item id, else the title, else the SKU
-- code. A first order without order lines has item_key NULL.
WITH
cohort AS (
    SELECT
        first_order_id,
        coalesce(second_at::DATE - first_at::DATE <= $within, FALSE) AS repeated
    FROM cust_new_buyers
    WHERE first_at::DATE BETWEEN $first_start AND $first_end
),

first_orders AS (
    SELECT
        order_id,
        paid_amount
    FROM cust_new_orders
    WHERE order_id IN (SELECT first_order_id FROM cohort)
),

lines AS (
    SELECT
        i.order_id,
        coalesce(nullif(i.item_id, ''), nullif(i.title, ''), i.sku_code) AS item_key,
        i.title,
        i.paid_amount AS line_paid,
        coalesce(i.unit_price, 0) * coalesce(i.qty, 0) AS line_list
    FROM order_items AS i
    WHERE i.order_id IN (SELECT order_id FROM first_orders)
),

weighted AS (
    SELECT
        l.*,
        sum(l.line_list) OVER (PARTITION BY l.order_id) AS order_list,
        count(*) OVER (PARTITION BY l.order_id) AS order_lines
    FROM lines AS l
),

shared AS (
    SELECT
        w.order_id,
        w.item_key,
        w.title,
        coalesce(
            w.line_paid,
            CASE WHEN w.order_list > 0 THEN o.paid_amount * w.line_list / w.order_list
                 ELSE o.paid_amount / w.order_lines END
        ) AS line_gmv
    FROM weighted AS w
    INNER JOIN first_orders AS o USING (order_id)
),

main_lines AS (
    SELECT
        order_id,
        item_key,
        title,
        row_number() OVER (PARTITION BY order_id ORDER BY line_gmv DESC, item_key) AS pick
    FROM shared
)

SELECT
    m.item_key,
    any_value(m.title) AS title,
    count(*) AS buyers,
    count(*) FILTER (WHERE c.repeated) AS repeat_buyers
FROM cohort AS c
LEFT JOIN main_lines AS m
    ON m.order_id = c.first_order_id AND m.pick = 1
GROUP BY m.item_key
ORDER BY buyers DESC, m.item_key NULLS LAST
