"""客服绩效, 退款/售后, 评价 and DSR (DATA_CONTRACT.md §4–§6).

Choices made where the contract is unconfirmed or silent:

* ``cs_agents``: the file has no date column; the day comes from the file name
  (``…客服绩效_<yyyyMMdd>_<yyyyMMdd>_全部.xlsx``). A name with two different dates is a period
  export and the whole file is refused (per-agent counts of a period are not a day's counts).
  The 6 summary rows go to ``cs_benchmarks`` under their own label. A nick list with only
  咨询/接待 counts is not enough to recognise the file: 旺旺昵称 must come with a 询单, 销售,
  响应 or 满意 metric.
* ``cs_shop_inquiry``: the shop row is ``row_label='店铺'``; its summary/peer rows are stored as
  ``店铺/<label>`` (e.g. ``店铺/同行同层均值``) so that they never overwrite the peer rows of
  the per-agent file for the same day, which have the same labels but other columns.
  They take the day of the shop row; when the file holds several days they are period
  figures and are not stored.
* ``refunds``: ``refund_amount`` prefers 买家退款金额, then 退款总额, then 退给买家金额 (the
  order of §9.9); ``status`` keeps the 退款状态 text as exported. A file without 退款编号 is
  refused whole.
* ``reviews``: ``review_id`` is the 评价ID column when the export has one; otherwise it is
  synthetic and stable across re-exports: ``<子订单编号>@<yyyyMMddHHmmss of 评价时间>``, or
  ``<订单编号>/<宝贝ID>@<…>`` (``<订单编号>@<…>`` without an item id) when there is no sub-order
  id. Buyer nicks are stored masked (first char + ``**`` + last char, §11) even when the
  export did not mask them. Texts are stored as exported (no escaping, formulas stay text).
* ``dsr`` / ``dsr_daily``: scores keep their exact digits (the leading number of the cell);
  a value with more than 5 decimals would be rounded by DECIMAL(6,5) and is refused instead.
  ``物流质量`` is stored as ``物流服务``; other indicator labels (体验分) are kept as exported.
"""

from __future__ import annotations

import logging
import re

import pandas as pd
import pandera.pandas as pa

from storeops.errors import IngestError, MissingColumnsError
from storeops.ingest.aliases import Field, FileContext, KindSpec

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- helpers

_DASHED_DATE = re.compile(r"(?<!\d)(20\d\d)-(\d\d)-(\d\d)(?!\d)")
_COMPACT_DATE = re.compile(r"(?<!\d)(20\d\d)(\d\d)(\d\d)(?!\d)")


def _name_dates(name: str) -> list[pd.Timestamp]:
    """Return the valid dates written in a file name, in order of appearance (repeats kept)."""
    found: list[tuple[int, pd.Timestamp]] = []
    base = name.rsplit("/", 1)[-1]
    for pattern in (_DASHED_DATE, _COMPACT_DATE):
        for m in pattern.finditer(base):
            try:
                day = pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
            found.append((m.start(), day))
    return [day for _, day in sorted(found, key=lambda t: t[0])]


def _option_day(ctx: FileContext) -> pd.Timestamp | None:
    text = ctx.options.get("date")
    if not text:
        return None
    try:
        return pd.Timestamp(text).normalize()
    except ValueError:
        return None


def _file_day(ctx: FileContext, *, pattern: str, what: str) -> pd.Timestamp:
    """
    Return the one day a file name states; a two-date name must name the same day twice.

    Raises
    ------
    IngestError
        The name states a period (two different dates): the file is refused.
    MissingColumnsError
        The name states no date (and no ``date`` option was given).
    """
    days = _name_dates(ctx.name)[:2]
    if len(days) == 2 and days[0] != days[1]:
        raise IngestError(
            f"{ctx.name}：文件名中的日期是一个区间（{days[0]:%Y-%m-%d} 至 {days[1]:%Y-%m-%d}），"
            f"{what}按区间汇总的数字不能当作某一天导入，本文件未导入；"
            "请按单日导出（开始日期和结束日期选同一天）后再放入"
        )
    if days:
        return days[0]
    fallback = _option_day(ctx)
    if fallback is not None:
        return fallback
    raise MissingColumnsError(
        f"{ctx.name}：{what}没有日期列，日期只在文件名里，但文件名中找不到日期，本文件未导入；"
        f"请保留后台导出时的原始文件名（{pattern}），或用 --option date=YYYY-MM-DD 指定日期"
    )


