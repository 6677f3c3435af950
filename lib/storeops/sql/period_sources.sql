-- 访客数 by shop traffic source (devices and days summed: Σ日访客) over a period
-- ($start..$end) and a base period ($base_start..$base_end), DATE inclusive. Rows and the
-- subtotal rule from the shop_sources macro (sql/macros.sql). Visitors overlap across sources.
WITH kept AS (
    SELECT
        CASE WHEN day BETWEEN $start AND $end THEN 'now' ELSE 'base' END AS side,
        day,
        source_l1,
        source,
        visitors,
        pay_amount
    FROM shop_sources(least($start, $base_start), greatest($end, $base_end))
    WHERE day BETWEEN $start AND $end OR day BETWEEN $base_start AND $base_end
)

SELECT
    source_l1,
    source,
    -- counts (人, Σ日)
    sum(visitors) FILTER (WHERE side = 'now') AS visitors,
    sum(visitors) FILTER (WHERE side = 'base') AS visitors_base,
    -- money (元)
    sum(pay_amount) FILTER (WHERE side = 'now')::DECIMAL(18, 2) AS pay_amount,
    sum(pay_amount) FILTER (WHERE side = 'base')::DECIMAL(18, 2) AS pay_amount_base,
    -- days of each side with a row for the source
    count(DISTINCT day) FILTER (WHERE side = 'now') AS days,
    count(DISTINCT day) FILTER (WHERE side = 'base') AS days_base
FROM kept
GROUP BY source_l1, source
ORDER BY source_l1, source
