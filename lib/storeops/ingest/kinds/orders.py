"""订单报表 and 宝贝报表 (DATA_CONTRACT.md §1): generation A CSV and generation B xlsx."""

from __future__ import annotations

import pandas as pd

from storeops.ingest import clean
from storeops.ingest.aliases import Field, FileContext, KindSpec


def _orders(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    # Derived columns are set only from columns the file has: an export with fewer ticked
    # columns must not overwrite what an earlier export loaded.
    derived: dict[str, pd.Series] = {}
    if "receiver_address" in frame:
        derived["receiver_province"], derived["receiver_city"] = clean.split_region(
            frame["receiver_address"])
    if "buyer_nick" in frame:
        derived["buyer_key"] = clean.buyer_keys(frame["buyer_nick"], ctx.salt)
    if "status_raw" in frame:
        derived["status"] = clean.map_order_status(frame["status_raw"])
    if "close_reason" in frame:
        close = frame["close_reason"].astype("string")
        derived["close_reason"] = close.mask(close == "订单未关闭")
    return frame.drop(columns=["receiver_address", "buyer_nick"], errors="ignore").assign(
        **derived)


def _order_items(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    if "status_raw" in frame:
        frame = frame.assign(status=clean.map_order_status(frame["status_raw"]))
    if "sub_order_id" in frame and frame["sub_order_id"].notna().all():
        return frame
    # Generation A has no sub-order id: number the lines of each order in file order.
    line_no = frame.groupby("order_id", dropna=False).cumcount() + 1
    synthetic = frame["order_id"].astype("string") + "#" + line_no.astype("string")
    sub = frame.get("sub_order_id", pd.Series(pd.NA, index=frame.index, dtype="string"))
    return frame.assign(line_no=line_no.astype("int64"), sub_order_id=sub.fillna(synthetic))


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
    row_key=("order_id",),
    # line files carry quantities, unit prices or sub-order ids; order files never do
    forbidden=("购买数量", "价格", "商品价格", "子订单编号"),
    post=_orders,
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
    row_key=("sub_order_id",),
    row_required=("sub_order_id", "order_id"),
    post=_order_items,
    whole_file=True,  # generation A lines are numbered within their order across the file
    # Gen B exports are tickable: a sub-order id alone marks a line file.
    alternatives=(("order_id", "sub_order_id"),),
    forbidden=("评价内容", "评价时间"),  # a review export also has 订单编号 + 子订单编号
    ignored=(),
)


KINDS = (ORDERS, ORDER_ITEMS)
