-- Day and month targets (targets table, any metric) whose period starts from $start to $end
-- (DATE, inclusive); the caller passes the first day of the first month it needs.
SELECT
    period_type,
    period_start,
    metric,
    target_value
FROM targets
WHERE period_type IN ('day', 'month')
  AND period_start BETWEEN $start AND $end
ORDER BY period_start, period_type, metric
