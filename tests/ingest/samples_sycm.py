"""Real headers of the 生意参谋 exports beyond the shop overview (DATA_CONTRACT.md §2.2-§2.5).

``SAMPLES`` feeds ``test_detect.test_every_pair_of_kinds_is_told_apart``; the named headers
are reused by ``test_kinds_sycm``.
"""

from __future__ import annotations

# §2.2 【生意参谋平台】商品_全部_<from>_<to>.xls, header on row 5: every column seen.
ITEM_ALL_FULL = [
    "统计日期", "商品ID", "商品名称", "货号", "商品状态", "商品标签", "商品访客数", "商品浏览量",
    "平均停留时长", "商品详情页跳出率", "商品收藏人数", "商品加购件数", "商品加购人数",
    "下单买家数", "下单件数", "下单金额", "下单转化率", "支付买家数", "支付件数", "支付金额",
    "商品支付转化率", "支付新买家数", "支付老买家数", "老买家支付金额", "聚划算支付金额",
    "访客平均价值", "成功退款金额", "年累计支付金额", "月累计支付金额", "月累计支付件数",
    "搜索引导访客数", "搜索引导支付买家数", "搜索引导支付转化率",
]

# §2.3 【生意参谋平台】无线店铺流量来源-<date>_<date>.xls, header on row 6, no date column.
TRAFFIC = [
    "流量来源", "来源明细", "访客数", "下单买家数", "下单转化率", "浏览量", "支付买家数",
    "支付金额", "支付转化率", "新访客数", "收藏人数", "加购人数", "UV价值",
]

# §2.4 【生意参谋】选词助手-引流搜索词-店外-无线-<yyyyMMdd>.xls, header on row 6.
KEYWORDS = [
    "统计日期", "搜索词", "访客数", "加购人数", "商品收藏人数", "支付买家数", "支付转化率",
    "支付金额", "客单价", "UV价值",
]

# §2.5 <yyyy-MM-dd>.csv, UTF-8, header on row 1 (more columns may follow: "…").
CONSULT = ["商品id", "商品名称", "总咨询人数", "移动端咨询人数", "PC端咨询人数"]

SAMPLES = {
    "item_daily": ITEM_ALL_FULL,
    "traffic_sources": TRAFFIC,
    "traffic_keywords": KEYWORDS,
    "item_consult": CONSULT,
}
