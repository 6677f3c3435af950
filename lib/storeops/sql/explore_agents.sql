-- 客服绩效 per agent over a period: 销售额 and 询单 counts (daily distinct counts, Σ日).
-- $start, $end: DATE, inclusive. $daily: TRUE gives one row per (day, agent).
-- The agent is the sub-account (the part after ':' of 旺旺昵称), as in ops_cs_agents.sql.
-- Agent nicks are employee data: internal only (DATA_CONTRACT §11).
WITH source AS (
    SELECT *
    FROM cs_agents
    WHERE stat_date BETWEEN $start AND $end
),

renamed AS (
    SELECT
        stat_date AS day,
        coalesce(nullif(sub_account, ''), agent_nick) AS agent,
        -- money (元)
        sales_amount,
        -- counts (人)
        served_users,
        inquiry_users,
        inquiry_paid_users
    FROM source
)

SELECT
    CASE WHEN $daily THEN day END AS day,
    agent AS key,
    sum(sales_amount)::DECIMAL(18, 2) AS sales_amount,
    sum(served_users) AS served_users,
    sum(inquiry_users) AS inquiry_users,
    sum(inquiry_paid_users) AS inquiry_paid_users,
    count(DISTINCT day) AS days
FROM renamed
GROUP BY ALL
ORDER BY day NULLS FIRST, sales_amount DESC NULLS LAST, key
