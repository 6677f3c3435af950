-- Lifecycle state of every buyer as of $day and as of $before (= $day - 30), cross-tabulated.
-- An effective order: paid on or before the day, with a buyer key, not fully refunded.
-- Days since the last effective order d: active d <= $sleeping; sleeping $sleeping < d <= $lost;
-- lost d > $lost. state_before is 'new' for buyers whose first effective order is after $before.
-- gmv_window: 支付金额 of each group's effective orders paid in the $window days ending $day.
WITH
source AS (
    SELECT
        buyer_key,
        paid_at::DATE AS paid_day,
        paid_amount
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at IS NOT NULL
      AND paid_at < ($day + 1)::TIMESTAMP
      AND coalesce(refund_amount, 0) < paid_amount
),

buyers AS (
    SELECT
        buyer_key,
        max(paid_day) AS last_now,
        max(paid_day) FILTER (WHERE paid_day <= $before) AS last_before,
        coalesce(sum(paid_amount) FILTER (WHERE paid_day > $day - $window), 0) AS gmv_window
    FROM source
    GROUP BY buyer_key
),

states AS (
    SELECT
        CASE
            WHEN last_before IS NULL THEN 'new'
            WHEN $before - last_before <= $sleeping THEN 'active'
            WHEN $before - last_before <= $lost THEN 'sleeping'
            ELSE 'lost'
        END AS state_before,
        CASE
            WHEN $day - last_now <= $sleeping THEN 'active'
            WHEN $day - last_now <= $lost THEN 'sleeping'
            ELSE 'lost'
        END AS state_now,
        gmv_window
    FROM buyers
)

SELECT
    state_before,
    state_now,
    count(*) AS buyers,
    sum(gmv_window) AS gmv_window
FROM states
GROUP BY state_before, state_now
ORDER BY state_before, state_now
