-- 访客数, 支付买家数 and 支付金额 by shop traffic source over a period (devices summed).
-- $start, $end: DATE, inclusive. $source: one key ('淘内免费 / 手淘搜索'), or NULL for all.
-- $daily: TRUE gives one row per (day, source), FALSE one row per source (day NULL).
-- Same rule as merch_traffic_sources.sql: a first-level row (source_l2 = '(合计)') is a
-- subtotal of its 来源明细 rows and is kept only when that source has no detail row on that
-- day and device. Visitors and buyers are daily distinct counts: summed over days (Σ日).
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
      AND stat_date BETWEEN $start AND $end
),

marked AS (
    SELECT
        *,
        count(*) FILTER (WHERE source_l2 <> '(合计)')
            OVER (PARTITION BY day, device, source_l1) AS details
    FROM source
),

kept AS (
    SELECT
        day,
        source_l1 || ' / '
            || CASE WHEN source_l2 = '(合计)' THEN source_l1 ELSE source_l2 END AS key,
        visitors,
        pay_buyers,
        pay_amount
    FROM marked
    WHERE source_l2 <> '(合计)' OR details = 0
)

SELECT
    CASE WHEN $daily THEN day END AS day,
    key,
    -- money (元)
    sum(pay_amount)::DECIMAL(18, 2) AS gmv,
    -- counts (人, Σ日)
    sum(visitors) AS visitors,
    sum(pay_buyers) AS pay_buyers,
    count(DISTINCT day) AS days
FROM kept
WHERE $source IS NULL OR key = $source
GROUP BY ALL
ORDER BY day NULLS FIRST, gmv DESC NULLS LAST, key
