-- 动销率 building blocks as of $day: items with sales since $sold_start, and the two
-- possible denominators: items in the latest inventory snapshot (on or before $day) with
-- stock > 0, and items seen in order lines or item_daily since $seen_start.
-- Item key of an order line as in gmv_by_item.sql (商品ID, else title, else 商家编码), with
-- the 商品ID looked up by title in item_daily when the line has none. An inventory item is
-- a 款 (style_code, else sku_code); it has sold when one of its SKUs' 商家编码, its 款式编码
-- (= 外部系统编号 / 货号) or its name matches a sold line or a sold item_daily row.
WITH
id_by_name AS (
    SELECT
        item_name,
        any_value(item_id) AS item_id
    FROM item_daily
    WHERE item_name IS NOT NULL
      AND stat_date BETWEEN $seen_start AND $day
    GROUP BY item_name
),

lines AS (
    SELECT
        coalesce(nullif(i.item_id, ''), n.item_id, nullif(i.title, ''), i.sku_code) AS item_key,
        i.title,
        i.sku_code,
        i.outer_id,
        o.paid_at
    FROM order_items AS i
    JOIN orders AS o ON o.order_id = i.order_id
    LEFT JOIN id_by_name AS n ON n.item_name = i.title
    WHERE coalesce(o.paid_at, o.created_at) >= $seen_start::TIMESTAMP
      AND coalesce(o.paid_at, o.created_at) < ($day + 1)::TIMESTAMP
),

sold_lines AS (
    SELECT *
    FROM lines
    WHERE paid_at >= $sold_start::TIMESTAMP
      AND paid_at < ($day + 1)::TIMESTAMP
),

sold_item_days AS (
    SELECT item_id, item_name, style_no
    FROM item_daily
    WHERE stat_date BETWEEN $sold_start AND $day
      AND (pay_buyers > 0 OR pay_amount > 0)
),

sold AS (
    SELECT item_key FROM sold_lines
    UNION
    SELECT item_id FROM sold_item_days
),

seen AS (
    SELECT item_key FROM lines
    UNION
    SELECT item_id FROM item_daily WHERE stat_date BETWEEN $seen_start AND $day
),

sold_codes AS (
    SELECT sku_code AS code FROM sold_lines WHERE sku_code IS NOT NULL
    UNION SELECT outer_id FROM sold_lines WHERE outer_id IS NOT NULL
    UNION SELECT style_no FROM sold_item_days WHERE style_no IS NOT NULL
),

sold_names AS (
    SELECT title AS name FROM sold_lines WHERE title IS NOT NULL
    UNION SELECT item_name FROM sold_item_days WHERE item_name IS NOT NULL
),

snapshot AS (
    SELECT max(snapshot_date) AS snapshot_date
    FROM inventory
    WHERE snapshot_date <= $day
),

stock AS (
    SELECT
        coalesce(nullif(v.style_code, ''), v.sku_code) AS item_key,
        coalesce(v.available, v.on_hand) AS qty,
        v.sku_code IN (SELECT code FROM sold_codes)
            OR coalesce(v.style_code IN (SELECT code FROM sold_codes), false)
            OR coalesce(v.name IN (SELECT name FROM sold_names), false) AS sold
    FROM inventory AS v
    WHERE v.snapshot_date = (SELECT snapshot_date FROM snapshot)
),

stock_items AS (
    SELECT
        item_key,
        coalesce(sum(qty) > 0, false) AS on_sale,
        bool_or(sold) AS sold
    FROM stock
    GROUP BY item_key
)

SELECT
    (SELECT snapshot_date FROM snapshot) AS snapshot_date,
    (SELECT count(*) FILTER (WHERE on_sale) FROM stock_items) AS stock_on_sale,
    (SELECT count(*) FILTER (WHERE on_sale AND sold) FROM stock_items) AS stock_sold,
    (SELECT count(*) FROM seen) AS seen_items,
    (SELECT count(*) FROM sold) AS sold_items
