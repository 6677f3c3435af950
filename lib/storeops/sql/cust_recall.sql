-- Recall lists as of $day, one row per (list, buyer):
--   'recall_due'          last effective order exactly $recall days before $day;
--   'sleeping_high_value' sleeping ($sleeping < days since last <= $lost) with M score >= $high
--                         (M = 支付金额 of the $window days ending $day, scored as in
--                         cust_rfm_segments.sql).
-- With the buyer's last effective order (id, pay time, amount) and window totals.
WITH
source AS (
    SELECT
        buyer_key,
        order_id,
        paid_at,
        paid_amount
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at IS NOT NULL
      AND paid_at < ($day + 1)::TIMESTAMP
      AND paid_at >= ($day - $window + 1)::TIMESTAMP
      AND coalesce(refund_amount, 0) < paid_amount
),

buyers AS (
    SELECT
        buyer_key,
        arg_max(order_id, paid_at) AS last_order_id,
        max(paid_at) AS last_paid_at,
        arg_max(paid_amount, paid_at) AS last_amount,
        $day - max(paid_at)::DATE AS days_since,
        count(*) AS orders,
        sum(paid_amount) AS gmv
    FROM source
    GROUP BY buyer_key
),

scored AS (
    SELECT
        *,
        (1 + floor(5 * (rank() OVER (ORDER BY gmv) - 1) / count(*) OVER ()))
            ::INTEGER AS m_score
    FROM buyers
)

SELECT 'recall_due' AS list, *
FROM scored
WHERE days_since = $recall

UNION ALL

SELECT 'sleeping_high_value' AS list, *
FROM scored
WHERE days_since > $sleeping AND days_since <= $lost AND m_score >= $high

ORDER BY list, gmv DESC, buyer_key
