-- DSR level of each metric as of $start and as of $end (DATE): the newest score on or before
-- each day, from the daily block or the 180-day block (the newer snapshot wins; on the same
-- day the daily block). A level, never summed or averaged (§6.1).
WITH source AS (
    SELECT snapshot_date, metric, "window", score
    FROM dsr
    WHERE snapshot_date <= $end AND score IS NOT NULL
),

at_days AS (
    SELECT 'start' AS side, $start AS as_of
    UNION ALL
    SELECT 'end' AS side, $end AS as_of
)

SELECT
    a.side,
    s.metric,
    s.snapshot_date,
    s.score
FROM at_days AS a
JOIN source AS s ON s.snapshot_date <= a.as_of
QUALIFY row_number() OVER (
    PARTITION BY a.side, s.metric
    ORDER BY s.snapshot_date DESC, (s."window" = 'daily') DESC
) = 1
ORDER BY s.metric, a.side DESC
