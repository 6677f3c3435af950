-- First and last day of each operations source (客服, 退款, 评价, DSR, 库存, 订单).
-- A source "covers" a report day when its last day is on or after it.
SELECT 'cs' AS source, min(stat_date) AS first_day, max(stat_date) AS last_day
FROM (SELECT stat_date FROM cs_agents UNION ALL SELECT stat_date FROM cs_benchmarks)
UNION ALL
SELECT 'refunds', min(coalesce(applied_at, finished_at))::DATE,
       greatest(max(applied_at), max(finished_at))::DATE
FROM refunds
UNION ALL
SELECT 'reviews', min(review_time)::DATE, max(review_time)::DATE
FROM reviews
UNION ALL
SELECT 'dsr', min(snapshot_date), max(snapshot_date)
FROM dsr
UNION ALL
SELECT 'inventory', min(snapshot_date), max(snapshot_date)
FROM inventory
UNION ALL
SELECT 'orders', min(coalesce(paid_at, created_at))::DATE,
       max(coalesce(paid_at, created_at))::DATE
FROM orders
