-- RFM of the buyers with an effective order in the $window days ending $day, by high/low flags.
-- R = days since the last effective order, F = effective orders, M = their 支付金额 (元).
-- Each score is 1 + floor(5 * k / n): k = buyers strictly worse on that dimension (older,
-- fewer orders, less money), n = buyers in the window; ties share a score (quintiles).
-- A dimension is high when its score >= $high.
WITH
source AS (
    SELECT
        buyer_key,
        paid_at::DATE AS paid_day,
        paid_amount
    FROM orders
    WHERE buyer_key IS NOT NULL
      AND paid_at IS NOT NULL
      AND paid_at < ($day + 1)::TIMESTAMP
      AND paid_at >= ($day - $window + 1)::TIMESTAMP
      AND coalesce(refund_amount, 0) < paid_amount
),

buyers AS (
    SELECT
        buyer_key,
        $day - max(paid_day) AS recency_days,
        count(*) AS frequency,
        sum(paid_amount) AS monetary
    FROM source
    GROUP BY buyer_key
),

scored AS (
    SELECT
        *,
        (1 + floor(5 * (rank() OVER (ORDER BY recency_days DESC) - 1) / count(*) OVER ()))
            ::INTEGER AS r_score,
        (1 + floor(5 * (rank() OVER (ORDER BY frequency) - 1) / count(*) OVER ()))
            ::INTEGER AS f_score,
        (1 + floor(5 * (rank() OVER (ORDER BY monetary) - 1) / count(*) OVER ()))
            ::INTEGER AS m_score
    FROM buyers
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
