-- Days from the first to the second effective order (pay dates; 0 = same day), per number of
-- days, for buyers whose first effective order was paid on or after $since and whose second
-- was paid on or before $day. An effective order: paid on or before $day, with a buyer key,
-- not fully refunded.
WITH
source AS (
    SELECT
        buyer_key,
        paid_at
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at IS NOT NULL
      AND paid_at < ($day + 1)::TIMESTAMP
      AND coalesce(refund_amount, 0) < paid_amount
),

buyers AS (
    SELECT
        buyer_key,
        min(paid_at, 2) AS firsts
    FROM source
    GROUP BY buyer_key
)

SELECT
    firsts[2]::DATE - firsts[1]::DATE AS days,
    count(*) AS buyers
FROM buyers
WHERE len(firsts) >= 2
  AND firsts[1] >= $since::TIMESTAMP
GROUP BY days
ORDER BY days
