-- Refunds of the orders paid in [$start, $end], by days from payment to the refund request.
-- Closed refunds (退款关闭) are left out: nothing was refunded. Requests after $cutoff (the
-- report's last day) are left out too.
WITH source AS (
    SELECT
        date_diff('day', o.paid_at::DATE, r.applied_at::DATE) AS days_after,
        r.refund_amount
    FROM refunds AS r
    JOIN orders AS o ON o.order_id = r.order_id
    WHERE o.paid_at >= $start::TIMESTAMP AND o.paid_at < ($end + 1)::TIMESTAMP
      AND r.applied_at IS NOT NULL
      AND r.applied_at < ($cutoff + 1)::TIMESTAMP
      AND coalesce(r.status, '') NOT LIKE '%关闭%'
)

SELECT
    days_after,
    sum(refund_amount) AS refund_amount,
    count(*) AS refunds
FROM source
GROUP BY days_after
ORDER BY days_after
