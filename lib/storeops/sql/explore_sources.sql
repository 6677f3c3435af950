-- 访客数, 支付买家数 and 支付金额 by shop traffic source over a period (devices summed).
-- $start, $end: DATE, inclusive. $source: one key ('淘内免费 / 手淘搜索'), or NULL for all.
-- $daily: TRUE gives one row per (day, source), FALSE one row per source (day NULL).
-- Rows and the subtotal rule: the shop_sources macro (sql/macros.sql). Visitors and buyers
-- are daily distinct counts: summed over days (Σ日).
WITH kept AS (
    SELECT day, source_l1 || ' / ' || source AS key, visitors, pay_buyers, pay_amount
    FROM shop_sources($start, $end)
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
