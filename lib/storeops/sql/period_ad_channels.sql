-- Ad spend and attributed sales per channel over $start..$end (DATE, inclusive), one
-- attribution window ($window days). As in period_ad_days.sql, each (day, channel) is summed
-- within ONE report level — plan, else item, else keyword, else crowd — because the item,
-- keyword and crowd reports show the same spend cut three ways; the days are then added.
WITH source AS (
    SELECT
        stat_date,
        channel,
        report_level,
        cost,
        gmv_total,
        clicks
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
        sum(clicks) AS clicks,
        count(gmv_total) AS gmv_rows
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
    channel,
    -- money (元)
    coalesce(sum(cost), 0)::DECIMAL(18, 2) AS cost,
    sum(gmv_total)::DECIMAL(18, 2) AS gmv_total,
    -- counts
    sum(clicks) AS clicks,
    sum(gmv_rows) AS gmv_rows,
    count(DISTINCT day) AS days
FROM ranked
WHERE level_rank = 1
GROUP BY channel
ORDER BY cost DESC, channel
