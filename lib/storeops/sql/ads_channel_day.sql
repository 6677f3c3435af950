-- Ad spend and attributed sales per channel on one day ($day), one attribution window
-- ($window), each channel within ONE report level (the ad_channel_days macro's rule).
SELECT channel, report_level, cost, gmv_total, orders_total, impressions, clicks, n_rows
FROM ad_channel_days($day, $day)
WHERE window_days = $window
ORDER BY cost DESC NULLS LAST, channel
