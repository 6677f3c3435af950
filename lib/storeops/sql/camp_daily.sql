-- One row per day of [$start, $end]: the campaign figures that add up across days.
-- GMV, orders and refunds by pay time (orders); discount = Σ 标价×数量 of the order lines minus
-- the order's goods amount (买家应付货款, else 实付 − 邮费), over orders that have lines;
-- 访客数 and 淘宝客佣金 from 生意参谋 shop_daily (NULL when the day has no row).
WITH
days AS (
    SELECT d::DATE AS day
    FROM range($start::TIMESTAMP, ($end + 1)::TIMESTAMP, INTERVAL 1 DAY) AS t(d)
),

lines AS (
    SELECT
        order_id,
        sum(unit_price * qty) AS list_value
    FROM order_items
    WHERE unit_price IS NOT NULL AND qty IS NOT NULL
    GROUP BY order_id
),

paid AS (
    SELECT
        o.paid_at::DATE AS day,
        -- money (DECIMAL, summed here)
        sum(o.paid_amount) AS gmv,
        sum(coalesce(o.refund_amount, 0)) AS refund_amount,
        sum(lines.list_value) AS list_value,
        sum(CASE WHEN lines.list_value IS NOT NULL
            THEN coalesce(o.goods_payable, o.paid_amount - coalesce(o.postage, 0)) END)
            AS goods_paid,
        -- counts
        count(*) AS paid_orders,
        count(DISTINCT o.buyer_key) AS paid_buyers,
        count(o.buyer_key) AS keyed_orders,
        count(lines.list_value) AS orders_with_lines
    FROM orders AS o
    LEFT JOIN lines ON lines.order_id = o.order_id
    WHERE o.paid_at >= $start::TIMESTAMP AND o.paid_at < ($end + 1)::TIMESTAMP
    GROUP BY 1
),

traffic AS (
    SELECT stat_date AS day, visitors, cost_taoke
    FROM shop_daily
    WHERE stat_date BETWEEN $start AND $end
)

SELECT
    days.day,
    coalesce(paid.gmv, 0)::DECIMAL(18, 2) AS gmv,
    coalesce(paid.refund_amount, 0)::DECIMAL(18, 2) AS refund_amount,
    paid.list_value::DECIMAL(18, 2) AS list_value,
    paid.goods_paid::DECIMAL(18, 2) AS goods_paid,
    coalesce(paid.paid_orders, 0) AS paid_orders,
    coalesce(paid.paid_buyers, 0) AS paid_buyers,
    coalesce(paid.keyed_orders, 0) AS keyed_orders,
    coalesce(paid.orders_with_lines, 0) AS orders_with_lines,
    traffic.visitors,
    traffic.cost_taoke
FROM days
LEFT JOIN paid ON paid.day = days.day
LEFT JOIN traffic ON traffic.day = days.day
ORDER BY days.day
