-- 访客数 by traffic source (shop scope, devices summed) on each of two days; rows and the
-- subtotal rule from the shop_sources macro (sql/macros.sql). Visitors overlap across sources.
SELECT
    day,
    source_l1,
    source,
    bool_or(is_subtotal) AS is_subtotal,
    sum(visitors) AS visitors,
    sum(pay_buyers) AS pay_buyers,
    sum(pay_amount)::DECIMAL(18, 2) AS pay_amount
FROM shop_sources(least($day, $base), greatest($day, $base))
WHERE day IN ($day, $base)
GROUP BY day, source_l1, source
ORDER BY day, source_l1, source
