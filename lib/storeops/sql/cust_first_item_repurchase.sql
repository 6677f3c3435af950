-- 90-day repurchase of first-time buyers (as cust_first_repurchase.sql) by the main item of
-- their first effective order: the order line with the largest share of 支付金额 (ties: the
-- smaller item key). The item key is the item id, else the title, else the SKU code
-- (paid_lines in macros.sql); a first order without order lines has item_key NULL.
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

buyers AS (
    SELECT
        buyer_key,
        arg_min(order_id, paid_at) AS first_order_id,
        min(paid_at, 2) AS firsts
    FROM source
    GROUP BY buyer_key
),

cohort AS (
    SELECT
        buyer_key,
        first_order_id,
        len(firsts) >= 2 AND firsts[2]::DATE - firsts[1]::DATE <= $within AS repeated
    FROM buyers
    WHERE firsts[1]::DATE BETWEEN $first_start AND $first_end
),

main_lines AS (
    SELECT
        order_id,
        item_key,
        title,
        row_number() OVER (PARTITION BY order_id ORDER BY line_gmv DESC, item_key) AS pick
    FROM paid_lines($first_start::TIMESTAMP, ($first_end + 1)::TIMESTAMP)
    WHERE order_id IN (SELECT first_order_id FROM cohort)
)

SELECT
    m.item_key,
    any_value(m.title) AS title,
    count(*) AS buyers,
    count(*) FILTER (WHERE c.repeated) AS repeat_buyers
FROM cohort AS c
LEFT JOIN main_lines AS m
    ON m.order_id = c.first_order_id AND m.pick = 1
GROUP BY m.item_key
ORDER BY buyers DESC, m.item_key NULLS LAST
