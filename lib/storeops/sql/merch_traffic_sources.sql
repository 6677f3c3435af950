-- 访客数 by traffic source (shop scope, devices summed) on each of two days.
-- A first-level row (source_l2 = '(合计)') is a subtotal of its 来源明细 rows: it is kept
-- only when that first-level source has no detail row on that day and device, so a
-- subtotal is never added to its own details. Visitors still overlap across sources.
WITH
source AS (
    SELECT
        stat_date AS day,
        device,
        source_l1,
        source_l2,
        visitors,
        pay_buyers,
        pay_amount
    FROM traffic_sources
    WHERE scope = 'shop'
      AND stat_date IN ($day, $base)
),

marked AS (
    SELECT
        *,
        count(*) FILTER (WHERE source_l2 <> '(合计)')
            OVER (PARTITION BY day, device, source_l1) AS details
    FROM source
)

SELECT
    day,
    source_l1,
    CASE WHEN source_l2 = '(合计)' THEN source_l1 ELSE source_l2 END AS source,
    bool_or(source_l2 = '(合计)') AS is_subtotal,
    sum(visitors) AS visitors,
    sum(pay_buyers) AS pay_buyers,
    sum(pay_amount)::DECIMAL(18, 2) AS pay_amount
FROM marked
WHERE source_l2 <> '(合计)' OR details = 0
GROUP BY day, source_l1, source
ORDER BY day, source_l1, source
