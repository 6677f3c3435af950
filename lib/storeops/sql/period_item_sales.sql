-- 支付金额 and 件数 by item over a period ($start..$end) and a base period
-- ($base_start..$base_end), both DATE inclusive, by the order's pay time. Item key and the
-- allocation of an order's paid amount to lines without one (pro rata to price × qty) as in
-- gmv_by_item.sql.
WITH paid_orders AS (
    SELECT
        order_id,
        paid_amount,
        CASE WHEN paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP
             THEN 'now' ELSE 'base' END AS side
    FROM orders
    WHERE (paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP)
       OR (paid_at >= $base_start::TIMESTAMP AND paid_at < ($base_end + 1)::TIMESTAMP)
),

lines AS (
    SELECT
        i.order_id,
        coalesce(nullif(i.item_id, ''), nullif(i.title, ''), i.sku_code) AS item_key,
        i.title,
        coalesce(i.qty, 0) AS qty,
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
        o.side,
        w.item_key,
        w.title,
        w.qty,
        coalesce(
            w.line_paid,
            CASE WHEN w.order_list > 0 THEN o.paid_amount * w.line_list / w.order_list
                 ELSE o.paid_amount / w.order_lines END
        ) AS gmv
    FROM weighted AS w
    JOIN paid_orders AS o USING (order_id)
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
