"""Sample headers of the ERP, competitor and hand-kept kinds (DATA_CONTRACT.md §7, §8, §9.14).

聚水潭 columns are verbatim from §7.1; 旺店通, 管家婆, 竞品 and the hand-kept sheets are
unconfirmed [U] and follow the expected names of §7.2, §8 and §9.7/§9.14.
"""

from __future__ import annotations

JST = [
    "商品编码", "款式编码", "商品名称", "颜色及规格", "主仓实际库存", "库存锁定数", "订单占有数",
    "仓库待发数", "虚拟库存", "采购在途数", "调拨在途数", "销退仓库存", "进货仓库存",
    "公有可用数", "安全库存",
]
WDT = [
    "商家编码", "货品名称", "规格名称", "库存量", "可发库存", "待发货量", "采购在途量", "安全库存",
]
GJP = ["商品编号", "商品全名", "规格", "型号", "单位", "库存数量", "可销售库存"]
COMPETITOR = [
    "日期", "商品名称", "商品ID", "店铺名称", "交易指数", "流量指数", "搜索人气", "收藏人气",
    "加购人气", "支付转化指数", "客群指数", "热销排名",
]
PROMOTIONS = ["活动名称", "活动类型", "预热开始", "正式开始", "结束日期", "备注"]
TARGETS = ["周期类型", "周期开始", "指标", "目标值", "活动", "负责人"]

SAMPLES = {
    "inventory_jst": JST,
    "inventory_wdt": WDT,
    "inventory_gjp": GJP,
    "competitor_items": COMPETITOR,
    "promotions": PROMOTIONS,
    "targets": TARGETS,
}
