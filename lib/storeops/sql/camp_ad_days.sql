-- Ad spend and attributed sales per channel and day over [$start, $end], one attribution
-- window ($window). As in ads_channel_day.sql, each channel is summed within ONE report
-- level (plan if present, else item, else keyword, else crowd), chosen over the whole range,
-- because the item, keyword and crowd reports show the same spend cut three ways.
WITH source AS (
    SELECT stat_date, channel, report_level, cost, gmv_total
    FROM ad_reports
    WHERE stat_date BETWEEN $start AND $end
      AND attribution_window_days = $window
),

levels AS (
    SELECT
        channel,
        report_level,
        row_number() OVER (
            PARTITION BY channel
            ORDER BY CASE report_level
                WHEN 'plan' THEN 1 WHEN 'item' THEN 2 WHEN 'keyword' THEN 3
                WHEN 'crowd' THEN 4 ELSE 5 END, report_level
        ) AS level_rank
    FROM (SELECT DISTINCT channel, report_level FROM source)
)

SELECT
    source.channel,
    source.report_level,
    source.stat_date AS day,
    -- money (DECIMAL, summed here)
    sum(source.cost) AS cost,
    sum(source.gmv_total) AS gmv_total
FROM source
JOIN levels
  ON levels.channel = source.channel
 AND levels.report_level = source.report_level
 AND levels.level_rank = 1
GROUP BY ALL
ORDER BY source.channel, day
