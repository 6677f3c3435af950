-- Items of the effective orders paid from $start (a DATE) to $day, split by whether the order
-- is the buyer's first effective order (brings a new buyer) or a later one (brings a buyer
-- back). Per (item_key, is_first): distinct buyers (人), orders (笔) and the lines' share of
-- 支付金额 (元, paid_lines in macros.sql). An effective order: paid on or before $day, with a
-- buyer key, not fully refunded.
WITH
source AS (
    SELECT
        buyer_key,
        order_id,
        paid_at
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at IS NOT NULL
      AND paid_at < ($day + 1)::TIMESTAMP
      AND coalesce(refund_amount, 0) < paid_amount
),

firsts AS (
    SELECT arg_min(order_id, paid_at) AS order_id
    FROM source
    GROUP BY buyer_key
),

flagged AS (
    SELECT
        s.order_id,
        s.buyer_key,
        f.order_id IS NOT NULL AS is_first
    FROM source AS s
    LEFT JOIN firsts AS f USING (order_id)
    WHERE s.paid_at >= $start::TIMESTAMP
)

SELECT
    l.item_key,
    any_value(l.title) AS title,
    g.is_first,
    count(DISTINCT g.buyer_key) AS buyers,
    count(DISTINCT g.order_id) AS orders,
    sum(l.line_gmv)::DECIMAL(18, 2) AS gmv
FROM paid_lines($start::TIMESTAMP, ($day + 1)::TIMESTAMP) AS l
INNER JOIN flagged AS g USING (order_id)
WHERE l.item_key IS NOT NULL
GROUP BY l.item_key, g.is_first
ORDER BY g.is_first DESC, buyers DESC, l.item_key
