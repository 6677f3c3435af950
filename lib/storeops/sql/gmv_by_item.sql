-- 支付金额 by item on each of two days (by the order's pay time); lines get their share of
-- the order's paid amount as defined by the paid_lines macro (sql/macros.sql).
SELECT day, item_key AS part, any_value(title) AS title, sum(line_gmv)::DECIMAL(18, 2) AS gmv
FROM paid_lines($day::TIMESTAMP, ($day + 1)::TIMESTAMP)
GROUP BY ALL
UNION ALL
SELECT day, item_key AS part, any_value(title) AS title, sum(line_gmv)::DECIMAL(18, 2) AS gmv
FROM paid_lines($base::TIMESTAMP, ($base + 1)::TIMESTAMP)
GROUP BY ALL
