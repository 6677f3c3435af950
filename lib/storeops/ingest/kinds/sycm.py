"""生意参谋 (SYCM) exports (DATA_CONTRACT.md §2)."""

from __future__ import annotations

import re

import pandas as pd

from storeops.errors import BadValueError
from storeops.ingest.aliases import Field, FileContext, KindSpec

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
    row_key=("stat_date",),
    # item, traffic-source and keyword files share 统计日期/访客数/支付金额 with the overview
    forbidden=("商品ID", "宝贝ID", "主体ID", "商品名称", "流量来源", "来源明细", "搜索词"),
    ignored=(
        "下单转化率", "加购件数", "金额退款率", "订单退款率", "发起退款金额", "发起退款子订单数",
        "发起退款率", "老客复购金额", "老客复购人数", "老客复购率", "跳失率",
    ),
)


# ---------------------------------------------------------------- helpers for the kinds below

_DASHED_DATE = re.compile(r"(?<!\d)(20\d\d)-(\d\d)-(\d\d)(?!\d)")
_COMPACT_DATE = re.compile(r"(?<!\d)(20\d\d)(\d\d)(\d\d)(?!\d)")
_ITEM_ID_IN_NAME = re.compile(r"(?<!\d)(\d{9,15})(?!\d)")
_TIMESTAMP = re.compile(r"20\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(\d{4}|\d{6})")


def _name_dates(name: str) -> list[pd.Timestamp]:
    """Return the distinct valid dates written in a file name, in order of appearance."""
    found: list[tuple[int, pd.Timestamp]] = []
    for pattern in (_DASHED_DATE, _COMPACT_DATE):
        for m in pattern.finditer(name):
            try:
                day = pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
            found.append((m.start(), day))
    return list(dict.fromkeys(day for _, day in sorted(found, key=lambda t: t[0])))


def _day_from_name(ctx: FileContext, what: str) -> pd.Timestamp:
    """
    Return the single statistics day a file name states (``…-2026-08-11_2026-08-11.xls``).

    Raises
    ------
    BadValueError
        When the name has no date, or a range of several days (a period total that must
        not be loaded as one day).
    """
    days = _name_dates(ctx.name)
    if not days:
        raise BadValueError(
            f"{ctx.name}：{what}没有「统计日期」列，文件名里也没有日期，无法知道是哪一天的数据；"
            "请使用下载时的原文件名（含统计日期）重新放入"
        )
    if len(days) > 1:
        first, last = min(days).date(), max(days).date()
        raise BadValueError(
            f"{ctx.name}：这是 {first} 至 {last} 多天合计的{what}，不能当作某一天导入；"
            "请在生意参谋按天导出（开始和结束选同一天）后再放入"
        )
    return days[0]


def _device(ctx: FileContext) -> str:
    """Return 无线 or PC from the sheet name, else the file name, else ``options['device']``."""
    for text in (ctx.sheet, ctx.name, ctx.options.get("device", "")):
        if "无线" in text or "手淘" in text or "移动" in text:
            return "无线"
        if "PC" in text.upper():
            return "PC"
    raise BadValueError(
        f"{ctx.name}：工作表名「{ctx.sheet}」和文件名都没有写明终端（无线/PC），无法导入流量来源；"
        "请使用下载时的原文件名（含“无线”或“PC”），或在导入时指定选项 device=无线 或 PC"
    )


def _stat_date(frame: pd.DataFrame, ctx: FileContext, what: str) -> pd.Series:
    """Take stat_date from the file's date column when it has one, else from its name."""
    if "stat_date" in frame:
        return frame["stat_date"]
    day = _day_from_name(ctx, what)
    return pd.Series(day, index=frame.index, dtype="datetime64[ns]")


def _item_from_name(ctx: FileContext) -> str:
    """Return the item id a 商品360 download names (a 9-15 digit run), or '' for a shop file."""
    if ctx.options.get("item_id"):
        return ctx.options["item_id"].strip()
    if "店铺" in ctx.name:
        return ""
    for m in _ITEM_ID_IN_NAME.finditer(ctx.name):
        if not _TIMESTAMP.fullmatch(m.group(1)):
            return m.group(1)
    return ""


