-- Ad spend and attributed sales per channel on one day, one attribution window.
-- The item, keyword and crowd reports show the same spend cut three ways, so each channel
-- is summed within ONE report level: plan if present, else item, else keyword, else crowd.
WITH source AS (
    SELECT *
    FROM ad_reports
    WHERE stat_date = $day
      AND attribution_window_days = $window
),

by_level AS (
    SELECT
        channel,
        report_level,
        -- money (DECIMAL, summed here)
        sum(cost) AS cost,
        sum(gmv_total) AS gmv_total,
        -- counts
        sum(orders_total) AS orders_total,
        sum(impressions) AS impressions,
        sum(clicks) AS clicks,
        count(*) AS n_rows
    FROM source
    GROUP BY ALL
),

ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY channel
            ORDER BY CASE report_level
                WHEN 'plan' THEN 1 WHEN 'item' THEN 2 WHEN 'keyword' THEN 3
                WHEN 'crowd' THEN 4 ELSE 5 END, report_level
        ) AS level_rank
    FROM by_level
)

SELECT channel, report_level, cost, gmv_total, orders_total, impressions, clicks, n_rows
FROM ranked
WHERE level_rank = 1
ORDER BY cost DESC NULLS LAST, channel
