-- Ad spend and attributed sales per day, channel and attribution window, $start..$end (DATE,
-- inclusive). As in ads_channel_day.sql, each (day, channel, window) is summed within ONE
-- report level — plan, else item, else keyword, else crowd — because the item, keyword and
-- crowd reports show the same spend cut three ways. Callers keep ONE window per question.
WITH source AS (
    SELECT
        stat_date,
        channel,
        report_level,
        attribution_window_days,
        cost,
        gmv_total
    FROM ad_reports
    WHERE stat_date BETWEEN $start AND $end
),

by_level AS (
    SELECT
        stat_date AS day,
        channel,
        attribution_window_days AS window_days,
        report_level,
        -- money (DECIMAL, summed here)
        sum(cost) AS cost,
        sum(gmv_total) AS gmv_total,
        -- rows that carry a 总成交金额 (0: the report has no sales column)
        count(gmv_total) AS gmv_rows
    FROM source
    GROUP BY ALL
),

ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY day, channel, window_days
            ORDER BY CASE report_level
                WHEN 'plan' THEN 1 WHEN 'item' THEN 2 WHEN 'keyword' THEN 3
                WHEN 'crowd' THEN 4 ELSE 5 END, report_level
        ) AS level_rank
    FROM by_level
)

SELECT day, channel, window_days, report_level, cost, gmv_total, gmv_rows
FROM ranked
WHERE level_rank = 1
ORDER BY day, channel, window_days
