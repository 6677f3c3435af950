-- Daily history for the annual plan: GMV by pay day and 访客数 for every day of a period.
-- $start, $end: DATE, inclusive. gmv is NULL on days outside the orders' coverage (not 0);
-- visitors is NULL where shop_daily has no row.
WITH
source_orders AS NOT MATERIALIZED (
    SELECT paid_at, created_at, paid_amount
    FROM orders
),

coverage AS (
    SELECT
        min(created_at)::DATE AS first_day,
        greatest(max(paid_at), max(created_at))::DATE AS last_day
    FROM source_orders
),

paid AS (
    SELECT
        paid_at::DATE AS day,
        sum(paid_amount) AS gmv
    FROM source_orders
    WHERE paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP
    GROUP BY 1
),

days AS (
    SELECT d::DATE AS day
    FROM range($start::TIMESTAMP, ($end + 1)::TIMESTAMP, INTERVAL 1 DAY) AS t(d)
)

SELECT
    days.day,
    CASE WHEN days.day BETWEEN coverage.first_day AND coverage.last_day
         THEN coalesce(paid.gmv, 0)::DECIMAL(18, 2) END AS gmv,
    shop_daily.visitors
FROM days
CROSS JOIN coverage
LEFT JOIN paid ON paid.day = days.day
LEFT JOIN shop_daily ON shop_daily.stat_date = days.day
ORDER BY days.day
