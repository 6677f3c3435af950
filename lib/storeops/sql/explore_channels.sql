-- Ad spend and attributed sales per channel over a period, one attribution window.
-- $start, $end: DATE, inclusive. $window: attribution window in days (one: never mix).
-- $daily: TRUE gives one row per (day, channel), FALSE one row per channel (day NULL).
-- Same rule as ads_channel_day.sql, applied day by day: each channel is summed within ONE
-- report level per day (plan if present, else item, else keyword, else crowd), because the
-- item, keyword and crowd reports show the same spend cut three ways.
WITH source AS (
    SELECT *
    FROM ad_reports
    WHERE stat_date BETWEEN $start AND $end
      AND attribution_window_days = $window
),

by_level AS (
    SELECT
        stat_date AS day,
        channel,
        report_level,
        -- money (DECIMAL, summed here)
        sum(cost) AS cost,
        sum(gmv_total) AS gmv_total,
        -- counts
        sum(orders_total) AS orders_total,
        sum(impressions) AS impressions,
        sum(clicks) AS clicks
    FROM source
    GROUP BY ALL
),

ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY day, channel
            ORDER BY CASE report_level
                WHEN 'plan' THEN 1 WHEN 'item' THEN 2 WHEN 'keyword' THEN 3
                WHEN 'crowd' THEN 4 ELSE 5 END, report_level
        ) AS level_rank
    FROM by_level
)

SELECT
    CASE WHEN $daily THEN day END AS day,
    channel AS key,
    string_agg(DISTINCT report_level, ',' ORDER BY report_level) AS report_levels,
    sum(cost)::DECIMAL(18, 2) AS cost,
    sum(gmv_total)::DECIMAL(18, 2) AS gmv_total,
    sum(orders_total) AS orders_total,
    sum(impressions) AS impressions,
    sum(clicks) AS clicks
FROM ranked
WHERE level_rank = 1
GROUP BY ALL
ORDER BY day NULLS FIRST, cost DESC NULLS LAST, key
