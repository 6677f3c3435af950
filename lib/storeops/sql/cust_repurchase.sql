-- 复购率 of the $window days ending $day: buyers with >= 2 effective orders ÷ buyers with >= 1.
-- An effective order: paid in the window, with a buyer key, not fully refunded
-- (coalesce(refund_amount, 0) < paid_amount); two orders paid the same day count as two.
WITH
source AS (
    SELECT buyer_key
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at IS NOT NULL
      AND paid_at < ($day + 1)::TIMESTAMP
      AND paid_at >= ($day - $window + 1)::TIMESTAMP
      AND coalesce(refund_amount, 0) < paid_amount
),

buyers AS (
    SELECT buyer_key, count(*) AS orders
    FROM source
    GROUP BY buyer_key
)

SELECT
    count(*) AS buyers,
    count(*) FILTER (WHERE orders >= 2) AS repeat_buyers
FROM buyers
