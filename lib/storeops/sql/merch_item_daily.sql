-- 生意参谋 商品 (item_daily) per item: the report day, the comparison day, and the window
-- $start..$day (sums of daily values: Σ日访客, not distinct visitors of the window).
WITH
source AS (
    SELECT
        stat_date,
        item_id,
        item_name,
        visitors,
        pay_buyers,
        pay_amount,
        cart_users
    FROM item_daily
    WHERE stat_date = $base
       OR stat_date BETWEEN $start AND $day
)

SELECT
    item_id,
    arg_max(item_name, stat_date) AS name,
    -- the day and the comparison day
    sum(visitors) FILTER (WHERE stat_date = $day) AS visitors,
    sum(pay_buyers) FILTER (WHERE stat_date = $day) AS pay_buyers,
    sum(visitors) FILTER (WHERE stat_date = $base) AS visitors_base,
    sum(pay_buyers) FILTER (WHERE stat_date = $base) AS pay_buyers_base,
    -- the window
    sum(visitors) FILTER (WHERE stat_date BETWEEN $start AND $day) AS window_visitors,
    sum(pay_buyers) FILTER (WHERE stat_date BETWEEN $start AND $day) AS window_pay_buyers,
    sum(pay_amount) FILTER (WHERE stat_date BETWEEN $start AND $day)::DECIMAL(18, 2)
        AS window_pay_amount,
    sum(cart_users) FILTER (WHERE stat_date BETWEEN $start AND $day) AS window_cart_users
FROM source
GROUP BY item_id
ORDER BY item_id
