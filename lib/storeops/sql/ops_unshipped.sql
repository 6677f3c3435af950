-- Orders paid by $day_end (TIMESTAMP, the report day's 23:59:59) and not shipped at that
-- moment: shipped later than $day_end, or never shipped and still 等待卖家发货 ('paid')
-- according to an export taken after the report day. An order last seen in an older
-- export (a month file downloaded weeks ago) says nothing about today: it is left out.
-- age_sec = $day_end − paid_at in seconds.
SELECT
    order_id,
    paid_at,
    paid_amount,
    title_summary,
    date_diff('second', paid_at, $day_end::TIMESTAMP) AS age_sec
FROM orders
WHERE paid_at <= $day_end::TIMESTAMP
    AND (shipped_at > $day_end::TIMESTAMP
         OR (shipped_at IS NULL AND status = 'paid'
             AND coalesce(_export_key, '') >= strftime($day_end::TIMESTAMP, '%Y%m%d%H%M%S')))
ORDER BY paid_at, order_id
