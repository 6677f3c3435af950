-- New buyers of the campaign (first paid order ever in [$start, $end]) and, for each, the days
-- from $end to their next paid order after $end (1 = the day after $end), counting only orders
-- paid up to $cutoff (the report's last day); NULL when they have not bought again yet.
WITH
history AS (
    SELECT buyer_key, min(paid_at) AS first_paid_at
    FROM orders
    WHERE paid_at IS NOT NULL AND buyer_key IS NOT NULL
    GROUP BY buyer_key
),

new_buyers AS (
    SELECT buyer_key
    FROM history
    WHERE first_paid_at >= $start::TIMESTAMP AND first_paid_at < ($end + 1)::TIMESTAMP
),

later AS (
    SELECT buyer_key, min(paid_at) AS next_paid_at
    FROM orders
    WHERE paid_at >= ($end + 1)::TIMESTAMP
      AND paid_at < ($cutoff + 1)::TIMESTAMP
      AND buyer_key IS NOT NULL
    GROUP BY buyer_key
)

SELECT
    new_buyers.buyer_key,
    date_diff('day', $end::DATE, later.next_paid_at::DATE) AS days_after
FROM new_buyers
LEFT JOIN later ON later.buyer_key = new_buyers.buyer_key
ORDER BY new_buyers.buyer_key
