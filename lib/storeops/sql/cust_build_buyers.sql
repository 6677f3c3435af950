-- Build the temp table cust_buyers: one row per buyer with an effective order paid up to $day,
-- the per-buyer facts every customers query reads (storeops.analysis.customers builds it once
-- per connection and report day). An effective order: with a buyer key, paid on or before $day,
-- not fully refunded (coalesce(refund_amount, 0) < paid_amount).
--   first_at, last_at          pay time of the first and the last effective order
--   orders_ever, gmv_ever      effective orders (笔) and their 支付金额 (元), ever
--   orders_window, gmv_window  the same in the $window days ending $day
--   last_before_at             pay time of the last effective order paid on or before $before
--   months_active              bit k set (k < 63): an effective order in the k-th calendar month
--                              before $day's month (k = 0 is that month); bit 63: in the 63rd
--                              or an earlier one
CREATE OR REPLACE TEMP TABLE cust_buyers AS
WITH
source AS (
    SELECT
        buyer_key,
        paid_at,
        paid_amount,
        paid_at >= ($day - $window + 1)::TIMESTAMP AS in_window,
        datediff('month', paid_at::DATE, $day) AS months_back
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at IS NOT NULL
      AND paid_at < ($day + 1)::TIMESTAMP
      AND coalesce(refund_amount, 0) < paid_amount
)

SELECT
    buyer_key,
    min(paid_at) AS first_at,
    max(paid_at) AS last_at,
    count(*) AS orders_ever,
    sum(paid_amount) AS gmv_ever,
    count(*) FILTER (WHERE in_window) AS orders_window,
    coalesce(sum(paid_amount) FILTER (WHERE in_window), 0) AS gmv_window,
    max(paid_at) FILTER (WHERE paid_at < ($before + 1)::TIMESTAMP) AS last_before_at,
    bit_or(1::UBIGINT << least(months_back, 63)::UBIGINT) AS months_active
FROM source
GROUP BY buyer_key
