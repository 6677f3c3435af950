-- Recall lists as of $day from cust_buyers (cust_build_buyers.sql, window: the 365 days ending
-- $day), one row per (list, buyer); d = days since the last effective order:
--   'recall_due'           d = $recall (the daily 30-day recall);
--   'entering_sleeping'    $sleeping < d <= $sleeping + $entering: turned sleeping in the
--                          $entering days up to $day (with 7: the day d passed $sleeping is
--                          one of $day - 6 … $day);
--   'sleeping_high_value'  $sleeping < d <= $lost with M score >= $high (scored as in
--                          cust_rfm_segments.sql);
--   'first_order_25_30'    exactly one effective order ever, paid $first_min to $first_max
--                          days before $day (both inclusive): no second order yet.
-- Only buyers with an effective order in the window. With the buyer's last effective order
-- (id, pay time, amount: read from orders for the listed buyers only), window totals and the
-- count of effective orders ever. An effective order: paid on or before $day, with a buyer
-- key, not fully refunded.
WITH
scored AS (
    SELECT
        b.buyer_key,
        b.last_at AS last_paid_at,
        $day - b.last_at::DATE AS days_since,
        b.orders_window AS orders,
        b.gmv_window AS gmv,
        b.orders_ever,
        1 + (b.gmv_window > c.m_cuts[1])::INTEGER + (b.gmv_window > c.m_cuts[2])::INTEGER
          + (b.gmv_window > c.m_cuts[3])::INTEGER + (b.gmv_window > c.m_cuts[4])::INTEGER
            AS m_score
    FROM cust_buyers AS b, cust_rfm_cuts AS c
    WHERE b.orders_window > 0
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
),

listed AS (
    SELECT DISTINCT
        buyer_key,
        last_paid_at
    FROM lists
),

last_orders AS (
    SELECT
        o.buyer_key,
        arg_max(o.order_id, o.paid_at) AS last_order_id,
        arg_max(o.paid_amount, o.paid_at) AS last_amount
    FROM orders AS o
    INNER JOIN listed AS l
        ON o.buyer_key = l.buyer_key AND o.paid_at = l.last_paid_at
    WHERE coalesce(o.refund_amount, 0) < o.paid_amount
    GROUP BY o.buyer_key
)

SELECT
    s.list,
    s.buyer_key,
    o.last_order_id,
    s.last_paid_at,
    o.last_amount,
    s.days_since,
    s.orders,
    s.gmv,
    s.orders_ever,
    s.m_score
FROM lists AS s
INNER JOIN last_orders AS o USING (buyer_key)
ORDER BY s.list, s.gmv DESC, s.buyer_key
