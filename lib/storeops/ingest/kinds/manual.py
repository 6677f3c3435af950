"""Sheets kept by hand: promotions (大促日历) and targets (目标) (DATA_CONTRACT.md §9.7, §9.14).

The operator writes these in Excel or as CSV, so the readers accept the usual spellings
(``预热时间`` as a range, ``2026-11`` for a month, ``100万`` or ``3.5%`` as a target value,
Chinese or canonical names for period types and metrics). A row that cannot be read as
meant is refused with its reason rather than guessed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import pandas as pd

from storeops.ingest import clean
from storeops.ingest.aliases import Field, FileContext, KindSpec

# The first alias of a key column is the label in a refused row's reason (``缺少<label>``),
# so it says what a valid value looks like.
_END_LABEL = "结束日期(不能早于开始日期)"
_PERIOD_LABEL = "周期类型(日/月/年/大促)"
_METRIC_LABEL = "指标(支付金额/访客数/转化率/客单价/推广费比/退款率)"
_START_LABEL = "周期开始(日期或 2026-11 这样的月份)"
_VALUE_LABEL = "目标值(数字；比率写 3.5% 或 0.035)"


def _first_day(values: pd.Series) -> pd.Series:
    """Parse the first date of a cell that may hold a range (``2026-10-20~2026-10-31``)."""
    s = clean.text(values).str.split(r"\s*(?:~|至|—|--)\s*", n=1, regex=True).str[0]
    parsed, _ = clean.parse_date(s)
    return parsed


def _promotions(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    derived: dict[str, pd.Series] = {}
    if "preheat_start" in frame:
        derived["preheat_start"] = _first_day(frame["preheat_start"])
    if {"start_date", "end_date"} <= set(frame):
        inverted = (frame["end_date"] < frame["start_date"]).fillna(False).astype(bool)
        derived["end_date"] = frame["end_date"].mask(inverted)
    return frame.assign(**derived)


PROMOTIONS = KindSpec(
    name="promotions",
    table="promotions",
    label="大促日历（手工表）",
    fields={
        "name": Field("text", ("活动名称", "名称", "大促名称", "活动")),
        "kind": Field("text", ("活动类型", "类型", "大促类型")),
        "preheat_start": Field("text", ("预热开始", "预热开始日期", "预热时间", "预热")),
        "start_date": Field("date", ("正式开始", "开始日期", "开始", "开始时间", "正式开始日期")),
        "end_date": Field("date", (_END_LABEL, "结束日期", "结束", "结束时间", "正式结束")),
    },
    required=("name", "start_date", "end_date"),
    row_key=("name",),
    row_required=("name", "start_date", "end_date"),
    forbidden=("指标", "目标值", "订单编号", "计划名字"),
    ignored=("备注", "说明"),
    post=_promotions,
)


PERIOD_TYPES = {
    "日": "day", "天": "day", "每日": "day", "日目标": "day", "day": "day",
    "月": "month", "月度": "month", "每月": "month", "月目标": "month", "month": "month",
    "年": "year", "年度": "year", "year": "year",
    "大促": "promo", "活动": "promo", "promo": "promo",
}

METRICS = {
    "支付金额": "pay_amount", "销售额": "pay_amount", "gmv": "pay_amount",
    "访客数": "visitors", "转化率": "pay_cvr", "支付转化率": "pay_cvr",
    "客单价": "aov", "推广费比": "ad_cost_ratio", "退款率": "refund_rate",
    "支付订单数": "paid_orders", "订单数": "paid_orders", "推广花费": "ad_cost",
    "推广费": "ad_cost", "推广费用": "ad_cost",
    **{m: m for m in ("pay_amount", "visitors", "pay_cvr", "aov", "ad_cost_ratio",
                      "refund_rate", "paid_orders", "ad_cost")},
}
RATIO_METRICS = frozenset({"pay_cvr", "ad_cost_ratio", "refund_rate"})

_MONTH = re.compile(r"^(20\d\d)\s*[-/.年]\s*(\d{1,2})\s*月?$")
_YEAR = re.compile(r"^(20\d\d)\s*年?$")


def _period_start(values: pd.Series) -> pd.Series:
    """``2026-11`` / ``2026年11月`` -> 2026-11-01; ``2026`` -> 2026-01-01; dates as dates."""
    s = clean.text(values)
    month = s.str.extract(_MONTH)
    year = s.str.extract(_YEAR)[0]
    as_text = (month[0] + "-" + month[1].str.zfill(2) + "-01").fillna(year + "-01-01")
    parsed, _ = clean.parse_date(as_text.fillna(s))
    return parsed


def _decimal_text(value: object, ratio: bool) -> object:
    """Exact decimal text of a target; percent → fraction; None when unreadable."""
    if value is None or pd.isna(value):
        return pd.NA
    raw = re.sub(r"[¥￥,，元\s]", "", str(value))
    scale = Decimal(1)
    if raw.endswith("%"):
        raw, scale = raw[:-1], Decimal("0.01")
    elif raw.endswith("万"):
        raw, scale = raw[:-1], Decimal(10_000)
    elif raw.endswith("亿"):
        raw, scale = raw[:-1], Decimal(100_000_000)
    try:
        number = Decimal(raw) * scale
    except InvalidOperation:
        return pd.NA
    if not number.is_finite() or (ratio and not Decimal(0) <= number <= 1):
        return pd.NA  # a ratio target above 1 was written as percent without the sign
    return str(number.quantize(Decimal("0.0001")))


def _targets(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    derived: dict[str, pd.Series] = {}
    if "period_type" in frame:
        key = frame["period_type"].astype("string").str.strip().str.lower()
        derived["period_type"] = key.map(PERIOD_TYPES).astype("string")
    if "metric" in frame:
        key = frame["metric"].astype("string").str.strip()
        derived["metric"] = key.map(lambda m: METRICS.get(m, METRICS.get(m.lower())),
                                    na_action="ignore").astype("string")
    if "period_start" in frame:
        derived["period_start"] = _period_start(frame["period_start"])
    if "target_value" in frame:
        metric = derived.get("metric", pd.Series(pd.NA, index=frame.index, dtype="string"))
        derived["target_value"] = pd.Series(
            [_decimal_text(v, m in RATIO_METRICS if isinstance(m, str) else False)
             for v, m in zip(frame["target_value"], metric, strict=True)],
            index=frame.index, dtype="string")
    return frame.assign(**derived)


TARGETS = KindSpec(
    name="targets",
    table="targets",
    label="目标（手工表）",
    fields={
        "period_type": Field("text", (_PERIOD_LABEL, "周期类型", "周期", "目标类型")),
        "period_start": Field("text", (_START_LABEL, "周期开始", "日期", "月份", "开始日期")),
        "metric": Field("text", (_METRIC_LABEL, "指标", "指标名称", "目标指标")),
        "target_value": Field("text", (_VALUE_LABEL, "目标值", "目标")),
        "promo_name": Field("text", ("活动", "大促名称", "活动名称")),
        "owner": Field("text", ("负责人",)),
    },
    required=("metric", "target_value", "period_type"),
    row_key=("period_type", "period_start", "metric"),
    row_required=("period_type", "period_start", "metric", "target_value"),
    forbidden=("订单编号", "计划名字", "商品ID"),
    ignored=("备注", "说明"),
    post=_targets,
)


KINDS: tuple[KindSpec, ...] = (PROMOTIONS, TARGETS)
