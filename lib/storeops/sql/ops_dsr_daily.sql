-- Daily DSR scores (the 店铺DSR daily block) from $start to $end (DATE, inclusive).
SELECT snapshot_date, metric, score
FROM dsr
WHERE "window" = 'daily' AND snapshot_date BETWEEN $start AND $end
ORDER BY metric, snapshot_date
