-- The month's day targets and the store's GMV by weekday over the 8 weeks before $month_start
-- (seasonality weights for expected progress).
SELECT isodow(paid_at) AS weekday, sum(paid_amount) AS gmv
FROM orders
WHERE paid_at >= ($month_start - 56)::TIMESTAMP AND paid_at < $month_start::TIMESTAMP
GROUP BY 1
ORDER BY 1
