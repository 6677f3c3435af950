-- Ad spend and attributed sales per channel over a period, one attribution window.
-- $start, $end: DATE, inclusive. $window: attribution window in days (one: never mix).
-- $daily: TRUE gives one row per (day, channel), FALSE one row per channel (day NULL).
-- Each (day, channel) is summed within ONE report level (the ad_channel_days macro's rule).
SELECT
    CASE WHEN $daily THEN day END AS day,
    channel AS key,
    string_agg(DISTINCT report_level, ',' ORDER BY report_level) AS report_levels,
    sum(cost)::DECIMAL(18, 2) AS cost,
    sum(gmv_total)::DECIMAL(18, 2) AS gmv_total,
    sum(orders_total) AS orders_total,
    sum(impressions) AS impressions,
    sum(clicks) AS clicks
FROM ad_channel_days($start, $end)
WHERE window_days = $window
GROUP BY ALL
ORDER BY day NULLS FIRST, cost DESC NULLS LAST, key
