-- Buyers by days since their last paid order as of $day (only buyers seen within a year):
-- active ≤ $sleeping days, sleeping up to $lost days, lost beyond (as the customers report).
-- $recall: the recall age in days; $sleeping / $lost: lifecycle thresholds in days.
WITH last_paid AS (
    SELECT buyer_key, max(paid_at)::DATE AS last_day
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at < ($day + 1)::TIMESTAMP
      AND paid_at >= ($day - 365)::TIMESTAMP
    GROUP BY buyer_key
)

SELECT
    count(*) FILTER (WHERE $day - last_day <= $sleeping) AS active,
    count(*) FILTER (WHERE $day - last_day > $sleeping AND $day - last_day <= $lost)
        AS sleeping,
    count(*) FILTER (WHERE $day - last_day > $lost) AS lost,
    count(*) FILTER (WHERE $day - last_day = $recall) AS recall_due,
    count(*) AS buyers
FROM last_paid
