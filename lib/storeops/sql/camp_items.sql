-- Items of the orders paid in [$start, $end]: GMV per item, each order's goods amount
-- (买家应付货款, else 实付 − 邮费) allocated to its lines pro rata to 标价 × 数量.
WITH
lines AS (
    SELECT
        i.order_id,
        coalesce(i.item_id, i.sku_code, i.outer_id, i.title) AS item_key,
        i.title,
        i.unit_price * i.qty AS list_value,
        i.qty
    FROM order_items AS i
    WHERE i.unit_price IS NOT NULL AND i.qty IS NOT NULL
),

orders_in AS (
    SELECT order_id, coalesce(goods_payable, paid_amount - coalesce(postage, 0)) AS goods_paid
    FROM orders
    WHERE paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP
),

allocated AS (
    SELECT
        lines.item_key,
        lines.title,
        lines.qty,
        lines.list_value,
        CASE WHEN sum(lines.list_value) OVER (PARTITION BY lines.order_id) > 0
            THEN orders_in.goods_paid * lines.list_value
                 / sum(lines.list_value) OVER (PARTITION BY lines.order_id)
            ELSE 0 END AS gmv
    FROM lines
    JOIN orders_in ON orders_in.order_id = lines.order_id
)

SELECT
    item_key,
    any_value(title) AS title,
    sum(qty) AS qty,
    sum(list_value)::DECIMAL(18, 2) AS list_value,
    sum(gmv)::DECIMAL(18, 2) AS gmv
FROM allocated
GROUP BY item_key
ORDER BY gmv DESC, item_key
