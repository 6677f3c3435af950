-- Ad spend and attributed sales per day, channel and attribution window, $start..$end (DATE,
-- inclusive), each within ONE report level (the ad_channel_days macro's rule). Callers keep
-- ONE window per question.
SELECT day, channel, window_days, report_level, cost, gmv_total, gmv_rows
FROM ad_channel_days($start, $end)
ORDER BY day, channel, window_days
