-- Build the temp table cust_new_buyers from cust_new_orders: one row per buyer whose first
-- effective order was paid on or after the day cust_new_orders was built from, with the pay
-- times of the first two effective orders (second_at NULL without a second order; two orders
-- paid at the same time: the same time twice), the order id of the first and the cohort month.
CREATE OR REPLACE TEMP TABLE cust_new_buyers AS
WITH
buyers AS (
    SELECT
        buyer_key,
        arg_min(order_id, paid_at) AS first_order_id,
        min(paid_at, 2) AS firsts,
        any_value(cohort) AS cohort
    FROM cust_new_orders
    GROUP BY buyer_key
)

SELECT
    buyer_key,
    first_order_id,
    firsts[1] AS first_at,
    CASE WHEN len(firsts) >= 2 THEN firsts[2] END AS second_at,
    cohort
FROM buyers
