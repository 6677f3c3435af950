-- Last day and day count of each source a report reads, for the data stamp.
SELECT 'orders' AS source, '订单报表' AS label,
       min(coalesce(paid_at, created_at))::DATE AS first_day,
       max(coalesce(paid_at, created_at))::DATE AS last_day,
       count(DISTINCT created_at::DATE) AS days
FROM orders
UNION ALL
SELECT 'shop_daily', '生意参谋 店铺日报', min(stat_date), max(stat_date), count(DISTINCT stat_date)
FROM shop_daily
