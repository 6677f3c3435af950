-- How many paid orders up to $day carry a buyer key (HMAC of 买家会员名).
-- Customer analysis needs at least one; exports masked at source carry none.
SELECT
    count(*) AS paid_orders,
    count(buyer_key) AS keyed_orders,
    count(DISTINCT buyer_key) AS buyers
FROM orders
WHERE paid_at IS NOT NULL
  AND paid_at < ($day + 1)::TIMESTAMP
