-- Sellable stock per SKU and snapshot day over [$start, $end], summed over the warehouses of
-- each one snapshot day (never across days). available: as the ERP states it, else
-- on_hand − order_locked − locked.
WITH source AS (
    SELECT
        snapshot_date,
        sku_code,
        name,
        spec,
        coalesce(available,
                 on_hand - coalesce(order_locked, 0) - coalesce(locked, 0)) AS available
    FROM inventory
    WHERE snapshot_date BETWEEN $start AND $end
)

SELECT
    snapshot_date AS day,
    sku_code,
    any_value(name) AS name,
    any_value(spec) AS spec,
    sum(available) AS available
FROM source
GROUP BY snapshot_date, sku_code
ORDER BY sku_code, day
