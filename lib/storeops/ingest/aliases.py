"""Raw export headers -> canonical columns, per export kind (DATA_CONTRACT.md §9).

Each kind lists its canonical columns with the parser to apply and the raw header names
seen in real exports, in priority order (when a file has two of them, the first non-empty
one wins: ``修改后的收货地址`` before ``收货地址``). Headers are compared after
``clean.normalize_header`` (trimmed, half-width brackets, no internal spaces).
``ignored`` lists headers we know and deliberately do not load, so that every other
header is reported as unknown in the manifest — that is how a renamed column gets noticed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storeops.ingest.clean import normalize_header


@dataclass(frozen=True, slots=True)
class Field:
    """One canonical column: its parser and the raw headers it is read from."""

    parse: str  # id | text | money | int | float | ratio | datetime | date | bool
    aliases: tuple[str, ...]
    pii: bool = False  # personal data: used at ingest (hashing, region), never stored


@dataclass(frozen=True, slots=True)
class KindSpec:
    """How to recognize one export kind and which canonical table it feeds."""

    name: str
    table: str
    label: str
    fields: dict[str, Field]
    required: tuple[str, ...]  # canonical columns that must be present (detection anchors)
    alternatives: tuple[tuple[str, ...], ...] = ()  # other anchor sets that also identify it
    forbidden: tuple[str, ...] = ()  # canonical columns that mean "another kind"
    ignored: tuple[str, ...] = ()
    lookup: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for canonical, spec in self.fields.items():
            for raw in spec.aliases:
                self.lookup.setdefault(normalize_header(raw), canonical)
        for raw in self.ignored:
            self.lookup.setdefault(normalize_header(raw), "")


ORDERS = KindSpec(
    name="orders",
    table="orders",
    label="订单报表",
    fields={
        "order_id": Field("id", ("订单编号", "主订单编号")),
        "pay_no": Field("id", ("支付单号", "支付交易号")),
        "buyer_nick": Field("text", ("买家会员名", "买家昵称"), pii=True),
        "goods_payable": Field("money", ("买家应付货款",)),
        "postage": Field("money", ("买家应付邮费",)),
        "list_total": Field("money", ("总金额", "总金额(旧版)")),
        "paid_amount": Field("money", ("买家实际支付金额", "买家实付金额")),
        "status_raw": Field("text", ("订单状态",)),
        "receiver_address": Field("text", ("修改后的收货地址", "收货地址"), pii=True),
        "ship_method": Field("text", ("运送方式",)),
        "created_at": Field("datetime", ("订单创建时间",)),
        "paid_at": Field("datetime", ("订单付款时间",)),
        "shipped_at": Field("datetime", ("发货时间",)),
        "confirmed_at": Field("datetime", ("确认收货时间",)),
        "title_summary": Field("text", ("宝贝标题", "商品标题")),
        "item_kinds": Field("int", ("宝贝种类",)),
        "item_qty": Field("int", ("宝贝总数量",)),
        "tracking_no": Field("id", ("物流单号",)),
        "carrier": Field("text", ("物流公司",)),
        "seller_memo": Field("text", ("订单备注", "商家备注", "商家备忘")),
        "shop_name": Field("text", ("店铺名称",)),
        "close_reason": Field("text", ("订单关闭原因",)),
        "refund_amount": Field("money", ("退款金额",)),
        "settled_amount": Field("money", ("打款商家金额", "确认收货打款金额")),
        "is_mobile": Field("bool", ("是否手机订单", "手机订单")),
        "sku_text": Field("text", ("商品属性SKU", "修改后的sku")),
    },
    required=("order_id", "paid_amount", "created_at"),
    forbidden=(),
    ignored=(
        "买家支付宝账号", "支付详情", "买家支付积分", "返点积分", "买家实际支付积分", "买家留言",
        "收货人姓名", "联系电话", "联系手机", "店铺Id", "卖家服务费", "买家服务费", "发票抬头",
        "开票信息", "分阶段订单信息", "特权订金订单id", "是否上传合同照片", "是否上传小票",
        "是否代付", "定金排名", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易",
        "新零售交易类型", "新零售导购门店名称", "新零售导购门店id", "新零售发货门店名称",
        "新零售发货门店id", "预约门店", "含应开票给个人的个人红包", "含应开票给个人红包",
        "是否信用购", "体验期结束时间", "前N有礼", "配送类型", "买家姓名", "买家身份证号",
        "买家手机号", "直播返现状态", "返现金额", "延迟发货自动赔付金额", "预售订单", "备注标签",
        "是否主动赔付", "主动赔付金额", "主动赔付出账时间", "C2B小额收款", "商家编码",
    ),
)

ORDER_ITEMS = KindSpec(
    name="order_items",
    table="order_items",
    label="宝贝报表（订单明细）",
    fields={
        "sub_order_id": Field("id", ("子订单编号",)),
        "order_id": Field("id", ("主订单编号", "订单编号")),
        "item_id": Field("id", ("商品ID", "宝贝ID")),
        "title": Field("text", ("标题", "商品标题", "宝贝标题")),
        "unit_price": Field("money", ("价格", "商品价格")),
        "qty": Field("int", ("购买数量",)),
        "outer_id": Field("id", ("外部系统编号",)),
        "sku_code": Field("id", ("商家编码",)),
        "sku_props": Field("text", ("商品属性",)),
        "package_info": Field("text", ("套餐信息",)),
        "memo": Field("text", ("备注",)),
        "status_raw": Field("text", ("订单状态",)),
        "payable": Field("money", ("买家应付货款",)),
        "paid_amount": Field("money", ("买家实付金额", "买家实际支付金额")),
        "refund_status": Field("text", ("退款状态",)),
        "refund_amount": Field("money", ("退款金额",)),
        "created_at": Field("datetime", ("订单创建时间",)),
        "paid_at": Field("datetime", ("订单付款时间",)),
        "shipped_at": Field("datetime", ("发货时间",)),
        "confirmed_at": Field("datetime", ("确认收货时间",)),
    },
    required=("order_id", "qty", "unit_price"),
    # Gen B exports are tickable: a sub-order id alone marks a line file.
    alternatives=(("order_id", "sub_order_id"),),
    ignored=(),
)

SHOP_DAILY = KindSpec(
    name="shop_daily",
    table="shop_daily",
    label="生意参谋 店铺整体日报",
    fields={
        "stat_date": Field("date", ("统计日期", "日期")),
        "visitors": Field("int", ("访客数",)),
        "pageviews": Field("int", ("浏览量",)),
        "pay_amount": Field("money", ("支付金额",)),
        "pay_buyers": Field("int", ("支付买家数",)),
        "pay_sub_orders": Field("int", ("支付子订单数",)),
        "pay_items": Field("int", ("支付件数", "支付商品件数")),
        "pay_cvr": Field("ratio", ("支付转化率",)),
        "aov": Field("money", ("客单价",)),
        "uv_value": Field("money", ("UV价值", "访客平均价值")),
        "old_buyers": Field("int", ("老买家数", "支付老买家数")),
        "new_buyers": Field("int", ("新买家数", "支付新买家数")),
        "order_buyers": Field("int", ("下单买家数",)),
        "order_amount": Field("money", ("下单金额",)),
        "cart_users": Field("int", ("加购人数",)),
        "fav_users": Field("int", ("商品收藏人数",)),
        "refund_success_amount": Field("money", ("成功退款金额", "退款金额(完结时间)")),
        "refund_amount_by_pay": Field("money", ("退款金额(支付时间)",)),
        "net_pay_amount": Field("money", ("净支付金额",)),
        "cost_keyword": Field("money", ("关键词推广花费",)),
        "cost_crowd": Field("money", ("精准人群推广花费",)),
        "cost_smart": Field("money", ("智能场景花费",)),
        "cost_site": Field("money", ("全站推广花费",)),
        "cost_taoke": Field("money", ("淘宝客佣金",)),
        "avg_stay_sec": Field("float", ("平均停留时长",)),
    },
    required=("stat_date", "visitors", "pay_amount"),
    forbidden=(),
    ignored=(
        "下单转化率", "加购件数", "金额退款率", "订单退款率", "发起退款金额", "发起退款子订单数",
        "发起退款率", "老客复购金额", "老客复购人数", "老客复购率", "跳失率",
    ),
)

KINDS: tuple[KindSpec, ...] = (ORDERS, ORDER_ITEMS, SHOP_DAILY)
"""Every export kind storeops can load, in detection order."""

# Columns that tell overlapping kinds apart: a file holding any of these is not that kind.
_ITEM_ONLY = ("购买数量", "价格", "商品价格", "子订单编号")
_ITEM_REPORT = ("商品ID", "宝贝ID", "主体ID", "商品名称", "流量来源", "来源明细", "搜索词")
DISTINGUISHING: dict[str, tuple[str, ...]] = {
    "orders": _ITEM_ONLY,
    "shop_daily": _ITEM_REPORT,
}
