"""订单报表 and 宝贝报表 (DATA_CONTRACT.md §1): generation A CSV and generation B xlsx.

A buyer is 买家会员名 when the export has it, else the pair (收货人姓名, 联系手机), else unknown;
either way ``orders.buyer_key`` is a salted hash (``clean.buyer_identity``). The clear nick,
name and mobile of each buyer's latest paid order go to the ``buyer_contacts`` side table only
(§11). The presale columns (分阶段订单信息, 预售订单, 定金排名, 特权订金订单id) become
``orders.presale_stage``. 宝贝报表 lines carry no buyer: they reach one through ``order_id``.
"""

from __future__ import annotations

import re

import pandas as pd

from storeops.ingest import clean
from storeops.ingest.aliases import Field, FileContext, KindSpec

PAID_CODES = frozenset({"paid", "shipped", "completed", "partial_shipped", "signed"})
"""Order status codes after the (balance) payment."""

PRESALE_COLUMNS = ("stage_info", "presale_flag", "deposit_rank", "deposit_order_id")
"""Presale markers of the order report (§1.1): read to derive ``presale_stage``, not stored."""

_BALANCE_PAID = re.compile(r"尾款(?:已|都)(?:付|支付)|尾款支付成功|都已?付|(?<![定订]金)已付尾款")
_BALANCE_DUE = re.compile(r"尾款未付|未付尾款|尾款待付|(?:定|订)金已付(?!.*尾款已)")
_DEPOSIT = re.compile(r"定金|订金")
_FULL = re.compile(r"全款")
_YES = frozenset({"是", "y", "yes", "true", "1", "预售", "预售订单"})


def _stage_of(info: str | None, flag: str | None, marked: bool, paid: bool) -> str | None:
    """Return one order's presale stage from its markers (see ``presale_stage``)."""
    by_status = "尾款" if paid else "定金"
    if info:
        if _BALANCE_DUE.search(info) and not _BALANCE_PAID.search(info):
            return "定金"
        if _BALANCE_PAID.search(info):
            return "尾款"
        if _FULL.search(info):
            return "全款预售"
        return by_status
    if flag:
        if _FULL.search(flag):
            return "全款预售"
        if _DEPOSIT.search(flag):
            return by_status
        if flag.lower() in _YES:
            return "全款预售"
        if marked:
            return by_status
        return None
    return by_status if marked else None


def presale_stage(frame: pd.DataFrame) -> pd.Series | None:
    """
    Derive each order's presale stage: '定金', '尾款', '全款预售' or NA (not a presale order).

    Parameters
    ----------
    frame : DataFrame
        Canonical order rows with any of ``stage_info`` (分阶段订单信息, e.g.
        ``定金已付尾款未付`` / ``定金和尾款都付``), ``presale_flag`` (预售订单: 是/否, or the
        presale type), ``deposit_rank`` (定金排名) and ``deposit_order_id`` (特权订金订单id), and
        ``status`` (canonical code).

    Returns
    -------
    Series or None
        '尾款' when the stage text says the balance is paid, '定金' when it says only the
        deposit is; with a deposit marker but no such text, '尾款' once the order's status is
        paid or later (the export shows 等待买家付款 until the balance is paid) and '定金'
        before; '全款预售' for a presale order paid in full. None when the export has none of
        the presale columns (a stored stage is then kept).
    """
    present = [c for c in PRESALE_COLUMNS if c in frame]
    if not present:
        return None
    out = pd.Series(pd.NA, index=frame.index, dtype="string")
    # only rows with some marker are looked at (most orders are not presale orders)
    any_marker = pd.Series(False, index=frame.index)
    for name in present:
        any_marker |= frame[name].astype("string").str.strip().fillna("").ne("")
    rows = frame.loc[any_marker.to_numpy()]
    if rows.empty:
        return out

    def column(name: str) -> list:
        if name not in rows:
            return [None] * len(rows)
        return [None if pd.isna(v) else str(v).strip() or None for v in rows[name]]

    marked = [bool(r or d) for r, d in zip(column("deposit_rank"), column("deposit_order_id"),
                                           strict=True)]
    stages = [_stage_of(i, f, m, s in PAID_CODES)
              for i, f, m, s in zip(column("stage_info"), column("presale_flag"), marked,
                                    column("status"), strict=True)]
    out.loc[rows.index] = pd.array(stages, dtype="string")
    return out


