-- Items of the effective orders paid from $start (a DATE) to $day, split by whether the order
-- is the buyer's first effective order (brings a new buyer) or a later one (brings a buyer
-- back). Per (item_key, is_first): distinct buyers (人), orders (笔; counted by row of the
-- orders table, one per order id) and the lines' share of 支付金额 (元), the share and the
-- item key as in the paid_lines macro (macros.sql). First orders come from cust_new_buyers
-- (built from a day on or before $start). $shared: some order line has no paid amount of its
-- own (cust_unpaid_lines.sql); when FALSE the pro-rata branch is skipped (it has no rows).
-- An effective order: paid on or before $day, with a buyer key, not fully refunded.
WITH
source AS NOT MATERIALIZED (
    SELECT
        order_id,
        rowid AS order_row,
        buyer_key,
        paid_amount
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at >= $start::TIMESTAMP
      AND paid_at < ($day + 1)::TIMESTAMP
      AND coalesce(refund_amount, 0) < paid_amount
),

firsts AS (
    SELECT first_order_id AS order_id
    FROM cust_new_buyers
    WHERE first_at >= $start::TIMESTAMP
),

-- The lines of orders with a line lacking its own paid amount: such an order's amount is
-- shared among its lines (pro rata to price × qty, else equally).
shared_lines AS (
    SELECT
        order_id,
        item_id,
        title,
        sku_code,
        paid_amount,
        coalesce(unit_price, 0) * coalesce(qty, 0) AS line_list,
        sum(coalesce(unit_price, 0) * coalesce(qty, 0)) OVER (PARTITION BY order_id)
            AS order_list,
        count(*) OVER (PARTITION BY order_id) AS order_lines
    FROM order_items
    WHERE $shared AND order_id IN (SELECT order_id FROM order_items WHERE paid_amount IS NULL)
),

lines AS (
    SELECT
        s.order_id,
        s.order_row,
        s.buyer_key,
        coalesce(nullif(i.item_id, ''), nullif(i.title, ''), i.sku_code) AS item_key,
        i.title,
        i.paid_amount AS line_gmv
    FROM order_items AS i
    INNER JOIN source AS s USING (order_id)
    WHERE i.paid_amount IS NOT NULL

    UNION ALL

    SELECT
        s.order_id,
        s.order_row,
        s.buyer_key,
        coalesce(nullif(i.item_id, ''), nullif(i.title, ''), i.sku_code) AS item_key,
        i.title,
        CASE WHEN i.order_list > 0 THEN s.paid_amount * i.line_list / i.order_list
             ELSE s.paid_amount / i.order_lines END AS line_gmv
    FROM shared_lines AS i
    INNER JOIN source AS s USING (order_id)
    WHERE $shared AND i.paid_amount IS NULL
)

SELECT
    item_key,
    any_value(title) AS title,
    order_id IN (SELECT order_id FROM firsts) AS is_first,
    count(DISTINCT buyer_key) AS buyers,
    count(DISTINCT order_row) AS orders,
    sum(line_gmv)::DECIMAL(18, 2) AS gmv
FROM lines
WHERE item_key IS NOT NULL
GROUP BY item_key, is_first
ORDER BY is_first DESC, buyers DESC, item_key
