-- Shop-level and peer rows of 客服 on one day ($day DATE): 全店汇总值 / 同行同层均值 … from
-- the per-agent file, 店铺 (and 店铺/<label>) from the shop 询单 file.
SELECT
    row_label,
    inquiry_users,
    inquiry_paid_users,
    inquiry_cvr,
    first_resp_sec,
    avg_resp_sec,
    reply_rate,
    satisfaction_rate,
    sales_amount
FROM cs_benchmarks
WHERE stat_date = $day
ORDER BY row_label
