-- The store's hand-kept promotion windows (大促日历), oldest first.
SELECT
    name,
    kind,
    coalesce(preheat_start, start_date) AS window_start,
    start_date,
    end_date
FROM promotions
ORDER BY start_date, name
