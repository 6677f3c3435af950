-- Days from the first to the second effective order (pay dates; 0 = same day), per number of
-- days, for buyers whose first effective order was paid on or after $since and who have a
-- second (paid on or before the report day). From cust_new_buyers
-- (cust_build_new_buyers.sql), built from a day on or before $since.
SELECT
    second_at::DATE - first_at::DATE AS days,
    count(*) AS buyers
FROM cust_new_buyers
WHERE second_at IS NOT NULL
  AND first_at >= $since::TIMESTAMP
GROUP BY days
ORDER BY days
