-- 生意参谋 竞品 item prices (价格 / 一口价, 元) over [$start, $end]: one row per snapshot with a
-- price. Prices are money, unlike the indices of campaign_competitors.sql.
SELECT
    stat_date AS day,
    competitor_item_id AS item_id,
    device,
    price
FROM competitor_items
WHERE stat_date BETWEEN $start AND $end
  AND price IS NOT NULL
ORDER BY item_id, device, day
