-- Lifecycle state of every buyer of cust_buyers (cust_build_buyers.sql) as of $day and as of
-- $before (= $day - 30; cust_buyers.last_before_at was built for it), cross-tabulated.
-- Days since the last effective order d: active d <= $sleeping; sleeping $sleeping < d <= $lost;
-- lost d > $lost. state_before is 'new' for buyers whose first effective order is after $before.
-- gmv_window: 支付金额 of each group's effective orders paid in the window of cust_buyers (the
-- 365 days ending $day).
WITH
states AS (
    SELECT
        CASE
            WHEN last_before_at IS NULL THEN 'new'
            WHEN $before - last_before_at::DATE <= $sleeping THEN 'active'
            WHEN $before - last_before_at::DATE <= $lost THEN 'sleeping'
            ELSE 'lost'
        END AS state_before,
        CASE
            WHEN $day - last_at::DATE <= $sleeping THEN 'active'
            WHEN $day - last_at::DATE <= $lost THEN 'sleeping'
            ELSE 'lost'
        END AS state_now,
        gmv_window
    FROM cust_buyers
)

SELECT
    state_before,
    state_now,
    count(*) AS buyers,
    sum(gmv_window) AS gmv_window
FROM states
GROUP BY state_before, state_now
ORDER BY state_before, state_now
