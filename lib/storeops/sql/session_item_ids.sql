-- Items with a 生意参谋 商品 (item_daily) row in the $days days before $day or the $days
-- days from it.
SELECT DISTINCT item_id
FROM item_daily
WHERE stat_date BETWEEN $day - $days AND $day + $days - 1
ORDER BY item_id
