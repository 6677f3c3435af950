"""ERP inventory (聚水潭 / 旺店通 / 管家婆) and competitor snapshots (DATA_CONTRACT.md §7–§8).

A stock export is a snapshot: every row belongs to one ``snapshot_date``. The date comes from
a date column when the export has one, else from the file name (``商品库存_20261126.xlsx``),
else from ``--option date=2026-11-26``; a file with none of them is refused, because a stock
figure without its day cannot be compared with anything. ``available`` is loaded only when
the ERP states it (公有可用数 / 可发库存); otherwise a view derives it from the components.

生意参谋 竞品 figures are indices (交易指数, 流量指数 …), stored as DOUBLE and never treated as
money or counts (§8). The device (无线 / PC) comes from the sheet or file name. The item's price
(价格, else 一口价) is the one real money figure of the export; a price range (``89-129``) is
read as its lower end, and a price that is not a number is left empty (the row's indices load).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pandas as pd

from storeops.errors import MissingColumnsError
from storeops.ingest import clean
from storeops.ingest.aliases import Field, FileContext, KindSpec

_NAME_DATE = re.compile(r"(?<!\d)(20\d\d)[-_.年]?(\d\d)[-_.月]?(\d\d)")


def date_from_name(name: str) -> date | None:
    """
    Return the first calendar date written in a file name, or None.

    Accepts ``2026-11-26``, ``2026_11_26``, ``20261126`` and the first 8 digits of an export
    stamp such as ``20261126153012``.
    """
    for match in _NAME_DATE.finditer(name):
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
    return None


def _option_date(ctx: FileContext) -> date | None:
    raw = (ctx.options.get("date") or "").strip()
    if not raw:
        return None
    parsed = pd.to_datetime(raw, errors="coerce")
    return None if pd.isna(parsed) else parsed.date()


def _snapshot_day(frame: pd.DataFrame, ctx: FileContext, column: str) -> pd.Series:
    """Fill ``column`` from the file name or ``--option date=`` where the file has no date."""
    if frame.empty:  # header only: nothing to date
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    fallback = date_from_name(ctx.name) or _option_date(ctx)
    if column in frame and frame[column].notna().any():
        if fallback is None:
            return frame[column]
        return frame[column].fillna(pd.Timestamp(fallback))
    if fallback is None:
        raise MissingColumnsError(
            f"{ctx.name}：这份快照没有日期（表里没有日期列，文件名里也没有日期）；"
            "请把日期写进文件名（如 商品库存_2026-11-26.xlsx），"
            "或导入时加 --option date=2026-11-26"
        )
    return pd.Series(pd.Timestamp(fallback), index=frame.index, dtype="datetime64[ns]")


def _inventory_post(erp: str) -> Callable[[pd.DataFrame, FileContext], pd.DataFrame]:
    def post(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
        house = frame["warehouse"] if "warehouse" in frame else pd.Series(
            pd.NA, index=frame.index, dtype="string")
        return frame.assign(
            snapshot_date=_snapshot_day(frame, ctx, "snapshot_date"),
            erp=erp,
            warehouse=house.astype("string").fillna(""),
        )

    return post


_SNAPSHOT = Field("date", ("日期", "库存日期", "快照日期", "统计日期"))
_WAREHOUSE = Field("text", ("仓库", "仓库名称", "仓库名"))

INVENTORY_JST = KindSpec(
    name="inventory_jst",
    table="inventory",
    label="聚水潭 商品库存",
    fields={
        "snapshot_date": _SNAPSHOT,
        "warehouse": _WAREHOUSE,
        "sku_code": Field("id", ("商品编码", "商家编码")),
        "style_code": Field("id", ("款式编码",)),
        "name": Field("text", ("商品名称",)),
        "spec": Field("text", ("颜色及规格", "颜色规格")),
        "on_hand": Field("int", ("主仓实际库存数", "主仓实际库存", "实际库存数", "实际库存")),
        "locked": Field("int", ("库存锁定数",)),
        "order_locked": Field("int", ("订单占有数",)),
        "pick_pending": Field("int", ("仓库待发数",)),
        "virtual_qty": Field("int", ("虚拟库存", "虚拟库存数")),
        "po_in_transit": Field("int", ("采购在途数",)),
        "transfer_in_transit": Field("int", ("调拨在途数",)),
        "return_wh_qty": Field("int", ("销退仓库存", "销退仓库存数")),
        "inbound_wh_qty": Field("int", ("进货仓库存", "进货仓库存数")),
        "available": Field("int", ("公有可用数", "可用库存", "可用数")),
        "safety_stock": Field("int", ("安全库存", "安全库存数")),
    },
    # 订单占有数 is the 聚水潭 word; 旺店通 and 管家婆 never write it
    required=("sku_code", "order_locked"),
    alternatives=(("sku_code", "on_hand", "pick_pending"),),
    row_key=("snapshot_date", "warehouse", "sku_code"),
    row_required=("sku_code", "snapshot_date"),
    forbidden=("库存量", "可发库存", "订单编号", "购买数量"),
    ignored=("图片", "商品简称", "成本价", "基本售价", "供应商", "品牌", "分类", "虚拟分类"),
    post=_inventory_post("聚水潭"),
)

INVENTORY_WDT = KindSpec(
    name="inventory_wdt",
    table="inventory",
    label="旺店通 库存",
    fields={
        "snapshot_date": _SNAPSHOT,
        "warehouse": _WAREHOUSE,
        "sku_code": Field("id", ("商家编码", "货品编码", "规格编码")),
        "style_code": Field("id", ("货品编号",)),
        "name": Field("text", ("货品名称",)),
        "spec": Field("text", ("规格名称",)),
        "on_hand": Field("int", ("库存量", "实际库存")),
        "available": Field("int", ("可发库存", "可发库存量")),
        "pick_pending": Field("int", ("待发货量",)),
        "order_locked": Field("int", ("订单占用量", "预占用量")),
        "po_in_transit": Field("int", ("采购在途量",)),
        "transfer_in_transit": Field("int", ("调拨在途量",)),
        "safety_stock": Field("int", ("安全库存",)),
    },
    required=("sku_code", "on_hand", "available"),
    alternatives=(("sku_code", "on_hand", "pick_pending"),),
    row_key=("snapshot_date", "warehouse", "sku_code"),
    row_required=("sku_code", "snapshot_date"),
    forbidden=("订单占有数", "订单编号", "购买数量", "出库单编号"),
    ignored=("品牌", "分类", "条码", "单位", "成本价", "零售价", "货品简称"),
    post=_inventory_post("旺店通"),
)

# 管家婆 [U]: no public reader; the headers below are the product's usual screen labels.
INVENTORY_GJP = KindSpec(
    name="inventory_gjp",
    table="inventory",
    label="管家婆 库存",
    fields={
        "snapshot_date": _SNAPSHOT,
        "warehouse": _WAREHOUSE,
        "sku_code": Field("id", ("商品编号", "商品编码")),
        "name": Field("text", ("商品全名", "商品名称")),
        "spec": Field("text", ("规格", "型号")),
        "on_hand": Field("int", ("库存数量", "实际库存")),
        "available": Field("int", ("可销售库存", "可用库存")),
        "safety_stock": Field("int", ("安全库存", "库存下限")),
    },
    required=("sku_code", "name", "on_hand"),
    row_key=("snapshot_date", "warehouse", "sku_code"),
    row_required=("sku_code", "snapshot_date"),
    forbidden=("订单占有数", "库存量", "可发库存", "订单编号", "购买数量"),
    ignored=("单位", "成本单价", "库存金额", "条码", "商品简名"),
    post=_inventory_post("管家婆"),
)


def _device(ctx: FileContext) -> str:
    text = f"{ctx.sheet} {ctx.name}".upper()
    return "PC" if re.search(r"PC", text) else "无线"


def competitor_price(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """
    Parse a 竞品 price column: ``¥129.00`` -> ``"129.00"``; a range ``89-129`` -> ``"89.00"``.

    Returns
    -------
    (Series, Series)
        Decimal text (string dtype, NA when missing or unreadable) and a mask of the cells
        that were present but unreadable.
    """
    low = clean.text(values).str.replace(r"\s*[-~\uff5e至]\s*[¥￥]?[\d.,]+\s*元?$", "", regex=True)
    return clean.parse_money(low)


def _competitor_post(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    derived = {"stat_date": _snapshot_day(frame, ctx, "stat_date"), "device": _device(ctx)}
    if "price" in frame:
        price, bad = competitor_price(frame["price"])
        if bad.any():
            ctx.notes.append(f"竞品价格有 {int(bad.sum())} 个值不是数字，这些价格留空")
        derived["price"] = price
    return frame.assign(**derived)


COMPETITOR_ITEMS = KindSpec(
    name="competitor_items",
    table="competitor_items",
    label="生意参谋 竞品",
    fields={
        "stat_date": Field("date", ("日期", "统计日期")),
        "competitor_item_id": Field("id", ("商品ID", "宝贝ID", "竞品ID")),
        "title": Field("text", ("商品名称", "宝贝名称")),
        "competitor_shop": Field("text", ("店铺名称", "所属店铺")),
        "trade_index": Field("float", ("交易指数",)),
        "traffic_index": Field("float", ("流量指数",)),
        "search_pop": Field("float", ("搜索人气",)),
        "fav_pop": Field("float", ("收藏人气",)),
        "cart_pop": Field("float", ("加购人气",)),
        "pay_cvr_index": Field("float", ("支付转化指数",)),
        "buyer_index": Field("float", ("客群指数",)),
        "rank": Field("int", ("热销排名", "排名")),
        "price": Field("text", ("价格", "一口价")),  # parsed in post (ranges)
    },
    required=("competitor_item_id", "trade_index"),
    alternatives=(("competitor_item_id", "traffic_index"),),
    row_key=("stat_date", "competitor_item_id", "device"),
    row_required=("competitor_item_id", "stat_date"),
    # real money and visitor counts belong to the shop's own 商品 export, never to 竞品
    forbidden=("支付金额", "访客数", "商品访客数"),
    ignored=("操作", "类目", "支付子订单数"),
    post=_competitor_post,
)


KINDS: tuple[KindSpec, ...] = (INVENTORY_JST, INVENTORY_WDT, INVENTORY_GJP, COMPETITOR_ITEMS)
