-- Whether any order line lacks its own paid amount (generation A 宝贝报表): such lines get a
-- pro-rata share of their order's 支付金额 (the paid_lines macro, macros.sql).
SELECT EXISTS (
    SELECT 1
    FROM order_items
    WHERE paid_amount IS NULL
) AS shared
