-- How many paid orders up to $day carry a buyer key (HMAC of 买家会员名), and how many distinct
-- keys they hold: the buyers of cust_buyers (with an effective order) plus the keys whose
-- every paid order was refunded in full. Customer analysis needs at least one keyed order;
-- exports masked at source carry none.
WITH
paid AS (
    SELECT
        count(*) AS paid_orders,
        count(buyer_key) AS keyed_orders
    FROM orders
    WHERE paid_at IS NOT NULL
      AND paid_at < ($day + 1)::TIMESTAMP
),

refunded_keys AS (
    SELECT DISTINCT buyer_key
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at IS NOT NULL
      AND paid_at < ($day + 1)::TIMESTAMP
      AND (coalesce(refund_amount, 0) < paid_amount) IS NOT TRUE
),

refunded_only AS (
    SELECT count(*) AS buyers
    FROM refunded_keys AS r
    LEFT JOIN cust_buyers AS b USING (buyer_key)
    WHERE b.buyer_key IS NULL
)

SELECT
    p.paid_orders,
    p.keyed_orders,
    (SELECT count(*) FROM cust_buyers) + r.buyers AS buyers
FROM paid AS p, refunded_only AS r
