-- RFM of the buyers of cust_buyers (cust_build_buyers.sql) with an effective order in its
-- window (the 365 days ending $day), by high/low flags. R = days since the last effective
-- order, F = effective orders, M = their 支付金额 (元), all in the window. Each score is
-- 1 + floor(5 * k / n): k = buyers strictly worse on that dimension (older, fewer orders, less
-- money), n = buyers in the window; ties share a score (quintiles), computed as 1 + the number
-- of cut values of cust_rfm_cuts (cust_build_rfm_cuts.sql) below the buyer's value.
-- A dimension is high when its score >= $high.
WITH
scored AS (
    SELECT
        $day - b.last_at::DATE AS recency_days,
        b.orders_window AS frequency,
        b.gmv_window AS monetary,
        1 + (b.last_at::DATE > c.r_cuts[1])::INTEGER + (b.last_at::DATE > c.r_cuts[2])::INTEGER
          + (b.last_at::DATE > c.r_cuts[3])::INTEGER + (b.last_at::DATE > c.r_cuts[4])::INTEGER
            AS r_score,
        1 + (b.orders_window > c.f_cuts[1])::INTEGER + (b.orders_window > c.f_cuts[2])::INTEGER
          + (b.orders_window > c.f_cuts[3])::INTEGER + (b.orders_window > c.f_cuts[4])::INTEGER
            AS f_score,
        1 + (b.gmv_window > c.m_cuts[1])::INTEGER + (b.gmv_window > c.m_cuts[2])::INTEGER
          + (b.gmv_window > c.m_cuts[3])::INTEGER + (b.gmv_window > c.m_cuts[4])::INTEGER
            AS m_score
    FROM cust_buyers AS b, cust_rfm_cuts AS c
    WHERE b.orders_window > 0
)

SELECT
    r_score >= $high AS r_high,
    f_score >= $high AS f_high,
    m_score >= $high AS m_high,
    count(*) AS buyers,
    sum(frequency) AS orders,
    sum(monetary) AS gmv,
    count(*) FILTER (WHERE frequency >= 2) AS repeat_buyers,
    min(recency_days) AS min_recency_days,
    max(recency_days) AS max_recency_days
FROM scored
GROUP BY ALL
ORDER BY ALL
