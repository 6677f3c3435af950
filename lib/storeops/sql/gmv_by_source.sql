-- 支付金额 by traffic source (second level, all devices) on each of two days.
-- First-level subtotal rows ('(合计)') are left out: they would count their details twice.
SELECT
    stat_date AS day,
    source_l1 || ' / ' || source_l2 AS part,
    sum(pay_amount) AS gmv,
    sum(visitors) AS visitors
FROM traffic_sources
WHERE scope = 'shop'
  AND source_l2 <> '(合计)'
  AND stat_date IN ($day, $base)
GROUP BY ALL
