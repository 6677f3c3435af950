-- The latest 180-day DSR score of each metric on or before $day (DATE). A level, never summed.
WITH source AS (
    SELECT snapshot_date, metric, score, industry_avg
    FROM dsr
    WHERE "window" = '180d' AND snapshot_date <= $day
)

SELECT metric, snapshot_date, score, industry_avg
FROM source
QUALIFY row_number() OVER (PARTITION BY metric ORDER BY snapshot_date DESC) = 1
ORDER BY metric
