-- Build the temp table cust_new_orders: every effective order (paid up to $day, as in
-- cust_build_buyers.sql) of the buyers of cust_buyers whose first effective order was paid on
-- or after $since (a DATE). These buyers' whole history is here, so their first and second
-- orders, cohort months and first items are answered without reading every order again.
CREATE OR REPLACE TEMP TABLE cust_new_orders AS
WITH
newcomers AS (
    SELECT
        buyer_key,
        first_at
    FROM cust_buyers
    WHERE first_at >= $since::TIMESTAMP
),

source AS (
    SELECT
        buyer_key,
        order_id,
        paid_at,
        paid_amount
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at IS NOT NULL
      AND paid_at >= $since::TIMESTAMP
      AND paid_at < ($day + 1)::TIMESTAMP
      AND coalesce(refund_amount, 0) < paid_amount
)

SELECT
    s.buyer_key,
    s.order_id,
    s.paid_at,
    s.paid_amount,
    date_trunc('month', s.paid_at)::DATE AS paid_month,
    date_trunc('month', n.first_at)::DATE AS cohort
FROM source AS s
INNER JOIN newcomers AS n USING (buyer_key)
