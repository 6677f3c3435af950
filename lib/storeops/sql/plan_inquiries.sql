-- 客服 workload history for the plan: per day with a shop 客服 row, 询单人数 of the shop
-- (the 全店汇总值 row of the per-agent file, else the 店铺 row of the shop 询单 file; per-agent
-- counts are not additive, §4.3), the agents who served anyone that day, and 支付金额 of the
-- day by pay time. $start, $end: DATE, inclusive.
WITH
shop_rows AS (
    SELECT
        stat_date AS day,
        inquiry_users,
        row_number() OVER (
            PARTITION BY stat_date
            ORDER BY CASE row_label WHEN '全店汇总值' THEN 0 ELSE 1 END
        ) AS pick
    FROM cs_benchmarks
    WHERE stat_date BETWEEN $start AND $end
      AND row_label IN ('全店汇总值', '店铺')
      AND inquiry_users IS NOT NULL
),

agents AS (
    SELECT
        stat_date AS day,
        count(*) FILTER (WHERE coalesce(served_users, 0) > 0) AS agents
    FROM cs_agents
    WHERE stat_date BETWEEN $start AND $end
    GROUP BY 1
),

paid AS (
    SELECT
        paid_at::DATE AS day,
        sum(paid_amount) AS gmv
    FROM orders
    WHERE paid_at >= $start::TIMESTAMP AND paid_at < ($end + 1)::TIMESTAMP
    GROUP BY 1
)

SELECT
    shop_rows.day,
    shop_rows.inquiry_users AS inquiries,
    agents.agents,
    coalesce(paid.gmv, 0)::DECIMAL(18, 2) AS gmv
FROM shop_rows
LEFT JOIN agents ON agents.day = shop_rows.day
LEFT JOIN paid ON paid.day = shop_rows.day
WHERE shop_rows.pick = 1
ORDER BY shop_rows.day