_LEADING_NUMBER = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)")
_DSR_NUMBER = r"^\d(\.\d{1,5}0*)?$"  # DECIMAL(6,5): at most 5 significant decimals


def _leading_number(values: pd.Series) -> pd.Series:
    """
    Take the leading number of score cells, digits kept exactly (``4.81532 较上日+0.001``).

    A present cell without a leading number is returned unchanged, so the schema check
    refuses its row instead of loading NULL.
    """
    s = values.astype("string")
    return s.str.extract(_LEADING_NUMBER, expand=False).astype("string").fillna(s)


def _dsr_number_check(label: str) -> tuple[pa.Check, ...]:
    message = f"{label}应为最多 5 位小数的数字（入库不四舍五入）"
    return (pa.Check.str_matches(_DSR_NUMBER, name=message, error=message),)


_NOT_NULL_DATE = (pa.Check(lambda s: s.notna(), ignore_na=False, name="缺少日期",
                           error="缺少日期"),)


# ---------------------------------------------------------------- 客服绩效 (§4.1)


def _cs_agents(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    day = _file_day(ctx, pattern="自制报表-报表查看-客服绩效_<yyyyMMdd>_<yyyyMMdd>_全部.xlsx",
                    what="客服绩效")
    nick = frame["agent_nick"].astype("string")
    parts = nick.str.replace("：", ":", regex=False).str.split(":", n=1, regex=False)
    main = parts.str[0].astype("string").str.strip()
    sub = parts.str[1].astype("string").str.strip()
    return frame.assign(stat_date=day, main_account=main.mask(main == ""),
                        sub_account=sub.mask(sub == ""))


BENCHMARK_COLUMNS = (
    "stat_date", "row_label", "inquiry_users", "inquiry_paid_users", "inquiry_cvr",
    "first_resp_sec", "avg_resp_sec", "reply_rate", "satisfaction_rate", "sales_amount",
    "_source_row",
)


def _benchmarks(rows: pd.DataFrame) -> pd.DataFrame:
    kept = rows.loc[lambda d: d["stat_date"].notna()]
    return kept[[c for c in BENCHMARK_COLUMNS if c in kept]].drop_duplicates(
        subset=["stat_date", "row_label"], keep="last")


def _cs_agents_summaries(rows: pd.DataFrame, ctx: FileContext) -> dict[str, pd.DataFrame]:
    return {"cs_benchmarks": _benchmarks(rows)}


CS_AGENTS = KindSpec(
    name="cs_agents",
    table="cs_agents",
    label="千牛 客服绩效（按客服）",
    fields={
        "agent_nick": Field("text", ("旺旺昵称", "客服昵称")),
        "agent_group": Field("text", ("旺旺分组", "客服分组")),
        "consult_users": Field("int", ("咨询人数",)),
        "served_users": Field("int", ("接待人数",)),
        "valid_served_users": Field("int", ("有效接待人数",)),
        "inquiry_users": Field("int", ("询单人数",)),
        "inquiry_paid_users": Field("int", ("询单最终付款人数",)),
        "inquiry_cvr": Field("ratio", ("询单最终付款转化率", "询单转化率")),
        "inquiry_paid_amount": Field("money", ("询单最终付款金额",)),
        "sales_users": Field("int", ("销售人数",)),
        "sales_amount": Field("money", ("销售额",)),
        "net_sales": Field("money", ("净销售额",)),
        "first_resp_sec": Field("float", ("首次响应时长（秒)", "首次响应时长（秒）",
                                          "首次响应时长")),
        "avg_resp_sec": Field("float", ("平均响应时长（秒)", "平均响应时长（秒）",
                                        "平均响应时长")),
        "reply_rate": Field("ratio", ("旺旺回复率", "回复率")),
        "satisfaction_rate": Field("ratio", ("客户满意率", "满意率")),
        "refund_amount": Field("money", ("成功退款金额",)),
    },
    required=("agent_nick", "inquiry_users"),
    # 旺旺昵称 with any performance metric; 咨询/接待 counts alone are not enough
    alternatives=tuple(("agent_nick", m) for m in (
        "inquiry_paid_users", "inquiry_cvr", "inquiry_paid_amount", "sales_amount",
        "first_resp_sec", "avg_resp_sec", "reply_rate", "satisfaction_rate")),
    row_key=("agent_nick",),
    post=_cs_agents,
    summaries=_cs_agents_summaries,
    ignored=("当日询单人数", "询单流失人数", "客单价", "淘宝答问比"),
)


# ---------------------------------------------------------------- 店铺 询单 (§4.2)

_SHOP_LABEL = "店铺"
_SHOP_DAY = "_shop_day"  # key in the file's own options: the day of the shop row


def _cs_shop_inquiry(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    days = frame["stat_date"].dropna().unique()
    # The summary hook only sees the summary rows, whose 日期 cell holds their label: it
    # reads the shop row's day from this file's own copy of the options.
    if len(days) == 1:
        ctx.options[_SHOP_DAY] = pd.Timestamp(days[0]).isoformat()
    return frame.assign(row_label=_SHOP_LABEL)


def _cs_shop_summaries(rows: pd.DataFrame, ctx: FileContext) -> dict[str, pd.DataFrame]:
    day = ctx.options.get(_SHOP_DAY)
    if day is None:
        logger.warning("%s: %d summary rows of a multi-day 询单 file are period figures; "
                       "not stored", ctx.name, len(rows))
        return {}
    labelled = rows.assign(stat_date=pd.Timestamp(day),
                           row_label=_SHOP_LABEL + "/" + rows["row_label"].astype(str))
    return {"cs_benchmarks": _benchmarks(labelled)}


CS_SHOP_INQUIRY = KindSpec(
    name="cs_shop_inquiry",
    table="cs_benchmarks",
    label="千牛 询单转化（店铺）",
    fields={
        "stat_date": Field("date", ("日期", "统计日期")),
        "inquiry_users": Field("int", ("询单人数",)),
        "inquiry_paid_users": Field("int", ("最终付款人数", "询单最终付款人数")),
        "inquiry_cvr": Field("ratio", ("询单最终付款转化率", "询单转化率")),
        "sales_amount": Field("money", ("最终付款金额", "询单最终付款金额")),
    },
    required=("stat_date", "inquiry_users", "inquiry_paid_users"),
    row_key=("stat_date",),
    forbidden=("旺旺昵称", "客服昵称"),  # per-agent file
    post=_cs_shop_inquiry,
    summaries=_cs_shop_summaries,
    # same-day figures have no column in cs_benchmarks yet
    ignored=("当日询单人数", "当日付款人数", "当日付款金额", "询单当日付款转化率"),
)


# ---------------------------------------------------------------- 退款 (§5)

_PARTIAL = {"部分退款": True, "全部退款": False}


def _refunds(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    if "refund_id" not in frame:
        raise MissingColumnsError(
            f"{ctx.name}：退款文件缺少「退款编号」列，无法区分每一笔退款，本文件未导入；"
            "请在导出时勾选退款编号后重新导出"
        )
    if "is_partial" in frame:
        text = frame["is_partial"].astype("string").str.strip()
        frame = frame.assign(is_partial=text.map(_PARTIAL).astype("boolean"))
    return frame


REFUNDS = KindSpec(
    name="refunds",
    table="refunds",
    label="退款管理 / 退款单",
    fields={
        "refund_id": Field("id", ("退款编号",)),
        "order_id": Field("id", ("订单编号",)),
        "alipay_trade_no": Field("id", ("支付宝交易号",)),
        "item_id": Field("id", ("商品id", "商品ID", "宝贝id", "宝贝ID")),
        "sku_code": Field("id", ("商品编码",)),
        "title": Field("text", ("宝贝标题", "商品标题")),
        "paid_amount": Field("money", ("买家实际支付金额", "买家实付金额")),
        "refund_amount": Field("money", ("买家退款金额", "退款总额", "退给买家金额")),
        "refund_to_platform": Field("money", ("退给平台金额",)),
        "status": Field("text", ("退款状态",)),
        "after_sale_type": Field("text", ("售后类型",)),
        "goods_status": Field("text", ("货物状态",)),
        "need_return": Field("bool", ("是否需要退货",)),
        "reason": Field("text", ("买家退款原因", "退款原因")),
        "reason_text": Field("text", ("买家退款说明", "退款说明")),
        "paid_at": Field("datetime", ("订单付款时间",)),
        "applied_at": Field("datetime", ("退款申请时间", "退款的申请时间")),
        "finished_at": Field("datetime", ("退款完结时间",)),
        "return_tracking_no": Field("id", ("退货物流单号", "退货运单号")),
        "cs_intervention": Field("text", ("客服介入状态",)),
        "is_partial": Field("text", ("部分退款/全部退款", "部分退款_全部退款")),  # -> bool
    },
    required=("order_id", "refund_amount", "status"),
    alternatives=(("refund_id", "order_id"),),
    row_key=("refund_id",),
    post=_refunds,
    ignored=(
        "卖家真实姓名", "买家会员名称",  # personal data (§11): never stored
        "手工退款/系统退款", "手工退款_系统退款", "发货物流信息", "退货物流公司",
    ),
)


# ---------------------------------------------------------------- 评价 (§6.2, unconfirmed)

_HAS_IMAGE = {"是": True, "否": False, "有": True, "无": False, "有图": True, "无图": False,
              "y": True, "n": False, "1": True, "0": False, "true": True, "false": False}


def _mask_nick(nick: str) -> str:
    """Mask a buyer nick as reports show it (§11): ``tb_buyer1`` -> ``t**1``."""
    if "*" in nick:
        return nick
    return nick[0] + "**" + (nick[-1] if len(nick) > 2 else "")


def _synthetic_review_ids(frame: pd.DataFrame) -> pd.Series:
    na = pd.Series(pd.NA, index=frame.index, dtype="string")
    sub = frame.get("sub_order_id", na).astype("string")
    order = frame.get("order_id", na).astype("string")
    item = frame.get("item_id", na).astype("string")
    order_key = order + ("/" + item).fillna("")
    key = sub.fillna(order_key)
    times = frame.get("review_time", pd.Series(pd.NaT, index=frame.index))
    stamp = times.dt.strftime("%Y%m%d%H%M%S").astype("string")
    return (key + "@" + stamp).astype("string")


def _reviews(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    derived: dict[str, pd.Series] = {}
    if "review_id" not in frame:
        if "sub_order_id" not in frame and "order_id" not in frame:
            raise MissingColumnsError(
                f"{ctx.name}：评价文件既没有「评价ID」列，也没有「子订单编号」或「订单编号」列，"
                "无法区分每一条评价，本文件未导入；请在导出时勾选订单编号后重新导出"
            )
        derived["review_id"] = _synthetic_review_ids(frame)
    if "has_image" in frame:
        flag = frame["has_image"].astype("string").str.strip().str.lower()
        derived["has_image"] = flag.map(_HAS_IMAGE).astype("boolean")
    if "buyer_nick_masked" in frame:
        derived["buyer_nick_masked"] = frame["buyer_nick_masked"].map(
            _mask_nick, na_action="ignore").astype("string")
    return frame.assign(**derived)


REVIEWS = KindSpec(
    name="reviews",
    table="reviews",
    label="评价导出",
    fields={
        "review_id": Field("id", ("评价ID", "评价编号")),
        "review_time": Field("datetime", ("评价时间", "初评时间")),
        "order_id": Field("id", ("订单编号", "主订单编号", "订单号")),
        "sub_order_id": Field("id", ("子订单编号", "子订单号")),
        "item_id": Field("id", ("宝贝ID", "商品ID", "宝贝id", "商品id")),
        "sku_text": Field("text", ("SKU", "SKU信息", "商品SKU", "宝贝SKU", "商品属性")),
        "buyer_nick_masked": Field("text", ("买家昵称", "评价人")),
        "rating": Field("text", ("评价结果", "星级", "评价星级", "评分")),
        "content": Field("text", ("评价内容", "初评内容")),
        "has_image": Field("text", ("是否有图", "是否晒图", "有图")),  # -> bool
        "append_content": Field("text", ("追评内容", "追加评论", "追加评论内容")),
        "append_time": Field("datetime", ("追评时间", "追加评论时间")),
        "seller_reply": Field("text", ("商家回复", "卖家回复", "回复内容", "解释内容")),
    },
    required=("review_time", "content"),
    row_key=("review_id",),
    row_required=("review_id", "review_time"),
    post=_reviews,
    ignored=("宝贝标题", "商品标题"),
)


# ---------------------------------------------------------------- DSR (§6.1)

_DSR_FILE = "店铺DSR数据_<yyyy-MM-dd>.xlsx"


def _dsr_metric(label: pd.Series) -> pd.Series:
    """Map indicator labels to 描述相符 / 服务态度 / 物流服务; keep any other label as is."""
    s = label.astype("string").str.strip()
    return (s.mask(s.str.contains("物流", regex=False).fillna(False), "物流服务")
            .mask(s.str.contains("描述", regex=False).fillna(False), "描述相符")
            .mask(s.str.contains("服务态度", regex=False).fillna(False), "服务态度"))


def _until_blank_row(rows: pd.DataFrame) -> int:
    """Return how many rows the block has: up to the first row whose cells are all empty."""
    for i, cells in enumerate(rows.itertuples(index=False)):
        if not any(str(v).strip() for v in cells):
            return i
    return len(rows)


def _dsr(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    day = _file_day(ctx, pattern=_DSR_FILE, what="店铺DSR")
    numbers = {c: _leading_number(frame[c]) for c in ("score", "industry_avg", "target")
               if c in frame}
    return frame.assign(snapshot_date=day, metric=_dsr_metric(frame["metric"]),
                        window="180d", **numbers)


DSR = KindSpec(
    name="dsr",
    table="dsr",
    label="店铺DSR（近180天）",
    fields={
        "metric": Field("text", ("指标", "指标名称")),
        "score": Field("text", ("得分", "评分")),  # leading number, exact digits
        "industry_avg": Field("text", ("行业均值",)),
        "vs_industry_text": Field("text", ("与行业对比",)),
        "target": Field("text", ("目标值",)),
        "gap_text": Field("text", ("距目标值差距", "距目标值相差（笔5分评价订单）",
                                   "距目标值相差")),
    },
    required=("metric", "score"),
    row_key=("metric",),
    post=_dsr,
    block_rows=_until_blank_row,  # the daily block follows below a blank row
    checks={"score": _dsr_number_check("得分"), "industry_avg": _dsr_number_check("行业均值"),
            "target": _dsr_number_check("目标值")},
    ignored=("趋势", "趋势提示"),
)

_DAILY_SCORES = (
    ("desc_score", "描述相符"), ("service_score", "服务态度"), ("logistics_score", "物流服务"))


def _dsr_daily(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    # One row per (date, metric). The long rows keep the index of the row they come from,
    # so the build step still maps refusals and _source_row back to the file's rows.
    parts = [
        pd.DataFrame({"snapshot_date": frame["snapshot_date"], "metric": metric,
                      "score": _leading_number(frame[column])}, index=frame.index)
        for column, metric in _DAILY_SCORES if column in frame
    ]
    long = pd.concat(parts).sort_index(kind="stable")
    return long.loc[long["score"].notna()].assign(window="daily")


DSR_DAILY = KindSpec(
    name="dsr_daily",
    table="dsr",
    label="店铺DSR（每日）",
    fields={
        "snapshot_date": Field("date", ("日期", "统计日期")),
        "desc_score": Field("text", ("描述得分（较上日）", "描述得分", "描述相符得分")),
        "logistics_score": Field("text", ("物流得分（较上日）", "物流得分", "物流服务得分",
                                          "物流质量得分")),
        "service_score": Field("text", ("服务得分（较上日）", "服务得分", "服务态度得分")),
        "score": Field("text", ()),  # filled by the melt in post; declared for its check
    },
    required=("snapshot_date", "desc_score"),
    alternatives=(("snapshot_date", "service_score"), ("snapshot_date", "logistics_score")),
    row_key=("snapshot_date", "metric"),
    # the melted frame repeats index labels: only a column post always fills may be checked
    # here; a missing date is refused by the schema check instead
    row_required=("window",),
    post=_dsr_daily,
    checks={"snapshot_date": _NOT_NULL_DATE, "score": _dsr_number_check("得分")},
)


KINDS = (CS_AGENTS, CS_SHOP_INQUIRY, REFUNDS, REVIEWS, DSR, DSR_DAILY)