def _orders(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    # Derived columns are set only from columns the file has: an export with fewer ticked
    # columns must not overwrite what an earlier export loaded.
    derived: dict[str, pd.Series] = {}
    if "receiver_address" in frame:
        derived["receiver_province"], derived["receiver_city"] = clean.split_region(
            frame["receiver_address"])
    keys = clean.buyer_identity(frame, ctx.salt)
    if keys is not None:
        derived["buyer_key"] = keys
    if "status_raw" in frame:
        derived["status"] = clean.map_order_status(frame["status_raw"])
    if "close_reason" in frame:
        close = frame["close_reason"].astype("string")
        derived["close_reason"] = close.mask(close == "订单未关闭")
    stage = presale_stage(frame.assign(**{k: v for k, v in derived.items() if k == "status"}))
    if stage is not None:
        derived["presale_stage"] = stage
    personal = ["receiver_address", "buyer_nick", "receiver_name", "receiver_mobile"]
    return frame.drop(columns=[*personal, *PRESALE_COLUMNS], errors="ignore").assign(**derived)


CONTACT_TABLE = "buyer_contacts"


def _latest_contact(rows: pd.DataFrame) -> pd.DataFrame:
    """Keep each buyer's row of the latest payment (ties: the larger order number)."""
    return (rows.sort_values(["last_paid_at", "last_order_id"], kind="stable")
            .drop_duplicates("buyer_key", keep="last")
            .reset_index(drop=True))


def buyer_contacts(frame: pd.DataFrame, ctx: FileContext) -> dict[str, pd.DataFrame]:
    """
    Return the ``buyer_contacts`` rows of a slice of orders: one per buyer, from the latest paid.

    The only place clear names and phones are kept (for the private recall lists): the nick,
    the receiver's name and mobile (digits), province and city, the order and its pay time.
    Columns empty in the whole file are left out, so an export masked at source does not
    erase what an earlier one loaded.
    """
    keys = (frame["buyer_key"] if "buyer_key" in frame  # derived by the post hook already
            else clean.buyer_identity(frame, ctx.salt))
    if keys is None or "paid_at" not in frame or "order_id" not in frame:
        return {}
    # each buyer's latest paid row first, so names and phones are cleaned once per buyer
    latest = _latest_contact(pd.DataFrame({
        "buyer_key": keys, "last_paid_at": frame["paid_at"], "last_order_id": frame["order_id"],
        "_row": range(len(frame))}).dropna(subset=["buyer_key", "last_paid_at"]))
    frame = frame.iloc[latest["_row"].to_numpy()].reset_index(drop=True)
    keys = latest["buyer_key"]
    empty = pd.Series(pd.NA, index=frame.index, dtype="string")
    nick = clean.text(frame["buyer_nick"]) if "buyer_nick" in frame else empty
    province, city = (clean.split_region(frame["receiver_address"])
                      if "receiver_address" in frame else (empty, empty))
    rows = pd.DataFrame({
        "buyer_key": keys,
        "buyer_nick": nick.mask(nick.str.contains(r"\*\*", regex=True).fillna(False)
                                .astype(bool)),
        "receiver_name": clean.normalize_person(frame["receiver_name"])
        if "receiver_name" in frame else empty,
        "receiver_phone": clean.normalize_mobile(frame["receiver_mobile"])
        if "receiver_mobile" in frame else empty,
        "receiver_province": province,
        "receiver_city": city,
        "last_order_id": frame["order_id"],
        "last_paid_at": frame["paid_at"],
        "_source_row": frame["_source_row"],
    }, index=frame.index)
    rows = rows.loc[rows["buyer_key"].notna() & rows["last_paid_at"].notna()]
    if rows.empty:
        return {}
    kept = ["buyer_key", "last_order_id", "last_paid_at", "_source_row"]
    rows = rows[[c for c in rows.columns if c in kept or rows[c].notna().any()]]
    return {CONTACT_TABLE: _latest_contact(rows)}


def _merge_contacts(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Merge the slices of one file: each buyer's latest paid order over all of them."""
    return _latest_contact(frame) if table == CONTACT_TABLE else frame


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
        "receiver_name": Field("text", ("收货人姓名", "收货人"), pii=True),
        "receiver_mobile": Field("text", ("联系手机",), pii=True),
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
        # presale markers: read to derive presale_stage, not stored
        "stage_info": Field("text", ("分阶段订单信息", "分阶段信息", "预售阶段")),
        "presale_flag": Field("text", ("预售订单", "是否预售", "预售类型")),
        "deposit_rank": Field("text", ("定金排名", "订金排名")),
        "deposit_order_id": Field("id", ("特权订金订单id", "特权定金订单id")),
    },
    required=("order_id", "paid_amount", "created_at"),
    row_key=("order_id",),
    # line files carry quantities, unit prices or sub-order ids; order files never do
    forbidden=("购买数量", "价格", "商品价格", "子订单编号"),
    post=_orders,
    sides=buyer_contacts,
    side_merge=_merge_contacts,
    ignored=(
        "买家支付宝账号", "支付详情", "买家支付积分", "返点积分", "买家实际支付积分", "买家留言",
        "联系电话", "店铺Id", "卖家服务费", "买家服务费", "发票抬头",
        "开票信息", "是否上传合同照片", "是否上传小票",
        "是否代付", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易",
        "新零售交易类型", "新零售导购门店名称", "新零售导购门店id", "新零售发货门店名称",
        "新零售发货门店id", "预约门店", "含应开票给个人的个人红包", "含应开票给个人红包",
        "是否信用购", "体验期结束时间", "前N有礼", "配送类型", "买家姓名", "买家身份证号",
        "买家手机号", "直播返现状态", "返现金额", "延迟发货自动赔付金额", "备注标签",
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
