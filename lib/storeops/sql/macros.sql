-- Table macros every connection defines (temporary: read-only connections can too).

-- paid_lines(first_ts, end_ts): every order line of the orders paid in [first_ts, end_ts),
-- with the line's share of 支付金额. A line without its own paid amount (generation A
-- 宝贝报表) gets the order's paid amount pro rata to price × qty (equal shares when the
-- order has no list prices). The item key is the item id, else the title, else the SKU code.
-- Paid orders without any order line are in no item.
CREATE OR REPLACE TEMP MACRO paid_lines(first_ts, end_ts) AS TABLE
WITH paid_orders AS (
    SELECT order_id, paid_at, paid_amount, buyer_key
    FROM orders
    WHERE paid_at >= first_ts AND paid_at < end_ts
),

lines AS (
    SELECT
        i.order_id,
        coalesce(nullif(i.item_id, ''), nullif(i.title, ''), i.sku_code) AS item_key,
        i.title,
        i.sku_code,
        i.outer_id,
        i.qty,
        i.paid_amount AS line_paid,
        coalesce(i.unit_price, 0) * coalesce(i.qty, 0) AS line_list
    FROM order_items AS i
    WHERE i.order_id IN (SELECT order_id FROM paid_orders)
),

weighted AS (
    SELECT
        l.*,
        sum(l.line_list) OVER (PARTITION BY l.order_id) AS order_list,
        count(*) OVER (PARTITION BY l.order_id) AS order_lines
    FROM lines AS l
)

SELECT
    o.order_id,
    o.paid_at,
    o.paid_at::DATE AS day,
    o.buyer_key,
    w.item_key,
    w.title,
    w.sku_code,
    w.outer_id,
    w.qty,
    coalesce(
        w.line_paid,
        CASE WHEN w.order_list > 0 THEN o.paid_amount * w.line_list / w.order_list
             ELSE o.paid_amount / w.order_lines END
    ) AS line_gmv
FROM weighted AS w
JOIN paid_orders AS o USING (order_id);

-- shop_sources(first_day, last_day): shop-scope traffic-source rows of those days (both
-- ends inclusive), every device, with the rule for first-level rows: a row whose 来源明细 is
-- '(合计)' is a subtotal of its detail rows and is kept only when that first-level source
-- has no detail row on that day and device, so a subtotal is never added to its details.
-- ``source`` is the second level, or the first level for a kept subtotal.
CREATE OR REPLACE TEMP MACRO shop_sources(first_day, last_day) AS TABLE
WITH marked AS (
    SELECT
        stat_date AS day,
        device,
        source_l1,
        source_l2,
        visitors,
        pay_buyers,
        pay_amount,
        count(*) FILTER (WHERE source_l2 <> '(合计)')
            OVER (PARTITION BY stat_date, device, source_l1) AS details
    FROM traffic_sources
    WHERE scope = 'shop' AND stat_date BETWEEN first_day AND last_day
)

SELECT
    day,
    device,
    source_l1,
    CASE WHEN source_l2 = '(合计)' THEN source_l1 ELSE source_l2 END AS source,
    source_l2 = '(合计)' AS is_subtotal,
    visitors,
    pay_buyers,
    pay_amount
FROM marked
WHERE source_l2 <> '(合计)' OR details = 0;

-- ad_channel_days(first_day, last_day): ad spend and attributed sales per day, channel and
-- attribution window in [first_day, last_day] (DATE, inclusive). The plan, item, keyword and
-- crowd reports show the same spend cut several ways, so each (day, channel, window) is summed
-- within ONE report level: plan if present, else item, else keyword, else crowd. Callers keep
-- ONE attribution window per question.
CREATE OR REPLACE TEMP MACRO ad_channel_days(first_day, last_day) AS TABLE
WITH by_level AS (
    SELECT
        stat_date AS day,
        channel,
        attribution_window_days AS window_days,
        report_level,
        -- money (DECIMAL, summed here)
        sum(cost) AS cost,
        sum(gmv_total) AS gmv_total,
        -- counts
        sum(orders_total) AS orders_total,
        sum(impressions) AS impressions,
        sum(clicks) AS clicks,
        count(*) AS n_rows,
        -- rows that carry a 总成交金额 (0: the report has no sales column)
        count(gmv_total) AS gmv_rows
    FROM ad_reports
    WHERE stat_date BETWEEN first_day AND last_day
    GROUP BY ALL
),

ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY day, channel, window_days
            ORDER BY CASE report_level
                WHEN 'plan' THEN 1 WHEN 'item' THEN 2 WHEN 'keyword' THEN 3
                WHEN 'crowd' THEN 4 ELSE 5 END, report_level
        ) AS level_rank
    FROM by_level
)

SELECT * EXCLUDE (level_rank)
FROM ranked
WHERE level_rank = 1;
