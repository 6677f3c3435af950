-- Ad spend and attributed sales per channel over $start..$end (DATE, inclusive), one
-- attribution window ($window days): each (day, channel) within ONE report level (the
-- ad_channel_days macro's rule), then the days added.
SELECT
    channel,
    -- money (元)
    coalesce(sum(cost), 0)::DECIMAL(18, 2) AS cost,
    sum(gmv_total)::DECIMAL(18, 2) AS gmv_total,
    -- counts
    sum(clicks) AS clicks,
    sum(gmv_rows) AS gmv_rows,
    count(DISTINCT day) AS days
FROM ad_channel_days($start, $end)
WHERE window_days = $window
GROUP BY channel
ORDER BY cost DESC, channel
