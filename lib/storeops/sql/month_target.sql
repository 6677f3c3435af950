-- The month's GMV target: the month row, else the sum of the month's day rows.
SELECT
    max(target_value) FILTER (WHERE period_type = 'month' AND period_start = $month_start)
        AS month_target,
    sum(target_value) FILTER (WHERE period_type = 'day'
                              AND period_start >= $month_start AND period_start <= $month_end)
        AS day_targets
FROM targets
WHERE metric IN ('pay_amount', 'gmv')
