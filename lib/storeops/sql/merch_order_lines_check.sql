-- Orders paid on $day with the sums of their lines (宝贝报表), for the cross-source check.
-- A line's paid amount counts only when it came from the export (not allocated by us).
WITH
paid_orders AS (
    SELECT
        order_id,
        paid_amount,
        postage,
        list_total,
        item_qty
    FROM orders
    WHERE paid_at >= $day::TIMESTAMP
      AND paid_at < ($day + 1)::TIMESTAMP
),

lines AS (
    SELECT
        order_id,
        count(*) AS n_lines,
        sum(qty) AS qty,
        count(qty) AS qty_known,
        sum(unit_price * qty)::DECIMAL(18, 2) AS list_sum,
        count(unit_price * qty) AS list_known,
        sum(paid_amount) FILTER (WHERE NOT coalesce(paid_is_allocated, false))::DECIMAL(18, 2)
            AS paid_sum,
        count(paid_amount) FILTER (WHERE NOT coalesce(paid_is_allocated, false)) AS paid_known
    FROM order_items
    WHERE order_id IN (SELECT order_id FROM paid_orders)
    GROUP BY order_id
)

SELECT
    p.order_id,
    p.paid_amount,
    p.postage,
    p.list_total,
    p.item_qty,
    coalesce(l.n_lines, 0) AS n_lines,
    l.qty,
    l.qty_known,
    l.list_sum,
    l.list_known,
    l.paid_sum,
    l.paid_known
FROM paid_orders AS p
LEFT JOIN lines AS l USING (order_id)
ORDER BY p.order_id
