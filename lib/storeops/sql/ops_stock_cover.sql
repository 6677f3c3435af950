-- Stock per SKU at the latest snapshot on or before $day (DATE), summed over warehouses of
-- that one snapshot (never across dates), with the quantity sold in the order lines whose
-- order was paid from $sales_start to $day (DATE, inclusive).
-- available: as the ERP states it, else on_hand − order_locked − locked.
WITH snapshot AS (
    SELECT max(snapshot_date) AS snapshot_date
    FROM inventory
    WHERE snapshot_date <= $day
),

stock AS (
    SELECT
        i.sku_code,
        any_value(i.name) AS name,
        any_value(i.spec) AS spec,
        any_value(i.snapshot_date) AS snapshot_date,
        sum(i.on_hand) AS on_hand,
        sum(coalesce(
            i.available,
            i.on_hand - coalesce(i.order_locked, 0) - coalesce(i.locked, 0)
        )) AS available,
        sum(i.safety_stock) AS safety_stock,
        sum(i.po_in_transit) AS po_in_transit
    FROM inventory AS i
    JOIN snapshot AS s USING (snapshot_date)
    GROUP BY i.sku_code
),

lines AS (
    SELECT
        l.sku_code,
        l.outer_id,
        coalesce(l.qty, 0) AS qty
    FROM order_items AS l
    LEFT JOIN orders AS o USING (order_id)
    WHERE coalesce(o.paid_at, l.paid_at) >= $sales_start::TIMESTAMP
        AND coalesce(o.paid_at, l.paid_at) < ($day + 1)::TIMESTAMP
),

matched AS (
    -- 商家编码 first; the 外部系统编号 only when the 商家编码 is not a stock SKU
    SELECT
        CASE
            WHEN sku_code IN (SELECT sku_code FROM stock) THEN sku_code
            WHEN outer_id IN (SELECT sku_code FROM stock) THEN outer_id
        END AS sku_code,
        qty
    FROM lines
),

sold AS (
    SELECT sku_code, sum(qty) AS sold_qty
    FROM matched
    WHERE sku_code IS NOT NULL
    GROUP BY sku_code
)

SELECT
    stock.*,
    coalesce(sold.sold_qty, 0) AS sold_qty,
    (SELECT count(*) FROM lines) AS period_lines
FROM stock
LEFT JOIN sold USING (sku_code)
ORDER BY stock.sku_code
