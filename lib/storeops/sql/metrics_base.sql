-- Additive building blocks of the headline metrics for each key of a period.
-- $start, $end: DATE, inclusive. $by: 'total' | 'day' | 'province'.
-- GMV and buyers by pay time; created orders by creation time; visitors from shop_daily.
WITH
source_orders AS NOT MATERIALIZED (
    SELECT
        paid_at,
        created_at,
        paid_amount,
        refund_amount,
        buyer_key,
        coalesce(receiver_province, '未知') AS province
    FROM orders
),

paid AS (
    SELECT
        CASE $by WHEN 'day' THEN strftime(paid_at, '%Y-%m-%d')
                 WHEN 'province' THEN province ELSE 'total' END AS key,
        sum(paid_amount) AS gmv,
        count(*) AS paid_orders,
        count(DISTINCT buyer_key) AS paid_buyers_distinct,
        count(buyer_key) AS paid_orders_keyed,
        sum(coalesce(refund_amount, 0)) AS refund_amount
    FROM source_orders
    WHERE paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP
    GROUP BY 1
),

created AS (
    SELECT
        CASE $by WHEN 'day' THEN strftime(created_at, '%Y-%m-%d')
                 WHEN 'province' THEN province ELSE 'total' END AS key,
        count(*) AS orders_created,
        count(paid_at) AS orders_created_paid,
        count(DISTINCT buyer_key) AS created_buyers_distinct,
        count(DISTINCT CASE WHEN paid_at IS NOT NULL THEN buyer_key END)
            AS created_paid_buyers_distinct,
        count(buyer_key) AS orders_created_keyed
    FROM source_orders
    WHERE created_at >= $start::TIMESTAMP AND created_at < ($end + 1)::TIMESTAMP
    GROUP BY 1
),

traffic AS (
    SELECT
        CASE $by WHEN 'day' THEN strftime(stat_date, '%Y-%m-%d') ELSE 'total' END AS key,
        sum(visitors) AS visitors,
        count(visitors) AS traffic_days
    FROM shop_daily
    WHERE stat_date BETWEEN $start AND $end AND $by <> 'province'
    GROUP BY 1
),

coverage AS (
    SELECT
        min(created_at)::DATE AS orders_first_day,
        -- a payment never precedes its order: this is max(coalesce(paid_at, created_at)),
        -- written so DuckDB answers it from column statistics instead of a scan
        greatest(max(paid_at), max(created_at))::DATE AS orders_last_day
    FROM orders
),

keys AS (
    SELECT strftime(d, '%Y-%m-%d') AS key
    FROM range($start::TIMESTAMP, ($end + 1)::TIMESTAMP, INTERVAL 1 DAY) AS t(d)
    WHERE $by = 'day'
    UNION ALL
    SELECT 'total' AS key WHERE $by = 'total'
    UNION ALL
    SELECT key FROM (SELECT key FROM paid UNION SELECT key FROM created)
    WHERE $by = 'province'
)

SELECT
    keys.key,
    coalesce(paid.gmv, 0)::DECIMAL(18, 2) AS gmv,
    coalesce(paid.paid_orders, 0) AS paid_orders,
    coalesce(paid.paid_buyers_distinct, 0) AS paid_buyers_distinct,
    coalesce(paid.paid_orders_keyed, 0) AS paid_orders_keyed,
    coalesce(paid.refund_amount, 0)::DECIMAL(18, 2) AS refund_amount,
    coalesce(created.orders_created, 0) AS orders_created,
    coalesce(created.orders_created_paid, 0) AS orders_created_paid,
    coalesce(created.created_buyers_distinct, 0) AS created_buyers_distinct,
    coalesce(created.created_paid_buyers_distinct, 0) AS created_paid_buyers_distinct,
    coalesce(created.orders_created_keyed, 0) AS orders_created_keyed,
    traffic.visitors,
    coalesce(traffic.traffic_days, 0) AS traffic_days,
    coverage.orders_first_day,
    coverage.orders_last_day
FROM keys
LEFT JOIN paid ON paid.key = keys.key
LEFT JOIN created ON created.key = keys.key
LEFT JOIN traffic ON traffic.key = keys.key
CROSS JOIN coverage
ORDER BY keys.key
