-- Items whose average paid unit price (Σ支付金额 ÷ Σ支付件数, 生意参谋 商品 item_daily) in the
-- $window days from a day differs from the $window days before it by at least $min_change
-- (a fraction), both windows holding at least $min_units pieces; per item, the day with the
-- largest change. Only days with $window report days on both sides are tried.
WITH
source AS (
    SELECT
        stat_date,
        item_id,
        item_name,
        pay_amount,
        pay_qty
    FROM item_daily
    WHERE stat_date BETWEEN $start - $window AND $end + $window - 1
),

covered AS (
    SELECT min(stat_date) AS first_day, max(stat_date) AS last_day FROM source
),

days AS (
    SELECT DISTINCT s.stat_date AS day
    FROM source AS s, covered AS c
    WHERE s.stat_date BETWEEN $start AND $end
      AND s.stat_date >= c.first_day + $window
      AND s.stat_date <= c.last_day - $window + 1
),

windows AS (
    SELECT
        s.item_id,
        d.day,
        -- money summed on DECIMAL, divided once per window
        sum(s.pay_amount) FILTER (WHERE s.stat_date < d.day)::DECIMAL(18, 2) AS amount_before,
        sum(s.pay_qty) FILTER (WHERE s.stat_date < d.day) AS units_before,
        sum(s.pay_amount) FILTER (WHERE s.stat_date >= d.day)::DECIMAL(18, 2) AS amount_after,
        sum(s.pay_qty) FILTER (WHERE s.stat_date >= d.day) AS units_after
    FROM days AS d
    JOIN source AS s
        ON s.stat_date BETWEEN d.day - $window AND d.day + $window - 1
    GROUP BY s.item_id, d.day
),

prices AS (
    SELECT
        item_id,
        day,
        units_before,
        units_after,
        (amount_before / units_before)::DECIMAL(18, 2) AS price_before,
        (amount_after / units_after)::DECIMAL(18, 2) AS price_after,
        (amount_after / units_after) / (amount_before / units_before) - 1 AS change
    FROM windows
    WHERE units_before >= $min_units
      AND units_after >= $min_units
      AND amount_before > 0
)

SELECT
    p.item_id,
    (SELECT arg_max(item_name, stat_date) FROM source AS n WHERE n.item_id = p.item_id)
        AS item_name,
    p.day,
    p.price_before,
    p.price_after,
    p.change::DOUBLE AS change,
    p.units_before,
    p.units_after
FROM prices AS p
WHERE abs(p.change) >= $min_change
QUALIFY row_number() OVER (PARTITION BY p.item_id ORDER BY abs(p.change) DESC, p.day) = 1
ORDER BY abs(p.change) DESC, p.item_id
