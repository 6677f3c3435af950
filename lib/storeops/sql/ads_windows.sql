-- Attribution windows (days) present in ad_reports over a date range, most rows first.
-- $levels: the report levels to look at, e.g. ['keyword']. Ties go to the platform default
-- (15 days), then to the shorter window. Callers keep ONE window: never mix windows in a sum.
WITH source AS (
    SELECT stat_date, report_level, attribution_window_days
    FROM ad_reports
    WHERE stat_date BETWEEN $start AND $end
      AND list_contains($levels, report_level)
)
SELECT
    attribution_window_days AS window_days,
    count(*) AS n_rows
FROM source
GROUP BY attribution_window_days
ORDER BY n_rows DESC, (window_days = 15) DESC, window_days