# ---------------------------------------------------------------- 商品_全部 (§2.2)


ITEM_DAILY = KindSpec(
    name="item_daily",
    table="item_daily",
    label="生意参谋 商品明细（商品_全部）",
    fields={
        "stat_date": Field("date", ("统计日期", "日期")),
        "item_id": Field("id", ("商品ID", "宝贝ID", "主体ID")),
        "item_name": Field("text", ("商品名称", "宝贝名称")),
        "style_no": Field("text", ("货号",)),
        "item_status": Field("text", ("商品状态",)),
        "visitors": Field("int", ("商品访客数", "访客数")),
        "pageviews": Field("int", ("商品浏览量", "浏览量")),
        "avg_stay_sec": Field("float", ("平均停留时长",)),
        "bounce_rate": Field("ratio", ("商品详情页跳出率", "跳失率", "详情页跳出率")),
        "fav_users": Field("int", ("商品收藏人数", "收藏人数")),
        "cart_qty": Field("int", ("商品加购件数", "加购件数")),
        "cart_users": Field("int", ("商品加购人数", "加购人数")),
        "order_buyers": Field("int", ("下单买家数",)),
        "order_qty": Field("int", ("下单件数",)),
        "order_amount": Field("money", ("下单金额",)),
        "order_cvr": Field("ratio", ("下单转化率",)),
        "pay_buyers": Field("int", ("支付买家数",)),
        "pay_qty": Field("int", ("支付件数", "支付商品件数", "总支付商品件数")),
        "pay_amount": Field("money", ("支付金额", "总支付金额")),
        "pay_cvr": Field("ratio", ("商品支付转化率", "支付转化率")),
        "new_pay_buyers": Field("int", ("支付新买家数",)),
        "old_pay_buyers": Field("int", ("支付老买家数",)),
        "old_pay_amount": Field("money", ("老买家支付金额",)),
        "jhs_pay_amount": Field("money", ("聚划算支付金额",)),
        "uv_value": Field("money", ("访客平均价值", "UV价值")),
        "refund_amount": Field("money", ("成功退款金额",)),
        "search_visitors": Field("int", ("搜索引导访客数",)),
        "search_pay_buyers": Field("int", ("搜索引导支付买家数",)),
        "search_pay_cvr": Field("ratio", ("搜索引导支付转化率",)),
    },
    required=("stat_date", "item_id", "pay_amount"),
    row_key=("stat_date", "item_id"),
    # item-level traffic sources and keywords also carry 商品ID/统计日期/支付金额; ad reports
    # and 竞品 exports carry 主体ID/商品ID with their own metrics
    forbidden=("流量来源", "来源明细", "搜索词", "花费", "展现量", "点击量", "交易指数",
               "流量指数"),
    ignored=("商品标签", "年累计支付金额", "月累计支付金额", "月累计支付件数", "年累计支付件数"),
)


# ---------------------------------------------------------------- 流量来源 (§2.3)

SUBTOTAL = "(合计)"
"""source_l2 of a first-level 流量来源 row (a subtotal of its 来源明细 rows: never add both)."""


