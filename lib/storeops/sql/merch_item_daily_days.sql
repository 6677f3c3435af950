-- Which days of the window $start..$day and the comparison day $base item_daily covers.
SELECT
    count(DISTINCT stat_date) FILTER (WHERE stat_date BETWEEN $start AND $day) AS window_days,
    coalesce(bool_or(stat_date = $day), false) AS has_day,
    coalesce(bool_or(stat_date = $base), false) AS has_base
FROM item_daily
WHERE stat_date = $base
   OR stat_date BETWEEN $start AND $day
