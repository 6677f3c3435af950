-- Buyers who paid in [$start, $end]: new (first paid order ever on or after $start) vs
-- returning (a paid order before $start), with their GMV and orders in the window, and how
-- many new buyers paid again in the $rebuy_days days after $end.
WITH
history AS (
    SELECT buyer_key, min(paid_at) AS first_paid_at
    FROM orders
    WHERE paid_at IS NOT NULL AND buyer_key IS NOT NULL
    GROUP BY buyer_key
),

window_orders AS (
    SELECT buyer_key, paid_amount
    FROM orders
    WHERE paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP
      AND buyer_key IS NOT NULL
),

later AS (
    SELECT DISTINCT buyer_key
    FROM orders
    WHERE paid_at >= ($end + 1)::TIMESTAMP
      AND paid_at < ($end + 1 + $rebuy_days)::TIMESTAMP
      AND buyer_key IS NOT NULL
),

buyers AS (
    SELECT
        w.buyer_key,
        h.first_paid_at >= $start::TIMESTAMP AS is_new,
        sum(w.paid_amount) AS gmv,
        count(*) AS orders
    FROM window_orders AS w
    JOIN history AS h ON h.buyer_key = w.buyer_key
    GROUP BY ALL
)

SELECT
    buyers.is_new,
    count(*) AS buyers,
    sum(buyers.gmv)::DECIMAL(18, 2) AS gmv,
    sum(buyers.orders) AS orders,
    count(later.buyer_key) AS bought_again
FROM buyers
LEFT JOIN later ON later.buyer_key = buyers.buyer_key
GROUP BY buyers.is_new
ORDER BY buyers.is_new DESC
