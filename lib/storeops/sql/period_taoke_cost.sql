-- 淘宝客佣金 of the 生意参谋 店铺 export (shop_daily.cost_taoke) summed over $start..$end
-- (DATE, inclusive); days = days that carry the column (0: the export has no commission).
SELECT
    sum(cost_taoke)::DECIMAL(18, 2) AS cost,
    count(cost_taoke) AS days
FROM shop_daily
WHERE stat_date BETWEEN $start AND $end
