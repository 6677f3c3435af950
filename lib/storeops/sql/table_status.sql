-- Rows and date coverage of the tables a store's reports read.
SELECT 'orders' AS table_name, count(*) AS rows,
       min(created_at)::DATE AS first_day, max(created_at)::DATE AS last_day FROM orders
UNION ALL
SELECT 'order_items', count(*), min(created_at)::DATE, max(created_at)::DATE FROM order_items
UNION ALL
SELECT 'shop_daily', count(*), min(stat_date), max(stat_date) FROM shop_daily
UNION ALL
SELECT 'manifest', count(*), min(loaded_at)::DATE, max(loaded_at)::DATE FROM manifest
