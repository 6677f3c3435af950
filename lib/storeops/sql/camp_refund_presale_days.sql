-- Refunds of the presale orders paid in [$start, $end] by stage and days from payment to the
-- refund request (refund export). Closed refunds (退款关闭) and requests after $cutoff are left
-- out, as in camp_refund_days.sql.
WITH source AS (
    SELECT
        o.presale_stage AS stage,
        date_diff('day', o.paid_at::DATE, r.applied_at::DATE) AS days_after,
        r.refund_amount
    FROM refunds AS r
    JOIN orders AS o ON o.order_id = r.order_id
    WHERE o.paid_at >= $start::TIMESTAMP AND o.paid_at < ($end + 1)::TIMESTAMP
      AND o.presale_stage IS NOT NULL
      AND r.applied_at IS NOT NULL
      AND r.applied_at < ($cutoff + 1)::TIMESTAMP
      AND coalesce(r.status, '') NOT LIKE '%关闭%'
)

SELECT
    stage,
    days_after,
    sum(refund_amount) AS refund_amount
FROM source
GROUP BY ALL
ORDER BY stage, days_after
