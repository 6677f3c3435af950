-- Refund reasons of the orders paid in [$start, $end] (closed refunds left out), most money first.
WITH source AS (
    SELECT coalesce(nullif(trim(r.reason), ''), '未填写') AS reason, r.refund_amount
    FROM refunds AS r
    JOIN orders AS o ON o.order_id = r.order_id
    WHERE o.paid_at >= $start::TIMESTAMP AND o.paid_at < ($end + 1)::TIMESTAMP
      AND coalesce(r.status, '') NOT LIKE '%关闭%'
)

SELECT reason, sum(refund_amount) AS refund_amount, count(*) AS refunds
FROM source
GROUP BY reason
ORDER BY refund_amount DESC NULLS LAST, reason
LIMIT $top
