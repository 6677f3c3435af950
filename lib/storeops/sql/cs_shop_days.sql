-- Shop-level and peer 客服 rows per day from $start to $end (DATE, inclusive; one day for the
-- daily review): 全店汇总值 / 同行同层均值 … of the per-agent file and 店铺 (and 店铺/<label>)
-- of the shop 询单 file. Per-agent rows are not additive and are not read here (§4.3).
SELECT
    stat_date AS day,
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
WHERE stat_date BETWEEN $start AND $end
ORDER BY stat_date, row_label
