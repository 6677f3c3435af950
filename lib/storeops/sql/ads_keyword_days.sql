-- Keyword-level ad rows over a date range, one attribution window: one row per
-- (day, channel, plan, unit, keyword|item), the grain of the keyword reports.
WITH source AS (
    SELECT *
    FROM ad_reports
    WHERE report_level = 'keyword'
      AND attribution_window_days = $window
      AND stat_date BETWEEN $start AND $end
)

SELECT
    -- keys
    stat_date AS day,
    channel,
    plan_id,
    unit_key,
    entity_key,
    -- labels
    plan_name,
    item_id,
    -- counts
    impressions,
    clicks,
    orders_total,
    -- money (DECIMAL)
    cost,
    gmv_total
FROM source
ORDER BY channel, plan_id, unit_key, entity_key, day
