-- Ad spend and clicks per channel over a period, for the plan's 推广费比 and cost per visitor.
-- One report level and one attribution window per channel (the most aggregate level, the
-- shortest window): spend does not depend on the window, so summing several would double it.
-- $start, $end: DATE, inclusive.
WITH
source AS (
    SELECT
        channel,
        report_level,
        attribution_window_days,
        stat_date,
        cost,
        clicks
    FROM ad_reports
    WHERE stat_date BETWEEN $start AND $end
),

by_level AS (
    SELECT
        channel,
        report_level,
        attribution_window_days,
        sum(cost) AS cost,
        sum(clicks) AS clicks,
        min(stat_date) AS first_day,
        max(stat_date) AS last_day
    FROM source
    GROUP BY ALL
)

SELECT channel, cost::DECIMAL(18, 2) AS cost, clicks, first_day, last_day
FROM by_level
QUALIFY row_number() OVER (
    PARTITION BY channel
    ORDER BY CASE report_level WHEN 'plan' THEN 0 WHEN 'item' THEN 1 ELSE 2 END,
             attribution_window_days
) = 1
ORDER BY channel
