-- 支付金额 by traffic source (all devices) on each of two days; rows and the subtotal rule
-- (a first-level '(合计)' row only when its source has no detail row) from the shop_sources
-- macro (sql/macros.sql), so a subtotal never counts its details twice.
SELECT
    day,
    source_l1 || ' / ' || source AS part,
    sum(pay_amount) AS gmv,
    sum(visitors) AS visitors
FROM shop_sources(least($day, $base), greatest($day, $base))
WHERE day IN ($day, $base)
GROUP BY ALL
