-- Rows, date coverage and missing days of every canonical table that has a date column.
-- `daily` tables hold one export per day, so a day without rows between the first and the
-- last day is a gap worth listing; for the others (calendars, targets, plans) it is not.
WITH source AS (
    SELECT 'orders' AS table_name, TRUE AS daily, created_at::DATE AS day FROM orders
    UNION ALL SELECT 'order_items', TRUE, created_at::DATE FROM order_items
    UNION ALL SELECT 'refunds', TRUE, applied_at::DATE FROM refunds
    UNION ALL SELECT 'shop_daily', TRUE, stat_date FROM shop_daily
    UNION ALL SELECT 'shop_daily_device', TRUE, stat_date FROM shop_daily_device
    UNION ALL SELECT 'item_daily', TRUE, stat_date FROM item_daily
    UNION ALL SELECT 'traffic_sources', TRUE, stat_date FROM traffic_sources
    UNION ALL SELECT 'ad_reports', TRUE, stat_date FROM ad_reports
    UNION ALL SELECT 'ad_plans', FALSE, first_seen FROM ad_plans
    UNION ALL SELECT 'cs_agents', TRUE, stat_date FROM cs_agents
    UNION ALL SELECT 'cs_benchmarks', TRUE, stat_date FROM cs_benchmarks
    UNION ALL SELECT 'dsr', TRUE, snapshot_date FROM dsr
    UNION ALL SELECT 'reviews', TRUE, review_time::DATE FROM reviews
    UNION ALL SELECT 'inventory', TRUE, snapshot_date FROM inventory
    UNION ALL SELECT 'competitor_items', TRUE, stat_date FROM competitor_items
    UNION ALL SELECT 'promotions', FALSE, start_date FROM promotions
    UNION ALL SELECT 'targets', FALSE, period_start FROM targets
    UNION ALL SELECT 'manifest', FALSE, loaded_at::DATE FROM manifest
),

names AS (
    -- every table above, so that an empty one is listed with 0 rows
    SELECT table_name, daily, position FROM (VALUES
        ('orders', TRUE, 1), ('order_items', TRUE, 2), ('refunds', TRUE, 3),
        ('shop_daily', TRUE, 4), ('shop_daily_device', TRUE, 5), ('item_daily', TRUE, 6),
        ('traffic_sources', TRUE, 7), ('ad_reports', TRUE, 8), ('ad_plans', FALSE, 9),
        ('cs_agents', TRUE, 10), ('cs_benchmarks', TRUE, 11), ('dsr', TRUE, 12),
        ('reviews', TRUE, 13), ('inventory', TRUE, 14), ('competitor_items', TRUE, 15),
        ('promotions', FALSE, 16), ('targets', FALSE, 17), ('manifest', FALSE, 18)
    ) AS t (table_name, daily, position)
),

coverage AS (
    SELECT
        names.table_name,
        names.daily,
        names.position,
        count(source.table_name) AS rows,
        min(source.day) AS first_day,
        max(source.day) AS last_day
    FROM names
    LEFT JOIN source USING (table_name)
    GROUP BY names.table_name, names.daily, names.position
),

distinct_days AS (
    SELECT DISTINCT table_name, day FROM source WHERE daily AND day IS NOT NULL
),

steps AS (
    SELECT
        table_name,
        day,
        lag(day) OVER (PARTITION BY table_name ORDER BY day) AS previous_day
    FROM distinct_days
),

gaps AS (
    SELECT
        table_name,
        sum(day - previous_day - 1) AS missing_days,
        list(
            {'gap_start': previous_day + 1, 'gap_end': day - 1}
            ORDER BY day
        ) AS gaps
    FROM steps
    WHERE day - previous_day > 1
    GROUP BY table_name
)

SELECT
    coverage.table_name,
    coverage.rows,
    coverage.first_day,
    coverage.last_day,
    coverage.daily,
    coalesce(gaps.missing_days, 0) AS missing_days,
    coalesce(gaps.gaps, []) AS gaps
FROM coverage
LEFT JOIN gaps USING (table_name)
ORDER BY coverage.position
