-- 90-day repurchase of first-time buyers: buyers whose first effective order was paid on a day
-- in [$first_start, $first_end] (both inclusive), and of them those whose second effective
-- order was paid at most $within days after the first (pay dates; two orders paid the same
-- day: 0 days). An effective order: paid on or before $day, with a buyer key, not fully
-- refunded. Orders before the warehouse's first export are unknown: "first" means the first
-- one the warehouse holds.
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
),

gaps AS (
    SELECT
        firsts[1]::DATE AS first_day,
        CASE WHEN len(firsts) >= 2 THEN firsts[2]::DATE - firsts[1]::DATE END AS gap_days
    FROM buyers
)

SELECT
    count(*) AS buyers,
    count(*) FILTER (WHERE gap_days <= $within) AS repeat_buyers
FROM gaps
WHERE first_day BETWEEN $first_start AND $first_end
