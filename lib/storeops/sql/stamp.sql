-- For each source a report reads: its last day and the days it has in the 30 days up to
-- $day (for the data stamp's gaps). Daily sources list their days; the others only a last day.
WITH days AS (
    SELECT 'orders' AS source, paid_at::DATE AS d FROM orders WHERE paid_at IS NOT NULL
    UNION ALL SELECT 'shop_daily', stat_date FROM shop_daily
    UNION ALL SELECT 'traffic_sources', stat_date FROM traffic_sources
    UNION ALL SELECT 'ad_reports', stat_date FROM ad_reports
    UNION ALL SELECT 'cs_agents', stat_date FROM cs_agents
    UNION ALL SELECT 'refunds', coalesce(finished_at, applied_at)::DATE FROM refunds
    UNION ALL SELECT 'reviews', review_time::DATE FROM reviews
    UNION ALL SELECT 'dsr', snapshot_date FROM dsr
    UNION ALL SELECT 'inventory', snapshot_date FROM inventory
)

SELECT
    source,
    max(d) FILTER (WHERE d <= $day) AS last_day,
    list(DISTINCT d ORDER BY d) FILTER (WHERE d BETWEEN $day - 29 AND $day) AS recent
FROM days
GROUP BY source
