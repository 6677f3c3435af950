-- 90-day repurchase of first-time buyers: buyers whose first effective order was paid on a day
-- in [$first_start, $first_end] (both inclusive), and of them those whose second effective
-- order was paid at most $within days after the first (pay dates; two orders paid the same
-- day: 0 days). From cust_new_buyers (cust_build_new_buyers.sql), built from a day on or
-- before $first_start. Orders before the warehouse's first export are unknown: "first" means
-- the first one the warehouse holds.
SELECT
    count(*) AS buyers,
    count(*) FILTER (WHERE second_at::DATE - first_at::DATE <= $within) AS repeat_buyers
FROM cust_new_buyers
WHERE first_at::DATE BETWEEN $first_start AND $first_end
