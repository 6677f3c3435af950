"""Real headers of the 客服 / 退款 / 评价 / DSR exports (DATA_CONTRACT.md §4-§6).

``SAMPLES`` feeds ``test_detect.test_every_pair_of_kinds_is_told_apart``; the named headers
are reused by ``test_kinds_service``.
"""

from __future__ import annotations

# §4.1 自制报表-报表查看-客服绩效_<yyyyMMdd>_<yyyyMMdd>_全部.xlsx, header row 1: every column
# seen, with the real bracket quirk (full-width open, half-width close).
CS_AGENTS = [
    "旺旺昵称", "旺旺分组", "咨询人数", "接待人数", "有效接待人数", "询单人数", "当日询单人数",
    "询单最终付款人数", "询单最终付款转化率", "询单最终付款金额", "询单流失人数", "销售人数",
    "销售额", "净销售额", "客单价", "首次响应时长（秒)", "平均响应时长（秒)", "旺旺回复率",
    "客户满意率", "淘宝答问比", "成功退款金额",
]

# §4.1 the last 6 rows of the per-agent file [C].
CS_SUMMARY_LABELS = [
    "汇总值", "平均值", "全店汇总值", "全店平均值", "同行同层优秀", "同行同层均值",
]

# §4.2 shop-level 询单 file, header row 1.
CS_SHOP_INQUIRY = [
    "日期", "询单人数", "当日询单人数", "当日付款人数", "当日付款金额", "最终付款人数",
    "最终付款金额", "询单当日付款转化率", "询单最终付款转化率",
]

# §5.1 退款管理 export, generation A (CSV GBK or xls).
REFUNDS_GEN_A = [
    "退款编号", "订单编号", "支付宝交易号", "订单付款时间", "商品编码", "退款完结时间",
    "买家实际支付金额", "宝贝标题", "买家退款金额", "手工退款/系统退款", "是否需要退货",
    "退款的申请时间", "退款状态", "货物状态", "发货物流信息", "客服介入状态", "卖家真实姓名",
    "买家退款原因", "买家退款说明", "部分退款/全部退款", "买家会员名称",
]

# §5.2 退款单.xlsx (千牛 售后), generation B: the required columns seen (of 53).
REFUNDS_GEN_B = [
    "订单编号", "退款编号", "退款总额", "货物状态", "售后类型", "商品id", "宝贝标题",
    "买家实际支付金额", "退款状态", "订单付款时间", "退款完结时间", "退款申请时间",
    "买家退款原因", "支付宝交易号", "退给买家金额", "退给平台金额",
]

# §6.2 seller-side 评价 export [U]: the expected columns.
REVIEWS = [
    "评价时间", "订单编号", "子订单编号", "宝贝ID", "宝贝标题", "SKU", "买家昵称", "评价内容",
    "评价结果", "是否有图", "追评内容", "追评时间", "商家回复",
]

# §6.1 店铺DSR数据_<yyyy-MM-dd>.xlsx: the 180-day block (header on row 2) ...
DSR_180D = ["指标", "得分", "趋势", "行业均值", "与行业对比", "目标值", "距目标值差距"]
# ... its other spelling ...
DSR_180D_VARIANT = [
    "指标名称", "评分", "趋势提示", "行业均值", "与行业对比", "目标值",
    "距目标值相差（笔5分评价订单）",
]
# ... and the daily block below it (from about row 8).
DSR_DAILY = ["日期", "描述得分（较上日）", "物流得分（较上日）", "服务得分（较上日）"]

SAMPLES = {
    "cs_agents": CS_AGENTS,
    "cs_shop_inquiry": CS_SHOP_INQUIRY,
    "refunds": REFUNDS_GEN_A,
    "reviews": REVIEWS,
    "dsr": DSR_180D,
    "dsr_daily": DSR_DAILY,
}