def _traffic_sources(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    detail = frame.get("source_l2", pd.Series(pd.NA, index=frame.index, dtype="string"))
    detail = detail.astype("string")
    # Merged cells: a detail row below its first-level row may leave 流量来源 empty.
    level1 = frame["source_l1"].astype("string")
    level1 = level1.where(level1.notna() | detail.isna(), level1.ffill())
    if "item_id" in frame and frame["item_id"].notna().any():
        item = frame["item_id"].astype("string").fillna("")
    else:
        item = pd.Series(_item_from_name(ctx), index=frame.index, dtype="string")
    scope = item.map(lambda i: "item" if i else "shop").astype("string")
    return frame.assign(
        stat_date=_stat_date(frame, ctx, "流量来源"),
        device=_device(ctx),
        scope=scope,
        item_id=item,
        source_l1=level1,
        source_l2=detail.fillna(SUBTOTAL),
    )


TRAFFIC_SOURCES = KindSpec(
    name="traffic_sources",
    table="traffic_sources",
    label="生意参谋 流量来源（店铺/单品）",
    fields={
        "stat_date": Field("date", ("统计日期", "日期")),
        "item_id": Field("id", ("商品ID", "宝贝ID")),
        "source_l1": Field("text", ("流量来源", "一级来源")),
        "source_l2": Field("text", ("来源明细", "二级来源")),
        "visitors": Field("int", ("访客数",)),
        "order_buyers": Field("int", ("下单买家数",)),
        "order_cvr": Field("ratio", ("下单转化率",)),
        "pay_buyers": Field("int", ("支付买家数",)),
        "pay_amount": Field("money", ("支付金额",)),
        "pay_cvr": Field("ratio", ("支付转化率",)),
        "uv_value": Field("money", ("UV价值", "访客平均价值")),
        "cart_users": Field("int", ("加购人数",)),
        "fav_users": Field("int", ("收藏人数", "商品收藏人数")),
    },
    required=("source_l1", "visitors"),
    row_key=("stat_date", "device", "scope", "item_id", "source_l1", "source_l2"),
    row_required=("stat_date", "source_l1"),
    forbidden=("搜索词", "花费", "展现量", "点击量"),
    post=_traffic_sources,
    # traffic_sources has no columns for these (DATA_CONTRACT.md §9.5)
    ignored=("浏览量", "新访客数"),
)


# ---------------------------------------------------------------- 引流搜索词 (§2.4)


def _traffic_keywords(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    # 店内 search words would otherwise share keys with the 店外 ones of the same day
    level1 = "搜索词(店内)" if "店内" in ctx.name else "搜索词"
    return frame.assign(
        stat_date=_stat_date(frame, ctx, "引流搜索词"),
        device="PC" if "PC" in ctx.name.upper() else "无线",
        scope="keyword",
        item_id="",
        source_l1=level1,
    )


TRAFFIC_KEYWORDS = KindSpec(
    name="traffic_keywords",
    table="traffic_sources",
    label="生意参谋 选词助手 引流搜索词",
    fields={
        "stat_date": Field("date", ("统计日期", "日期")),
        "source_l2": Field("text", ("搜索词",)),
        "visitors": Field("int", ("访客数",)),
        "cart_users": Field("int", ("加购人数",)),
        "fav_users": Field("int", ("商品收藏人数", "收藏人数")),
        "pay_buyers": Field("int", ("支付买家数",)),
        "pay_cvr": Field("ratio", ("支付转化率",)),
        "pay_amount": Field("money", ("支付金额",)),
        "uv_value": Field("money", ("UV价值", "访客平均价值")),
    },
    required=("source_l2", "visitors"),
    row_key=("stat_date", "device", "scope", "item_id", "source_l1", "source_l2"),
    row_required=("stat_date", "source_l2"),
    # 直通车 搜索词报表 has 搜索词 with ad metrics; traffic-source files have 流量来源
    forbidden=("流量来源", "来源明细", "花费", "展现量", "点击量"),
    post=_traffic_keywords,
    ignored=("客单价",),
)


# ---------------------------------------------------------------- 商品咨询 (§2.5)


def _item_consult(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    # Only the columns this file has reach the upsert, so the 商品_全部 metrics of the same
    # (day, item) stay as they were.
    return frame.assign(stat_date=_day_from_name(ctx, "商品咨询"))


ITEM_CONSULT = KindSpec(
    name="item_consult",
    table="item_daily",
    label="生意参谋 商品咨询",
    fields={
        "item_id": Field("id", ("商品id", "商品ID")),
        "item_name": Field("text", ("商品名称",)),
        "consult_users": Field("int", ("总咨询人数",)),
    },
    required=("item_id", "consult_users"),
    row_key=("stat_date", "item_id"),
    row_required=("item_id",),
    # the day comes from the file name: a file with a date or traffic columns is another kind
    forbidden=("统计日期", "日期", "支付金额", "访客数", "商品访客数", "旺旺昵称"),
    post=_item_consult,
    ignored=("移动端咨询人数", "PC端咨询人数"),
)


KINDS = (SHOP_DAILY, ITEM_DAILY, TRAFFIC_SOURCES, TRAFFIC_KEYWORDS, ITEM_CONSULT)
