-- Build the temp table cust_rfm_cuts (one row): the cut values of the RFM quintile scores of
-- the buyers of cust_buyers with an effective order in its window. A buyer's score on a
-- dimension is 1 + floor(5 * k / n), k = buyers strictly worse on it (older last order, fewer
-- orders, less money), n = buyers in the window; ties share a score. Equivalently the score is
-- 1 + the number of j in 1..4 for which the value is above the c_j-th smallest value,
-- c_j = ceil(j * n / 5): r_cuts, f_cuts and m_cuts hold those four values. $positions are
-- (c_j - 0.5) / n, so quantile_disc (the SQL percentile_disc: the ceil(q * n)-th smallest
-- value) returns exactly the c_j-th.
CREATE OR REPLACE TEMP TABLE cust_rfm_cuts AS
SELECT
    quantile_disc(last_at::DATE, $positions) AS r_cuts,
    quantile_disc(orders_window, $positions) AS f_cuts,
    quantile_disc(gmv_window, $positions) AS m_cuts
FROM cust_buyers
WHERE orders_window > 0
