-- 客服绩效 per agent on one day ($day DATE). Per-agent counts are not additive (§4.3).
WITH source AS (
    SELECT *
    FROM cs_agents
    WHERE stat_date = $day
),

renamed AS (
    SELECT
        -- ids
        agent_nick,
        coalesce(nullif(sub_account, ''), agent_nick) AS agent,
        agent_group,
        -- counts (人)
        served_users,
        inquiry_users,
        inquiry_paid_users,
        -- ratios and durations
        inquiry_cvr,
        first_resp_sec,
        avg_resp_sec,
        reply_rate,
        satisfaction_rate,
        -- money (元)
        sales_amount
    FROM source
)

SELECT * FROM renamed
ORDER BY agent_nick
