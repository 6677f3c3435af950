-- Recall lists as of $day, one row per (list, buyer); d = days since the last effective order:
--   'recall_due'           d = $recall (the daily 30-day recall);
--   'entering_sleeping'    $sleeping < d <= $sleeping + $entering: turned sleeping in the
--                          $entering days up to $day (with 7: the day d passed $sleeping is
--                          one of $day - 6 … $day);
--   'sleeping_high_value'  $sleeping < d <= $lost with M score >= $high (M = 支付金额 of the
--                          $window days ending $day, scored as in cust_rfm_segments.sql);
--   'first_order_25_30'    exactly one effective order ever, paid $first_min to $first_max
--                          days before $day (both inclusive): no second order yet.
-- With the buyer's last effective order (id, pay time, amount), window totals and the count
-- of effective orders ever. An effective order: paid on or before $day, with a buyer key, not
-- fully refunded.
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
      AND coalesce(refund_amount, 0) < paid_amount
),

buyers AS (
    SELECT
        buyer_key,
        arg_max(order_id, paid_at) AS last_order_id,
        max(paid_at) AS last_paid_at,
        arg_max(paid_amount, paid_at) AS last_amount,
        $day - max(paid_at)::DATE AS days_since,
        count(*) FILTER (WHERE paid_at >= ($day - $window + 1)::TIMESTAMP) AS orders,
        coalesce(sum(paid_amount) FILTER (WHERE paid_at >= ($day - $window + 1)::TIMESTAMP), 0)
            AS gmv,
        count(*) AS orders_ever
    FROM source
    GROUP BY buyer_key
    HAVING max(paid_at) >= ($day - $window + 1)::TIMESTAMP
),

scored AS (
    SELECT
        *,
        (1 + floor(5 * (rank() OVER (ORDER BY gmv) - 1) / count(*) OVER ()))
            ::INTEGER AS m_score
    FROM buyers
),

lists AS (
    SELECT 'recall_due' AS list, *
    FROM scored
    WHERE days_since = $recall

    UNION ALL

    SELECT 'entering_sleeping' AS list, *
    FROM scored
    WHERE days_since > $sleeping AND days_since <= $sleeping + $entering

    UNION ALL

    SELECT 'sleeping_high_value' AS list, *
    FROM scored
    WHERE days_since > $sleeping AND days_since <= $lost AND m_score >= $high

    UNION ALL

    SELECT 'first_order_25_30' AS list, *
    FROM scored
    WHERE orders_ever = 1 AND days_since BETWEEN $first_min AND $first_max
)

SELECT *
FROM lists
ORDER BY list, gmv DESC, buyer_key
