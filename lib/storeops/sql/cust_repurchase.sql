-- 复购率 of the window of cust_buyers (cust_build_buyers.sql; the 365 days ending the report
-- day): buyers with >= 2 effective orders in it ÷ buyers with >= 1. An effective order: with a
-- buyer key, not fully refunded (coalesce(refund_amount, 0) < paid_amount); two orders paid
-- the same day count as two.
SELECT
    count(*) FILTER (WHERE orders_window >= 1) AS buyers,
    count(*) FILTER (WHERE orders_window >= 2) AS repeat_buyers
FROM cust_buyers
