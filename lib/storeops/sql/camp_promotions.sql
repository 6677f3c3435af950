-- Every promotion of the store (hand-kept 大促日历 or `storeops promo add`), newest first.
WITH source AS (
    SELECT name, kind, preheat_start, start_date, end_date
    FROM promotions
)

SELECT name, kind, preheat_start, start_date, end_date
FROM source
ORDER BY end_date DESC, name
