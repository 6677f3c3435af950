-- Per (item, day) target: sums of the 生意参谋 商品 (item_daily) columns over the $days days
-- before the day and the $days days from it, with the report days each window covers (days
-- item_daily has any row: an item without a row on such a day had no visitors).
WITH
targets AS (
    SELECT
        unnest($items::VARCHAR[]) AS item_id,
        unnest($days_at::DATE[]) AS day
),

covered AS (
    SELECT DISTINCT stat_date FROM item_daily
),

spans AS (
    SELECT
        t.item_id,
        t.day,
        count(*) FILTER (WHERE c.stat_date < t.day) AS days_before,
        count(*) FILTER (WHERE c.stat_date >= t.day) AS days_after
    FROM targets AS t
    JOIN covered AS c
        ON c.stat_date BETWEEN t.day - $days AND t.day + $days - 1
    GROUP BY t.item_id, t.day
),

sums AS (
    SELECT
        t.item_id,
        t.day,
        arg_max(i.item_name, i.stat_date) AS item_name,
        -- before the day
        sum(i.visitors) FILTER (WHERE i.stat_date < t.day) AS visitors_before,
        sum(i.search_visitors) FILTER (WHERE i.stat_date < t.day) AS search_visitors_before,
        sum(i.pageviews) FILTER (WHERE i.stat_date < t.day) AS pageviews_before,
        sum(i.cart_users) FILTER (WHERE i.stat_date < t.day) AS cart_users_before,
        sum(i.pay_buyers) FILTER (WHERE i.stat_date < t.day) AS pay_buyers_before,
        sum(i.pay_qty) FILTER (WHERE i.stat_date < t.day) AS pay_qty_before,
        sum(i.pay_amount) FILTER (WHERE i.stat_date < t.day)::DECIMAL(18, 2)
            AS pay_amount_before,
        -- from the day on
        sum(i.visitors) FILTER (WHERE i.stat_date >= t.day) AS visitors_after,
        sum(i.search_visitors) FILTER (WHERE i.stat_date >= t.day) AS search_visitors_after,
        sum(i.pageviews) FILTER (WHERE i.stat_date >= t.day) AS pageviews_after,
        sum(i.cart_users) FILTER (WHERE i.stat_date >= t.day) AS cart_users_after,
        sum(i.pay_buyers) FILTER (WHERE i.stat_date >= t.day) AS pay_buyers_after,
        sum(i.pay_qty) FILTER (WHERE i.stat_date >= t.day) AS pay_qty_after,
        sum(i.pay_amount) FILTER (WHERE i.stat_date >= t.day)::DECIMAL(18, 2)
            AS pay_amount_after
    FROM targets AS t
    LEFT JOIN item_daily AS i
        ON i.item_id = t.item_id
       AND i.stat_date BETWEEN t.day - $days AND t.day + $days - 1
    GROUP BY t.item_id, t.day
)

SELECT
    s.*,
    coalesce(p.days_before, 0) AS days_before,
    coalesce(p.days_after, 0) AS days_after
FROM sums AS s
LEFT JOIN spans AS p USING (item_id, day)
ORDER BY s.item_id, s.day
