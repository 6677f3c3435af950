-- 生意参谋 竞品 snapshots over [$start, $end]: indices only (交易指数 … are not money; never
-- summed across items, compared only within one metric and one device).
WITH source AS (
    SELECT stat_date, competitor_item_id, device, competitor_shop, title, trade_index,
           traffic_index, "rank"
    FROM competitor_items
    WHERE stat_date BETWEEN $start AND $end
)

SELECT
    stat_date AS day,
    competitor_item_id AS item_id,
    device,
    competitor_shop AS shop,
    title,
    trade_index,
    traffic_index,
    "rank"
FROM source
ORDER BY item_id, device, day
