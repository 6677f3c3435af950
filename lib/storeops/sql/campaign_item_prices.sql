-- Units and paid amount per item (商品ID, else 外部系统编号 = the style, else 商家编码) in the
-- main window [$start, $end] and on the baseline days ($days, list of DATE). Each order's goods amount (买家应付货款, else 实付 − 邮费) is allocated
-- to its lines pro rata to 标价 × 数量, as in camp_items.sql.
WITH
lines AS (
    SELECT
        i.order_id,
        coalesce(i.item_id, i.outer_id, i.sku_code, i.title) AS item_key,
        i.title,
        i.unit_price * i.qty AS list_value,
        i.qty
    FROM order_items AS i
    WHERE i.unit_price IS NOT NULL AND i.qty IS NOT NULL
),

orders_in AS (
    SELECT
        order_id,
        paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP AS in_main,
        coalesce(goods_payable, paid_amount - coalesce(postage, 0)) AS goods_paid
    FROM orders
    WHERE (paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP)
       OR list_contains($days, paid_at::DATE)
),

allocated AS (
    SELECT
        lines.item_key,
        lines.title,
        lines.qty,
        orders_in.in_main,
        CASE WHEN sum(lines.list_value) OVER (PARTITION BY lines.order_id) > 0
            THEN orders_in.goods_paid * lines.list_value
                 / sum(lines.list_value) OVER (PARTITION BY lines.order_id)
            ELSE 0 END AS paid
    FROM lines
    JOIN orders_in ON orders_in.order_id = lines.order_id
)

SELECT
    item_key,
    any_value(title) AS title,
    -- counts
    coalesce(sum(qty) FILTER (WHERE in_main), 0) AS main_qty,
    coalesce(sum(qty) FILTER (WHERE NOT in_main), 0) AS base_qty,
    -- money (DECIMAL, summed here)
    coalesce(sum(paid) FILTER (WHERE in_main), 0)::DECIMAL(18, 2) AS main_paid,
    coalesce(sum(paid) FILTER (WHERE NOT in_main), 0)::DECIMAL(18, 2) AS base_paid
FROM allocated
GROUP BY item_key
ORDER BY item_key
