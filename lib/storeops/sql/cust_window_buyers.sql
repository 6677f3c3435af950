-- Buyers of cust_buyers (cust_build_buyers.sql) with an effective order in its window (人).
SELECT count(*) AS buyers
FROM cust_buyers
WHERE orders_window > 0
