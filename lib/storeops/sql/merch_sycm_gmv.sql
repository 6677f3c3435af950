-- 生意参谋 店铺 支付金额 of one day (NULL when shop_daily has no row for it).
SELECT
    max(pay_amount)::DECIMAL(18, 2) AS pay_amount,
    count(*) AS days
FROM shop_daily
WHERE stat_date = $day
