"""The daily review's operations sections: 客服, 售后与评价 (refunds, reviews, DSR), 库存与发货.

Each ``*_day`` function reads one source for the report day and returns a small frozen
result, or None when that source has no data for the day; :data:`SOURCES` names the export
that fills it. Rules (DATA_CONTRACT.md): per-agent 客服 counts are not additive, so shop
totals come from the 全店汇总值 row (§4.3); only 退款成功 moves money and 换货/补寄/维修 carry
no amount (§5.3); DSR is a level, never summed or averaged across days (§6.1); stock is a
snapshot, never summed across dates (§7.1); review text is shown only after phone and ID
numbers are redacted (§11).
"""

from __future__ import annotations

import logging
import re
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from storeops import metrics, warehouse

logger = logging.getLogger(__name__)

SOURCES = {
    "service": "客服绩效",
    "refunds": "退款单",
    "reviews": "评价",
    "dsr": "店铺DSR",
    "stock": "聚水潭库存",
    "shipping": "订单报表",
}
"""The export that fills each section, named when the section has no data."""

DSR_LINE = 4.8
"""The DSR score store teams watch: below it a metric is flagged."""

SHIP_WARN_HOURS = 48
SHIP_LATE_HOURS = 72
"""The 72-hour rule: a paid order must ship within 72 h of payment."""

COVER_DAYS = 7
SALES_DAYS = 14
REFUND_BASELINE_DAYS = 30
DSR_TREND_DAYS = 30

SHOP_ROW = "全店汇总值"
SHOP_INQUIRY_ROW = "店铺"
PEER_ROW = "同行同层均值"


def _coverage(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    return {r["source"]: r for r in warehouse.query_rows(con, "ops_coverage")}


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


# ---------------------------------------------------------------- 客服 (§4)


@dataclass(frozen=True, slots=True)
class ShopService:
    """
    Shop-level 客服 figures of one day.

    Attributes
    ----------
    inquiry_users : int or None
        询单人数 (人) of the shop; None without a 全店汇总值 / 店铺 row.
    inquiry_paid_users : int or None
        询单最终付款人数 (人).
    inquiry_cvr : float or None
        询单转化率 = 询单最终付款人数 ÷ 询单人数 (fraction).
    first_resp_sec, avg_resp_sec : float or None
        首次 / 平均响应时长 (秒).
    satisfaction_rate : float or None
        客户满意率 (fraction).
    basis : str
        Where the figures come from, in words (shown under the table).
    peer_cvr, peer_first_resp_sec : float or None
        同行同层均值 of 询单转化率 (fraction) and 首次响应时长 (秒), when exported.
    """

    inquiry_users: int | None
    inquiry_paid_users: int | None
    inquiry_cvr: float | None
    first_resp_sec: float | None
    avg_resp_sec: float | None
    satisfaction_rate: float | None
    basis: str
    peer_cvr: float | None = None
    peer_first_resp_sec: float | None = None


@dataclass(frozen=True, slots=True)
class ServiceDay:
    """
    客服 of one day: shop totals, one row per agent, and the team medians.

    ``agents`` columns: agent, agent_group, served_users, inquiry_users, inquiry_paid_users
    (人), inquiry_cvr (fraction), first_resp_sec, avg_resp_sec (秒), satisfaction_rate
    (fraction), sales_amount (元), low_cvr, slow_first_resp, flagged (bool).
    """

    day: date
    shop: ShopService
    agents: pd.DataFrame
    median_cvr: float | None
    median_first_resp_sec: float | None


def weighted_mean(values: pd.Series, weights: pd.Series) -> float | None:
    """
    Average a ratio over rows weighted by a count (满意率 by 接待人数).

    Parameters
    ----------
    values : Series
        Ratios (fraction) or durations (秒); missing values are left out with their weight.
    weights : Series
        Counts (人).

    Returns
    -------
    float or None
        Σ value × weight ÷ Σ weight; None when no row has both.
    """
    both = pd.DataFrame({"v": values, "w": weights}).astype(float).dropna()
    both = both.loc[lambda d: d["w"] > 0]
    if both.empty:
        return None
    return float((both["v"] * both["w"]).sum() / both["w"].sum())


def mark_agents(agents: pd.DataFrame) -> tuple[pd.DataFrame, float | None, float | None]:
    """
    Compute each agent's 询单转化率 and mark agents worse than the team median.

    Parameters
    ----------
    agents : DataFrame
        One row per agent with inquiry_users, inquiry_paid_users (人), inquiry_cvr (fraction,
        used when the counts are missing) and first_resp_sec (秒).

    Returns
    -------
    tuple
        (frame with ``inquiry_cvr`` recomputed as paid ÷ inquiries, ``low_cvr`` below the
        median 询单转化率, ``slow_first_resp`` above the median 首次响应时长, ``flagged``
        either; median 询单转化率 (fraction) or None; median 首次响应时长 (秒) or None).
        Agents without 询单 have no conversion and are never marked for it.
    """
    paid = agents["inquiry_paid_users"].astype("Float64")
    asked = agents["inquiry_users"].astype("Float64")
    computed = (paid / asked.where(asked > 0)).astype("Float64")
    stated = agents["inquiry_cvr"].astype("Float64").where(asked.isna() | (asked > 0))
    cvr = computed.fillna(stated)
    first = agents["first_resp_sec"].astype("Float64")
    cvr_values = [float(v) for v in cvr.dropna()]
    first_values = [float(v) for v in first.dropna()]
    median_cvr = statistics.median(cvr_values) if cvr_values else None
    median_first = statistics.median(first_values) if first_values else None
    low = (cvr < median_cvr).fillna(False) if median_cvr is not None else cvr.notna() & False
    slow = ((first > median_first).fillna(False) if median_first is not None
            else first.notna() & False)
    marked = agents.assign(
        inquiry_cvr=cvr,
        low_cvr=low.astype(bool),
        slow_first_resp=slow.astype(bool),
    ).assign(flagged=lambda d: d["low_cvr"] | d["slow_first_resp"])
    return marked, median_cvr, median_first


def shop_service(benchmarks: list[dict[str, Any]], agents: pd.DataFrame) -> ShopService:
    """
    Choose the shop's 客服 totals: the 全店汇总值 row, else the 店铺 询单 row.

    Parameters
    ----------
    benchmarks : list of dict
        The day's ``cs_benchmarks`` rows.
    agents : DataFrame
        The day's agents; used only for 满意率 and response times when no shop row has them,
        weighted by 接待人数 (§4.3). 询单人数 is never summed over agents (not additive).

    Returns
    -------
    ShopService
    """
    rows = {r["row_label"]: r for r in benchmarks}
    shop = rows.get(SHOP_ROW) or {}
    inquiry = rows.get(SHOP_INQUIRY_ROW) or {}
    peer = rows.get(PEER_ROW) or {}

    def pick(name: str) -> Any:
        for row in (shop, inquiry):
            if row.get(name) is not None:
                return row[name]
        return None

    asked, paid = pick("inquiry_users"), pick("inquiry_paid_users")
    cvr = metrics.ratio(paid, asked) if paid is not None and asked else _float(
        pick("inquiry_cvr"))
    basis = ("全店汇总值（客服绩效）" if shop else
             "店铺询单（询单转化）" if inquiry else "无全店汇总行：询单人数不可按客服相加")
    served = agents["served_users"] if len(agents) else pd.Series(dtype=float)

    def shop_or_weighted(name: str) -> float | None:
        if shop.get(name) is not None:
            return float(shop[name])
        if not len(agents):
            return None
        return weighted_mean(agents[name], served)

    uses_weighted = not shop and len(agents) > 0
    if uses_weighted:
        basis += "；满意率、响应时长按接待人数加权"
    return ShopService(
        inquiry_users=None if asked is None else int(asked),
        inquiry_paid_users=None if paid is None else int(paid),
        inquiry_cvr=cvr,
        first_resp_sec=shop_or_weighted("first_resp_sec"),
        avg_resp_sec=shop_or_weighted("avg_resp_sec"),
        satisfaction_rate=shop_or_weighted("satisfaction_rate"),
        basis=basis,
        peer_cvr=_float(peer.get("inquiry_cvr")),
        peer_first_resp_sec=_float(peer.get("first_resp_sec")),
    )


def service_day(con: duckdb.DuckDBPyConnection, day: date) -> ServiceDay | None:
    """
    Return the day's 客服 figures: shop totals and agents marked against the team median.

    Returns
    -------
    ServiceDay or None
        None when neither the 客服绩效 nor the 询单 export has the day.
    """
    agents = warehouse.query_df(con, "ops_cs_agents", day=day)
    benchmarks = warehouse.query_rows(con, "cs_shop_days", start=day, end=day)
    if agents.empty and not benchmarks:
        return None
    marked, median_cvr, median_first = mark_agents(agents)
    return ServiceDay(day=day, shop=shop_service(benchmarks, agents), agents=marked,
                      median_cvr=median_cvr, median_first_resp_sec=median_first)


# ---------------------------------------------------------------- 退款 (§5)


@dataclass(frozen=True, slots=True)
class RefundDay:
    """
    Successful refunds completed on the day, and the refund rate against 30 days.

    Attributes
    ----------
    by_reason : DataFrame
        reason, refunds (笔), refund_amount (元, Decimal); 退款成功 by 退款完结时间, 换货 /
        补寄 / 维修 left out. Largest amount first.
    refunds, refund_amount : int, Decimal
        The day's totals (笔, 元).
    goods_only : int
        换货 / 补寄 / 维修 completed that day (笔; no money moved).
    gmv : Decimal or None
        The day's 支付金额 from orders (元, by pay time); None without paid orders.
    rate : float or None
        refund_amount ÷ gmv (fraction): the cash view, refunds by completion day over
        the GMV paid that day.
    baseline_rate : float or None
        Σ refunds ÷ Σ GMV over the ``baseline_days`` days before the day (sum-then-divide);
        days without paid orders are left out of both sums.
    baseline_days : int
        Days with paid orders inside the baseline window.
    window_days : int
        Length of the baseline window (30 days before the report day).
    last_day : date
        Last day the 退款单 export reaches; before ``day`` means the day is not covered.
    """

    day: date
    by_reason: pd.DataFrame
    refunds: int
    refund_amount: Decimal
    goods_only: int
    gmv: Decimal | None
    rate: float | None
    baseline_rate: float | None
    baseline_days: int
    window_days: int
    last_day: date

    @property
    def covers_day(self) -> bool:
        """True when the 退款单 export reaches the report day."""
        return self.last_day >= self.day


def refund_rates(daily: list[dict[str, Any]], day: date) -> tuple[float | None, float | None,
                                                                   int]:
    """
    Compute the day's refund rate and the baseline rate before it, sum-then-divide.

    Parameters
    ----------
    daily : list of dict
        Rows ``day``, ``refund_amount`` (元), ``gmv`` (元, None when no paid orders).
    day : date
        The report day; every other row is the baseline.

    Returns
    -------
    tuple
        (day rate or None, baseline rate or None, baseline days with GMV). A daily rate is
        never averaged: the baseline is Σ refund ÷ Σ GMV over days that have GMV.
    """
    today = next((r for r in daily if r["day"] == day), None)
    rate = None if today is None else metrics.ratio(today["refund_amount"], today["gmv"])
    base = [r for r in daily if r["day"] != day and r["gmv"] is not None]
    refunded = sum((Decimal(r["refund_amount"]) for r in base), Decimal(0))
    gmv = sum((Decimal(r["gmv"]) for r in base), Decimal(0))
    return rate, (metrics.ratio(refunded, gmv) if base else None), len(base)


def refund_day(con: duckdb.DuckDBPyConnection, day: date, *,
               baseline_days: int = REFUND_BASELINE_DAYS) -> RefundDay | None:
    """
    Return the day's successful refunds by reason and the refund rate vs the prior 30 days.

    Parameters
    ----------
    baseline_days : int
        Days before ``day`` that form the baseline rate.

    Returns
    -------
    RefundDay or None
        None when the 退款单 export has no refund on or before the day.
    """
    cover = _coverage(con)["refunds"]
    if cover["first_day"] is None or cover["first_day"] > day:
        return None
    reasons = warehouse.query_rows(con, "ops_refunds_by_reason", day=day)
    money = [r for r in reasons if not r["is_goods_only"]]
    by_reason = pd.DataFrame(
        [{"reason": r["reason"], "refunds": r["refunds"], "refund_amount": r["refund_amount"]}
         for r in money], columns=["reason", "refunds", "refund_amount"])
    daily = warehouse.query_rows(con, "ops_refund_daily",
                                 start=day - timedelta(days=baseline_days), end=day)
    rate, baseline, n = refund_rates(daily, day)
    today = next(r for r in daily if r["day"] == day)
    return RefundDay(
        day=day, by_reason=by_reason,
        refunds=sum(r["refunds"] for r in money),
        refund_amount=sum((r["refund_amount"] for r in money), Decimal(0)),
        goods_only=sum(r["refunds"] for r in reasons if r["is_goods_only"]),
        gmv=today["gmv"], rate=rate, baseline_rate=baseline, baseline_days=n,
        window_days=baseline_days, last_day=cover["last_day"],
    )


# ---------------------------------------------------------------- 评价 (§6.2, §11)

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
ID_REMOVED = "[证件号已删除]"


def redact_contacts(text: str | None) -> str | None:
    """
    Redact contact data in free text before it is shown (§11).

    Parameters
    ----------
    text : str or None
        Review text, 买家留言 or 退款说明 as exported.

    Returns
    -------
    str or None
        18-digit ID numbers replaced by ``[证件号已删除]``; 11-digit mainland mobiles
        (optionally ``+86`` and ``-`` / space separated) masked as ``138****1234``.
        None stays None. The text is not HTML-escaped here (the table does it).
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    without_ids = _ID_NUMBER.sub(ID_REMOVED, str(text))
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", without_ids)


_STARS = re.compile(r"^\s*(\d)(?:\.0+)?\s*(?:星|分|颗星)?\s*$")


def rating_class(rating: str | None) -> str | None:
    """
    Classify a review's rating as 差评, 中评 or 好评.

    Parameters
    ----------
    rating : str or None
        评价结果 (``好评`` / ``中评`` / ``差评``) or a star rating (``1``–``5``, ``3星``,
        ``★★★``) as stored by ``ingest/kinds/service.py`` (text as exported).

    Returns
    -------
    str or None
        ``差评`` for 1–2 stars, ``中评`` for 3, ``好评`` for 4–5; None when unreadable.
    """
    if rating is None or (not isinstance(rating, str) and pd.isna(rating)):
        return None
    text = str(rating).strip()
    for word in ("差评", "中评", "好评"):
        if word in text:
            return word
    stars = text.count("★") if "★" in text else None
    if stars is None:
        m = _STARS.match(text)
        stars = int(m.group(1)) if m else None
    if stars is None or not 1 <= stars <= 5:
        return None
    return "差评" if stars <= 2 else "中评" if stars == 3 else "好评"


@dataclass(frozen=True, slots=True)
class ReviewDay:
    """
    Reviews of the day and its 差评 / 中评 with their text redacted.

    ``bad`` columns: review_time, rating_class (差评 / 中评), title, item_id, sku_text,
    buyer_nick_masked, content, append_content, seller_reply (texts redacted); 差评 first.
    """

    day: date
    total: int
    bad: pd.DataFrame
    last_day: date

    @property
    def covers_day(self) -> bool:
        """True when the 评价 export reaches the report day."""
        return self.last_day >= self.day

    @property
    def negative(self) -> int:
        """差评 of the day (条)."""
        return int((self.bad["rating_class"] == "差评").sum())

    @property
    def neutral(self) -> int:
        """中评 of the day (条)."""
        return int((self.bad["rating_class"] == "中评").sum())


REVIEW_COLUMNS = ["review_time", "rating_class", "title", "item_id", "sku_text",
                  "buyer_nick_masked", "content", "append_content", "seller_reply"]


def bad_reviews(reviews: pd.DataFrame) -> pd.DataFrame:
    """
    Keep the 差评 and 中评 of a set of reviews, texts redacted, 差评 first then by time.

    Parameters
    ----------
    reviews : DataFrame
        Rows of ``ops_reviews_day``.

    Returns
    -------
    DataFrame
        Columns :data:`REVIEW_COLUMNS`.
    """
    classes = reviews["rating"].map(rating_class) if len(reviews) else pd.Series(dtype=object)
    picked = reviews.assign(rating_class=classes).loc[
        lambda d: d["rating_class"].isin(["差评", "中评"])]
    texts = {c: picked[c].map(redact_contacts, na_action="ignore")
             for c in ("content", "append_content", "seller_reply")}
    return (picked.assign(**texts, _order=picked["rating_class"].map({"差评": 0, "中评": 1}))
            .sort_values(["_order", "review_time"], kind="stable")
            .reindex(columns=REVIEW_COLUMNS)
            .reset_index(drop=True))


def review_day(con: duckdb.DuckDBPyConnection, day: date) -> ReviewDay | None:
    """
    Return the day's 差评 and 中评 (text redacted).

    Returns
    -------
    ReviewDay or None
        None when the 评价 export has no review on or before the day.
    """
    cover = _coverage(con)["reviews"]
    if cover["first_day"] is None or cover["first_day"] > day:
        return None
    rows = warehouse.query_df(con, "ops_reviews_day", day=day)
    return ReviewDay(day=day, total=len(rows), bad=bad_reviews(rows),
                     last_day=cover["last_day"])


# ---------------------------------------------------------------- DSR (§6.1)


@dataclass(frozen=True, slots=True)
class DsrDay:
    """
    DSR per metric: the latest score on or before the day and its 30-day trend.

    ``scores`` columns: metric, score (latest, Decimal), as_of (date), first_score
    (the first daily value in the window, Decimal), change (score − first_score), low_score
    (lowest daily value in the window), industry_avg, below_line (bool). ``trend``: the
    daily values (snapshot_date, metric, score) for a chart. Never summed or averaged.
    """

    day: date
    line: float
    scores: pd.DataFrame
    trend: pd.DataFrame

    @property
    def below(self) -> list[str]:
        """Metrics whose latest score is below the line."""
        return list(self.scores.loc[self.scores["below_line"], "metric"])


def dsr_scores(latest: list[dict[str, Any]], daily: pd.DataFrame, *,
               line: float = DSR_LINE) -> pd.DataFrame:
    """
    Combine the latest 180-day scores with the daily block; flag scores below ``line``.

    Parameters
    ----------
    latest : list of dict
        ``ops_dsr_latest`` rows (metric, snapshot_date, score, industry_avg).
    daily : DataFrame
        ``ops_dsr_daily`` rows (snapshot_date, metric, score) of the trend window.
    line : float
        Score flagged below (4.8).

    Returns
    -------
    DataFrame
        One row per metric; the latest score is the newest of the 180-day block and the daily
        block (a level: the last value, never a mean).
    """
    out = []
    names = sorted({r["metric"] for r in latest} | set(daily["metric"]))
    for name in names:
        series = daily.loc[daily["metric"] == name].sort_values("snapshot_date")
        block = next((r for r in latest if r["metric"] == name), None)
        candidates = []
        if block is not None and block["score"] is not None:
            candidates.append((block["snapshot_date"], Decimal(block["score"])))
        if len(series):
            last = series.iloc[-1]
            candidates.append((pd.Timestamp(last["snapshot_date"]).date(),
                               Decimal(str(last["score"]))))
        if not candidates:
            continue
        as_of, score = max(candidates, key=lambda c: c[0])
        first = Decimal(str(series.iloc[0]["score"])) if len(series) else None
        out.append({
            "metric": name,
            "score": score,
            "as_of": as_of,
            "first_score": first,
            "change": None if first is None else score - first,
            "low_score": (min(Decimal(str(v)) for v in series["score"]) if len(series)
                          else None),
            "industry_avg": None if block is None else block["industry_avg"],
            "below_line": score < Decimal(str(line)),
        })
    return pd.DataFrame(out, columns=["metric", "score", "as_of", "first_score", "change",
                                      "low_score", "industry_avg", "below_line"])


def dsr_day(con: duckdb.DuckDBPyConnection, day: date, *, line: float = DSR_LINE,
            trend_days: int = DSR_TREND_DAYS) -> DsrDay | None:
    """
    Return the DSR scores as of the day, their trend over ``trend_days`` days, and the flags.

    Returns
    -------
    DsrDay or None
        None when no 店铺DSR snapshot exists on or before the day.
    """
    latest = warehouse.query_rows(con, "ops_dsr_latest", day=day)
    daily = pd.DataFrame(
        warehouse.query_rows(con, "ops_dsr_daily", start=day - timedelta(days=trend_days - 1),
                             end=day),
        columns=["snapshot_date", "metric", "score"])
    if not latest and daily.empty:
        return None
    return DsrDay(day=day, line=line, scores=dsr_scores(latest, daily, line=line),
                  trend=daily)


# ---------------------------------------------------------------- 库存 (§7)


@dataclass(frozen=True, slots=True)
class StockDay:
    """
    SKUs short of stock at the latest snapshot on or before the day.

    ``alerts`` columns: sku_code, name, spec, available, safety_stock, sold_qty (件 over
    ``sales_days``), daily_sales (件/天), cover_days (天; NaN when nothing sold),
    below_safety, low_cover (bool). Most urgent first (fewest days of cover, then the
    largest shortfall under safety stock).
    """

    day: date
    snapshot_date: date
    skus: int
    alerts: pd.DataFrame
    cover_days: int
    sales_days: int
    has_sales: bool

    @property
    def covers_day(self) -> bool:
        """True when the snapshot is of the report day itself."""
        return self.snapshot_date >= self.day


def stock_alerts(stock: pd.DataFrame, *, cover_days: float = COVER_DAYS,
                 sales_days: int = SALES_DAYS) -> pd.DataFrame:
    """
    Compute days of cover and keep SKUs below safety stock or with too few days of cover.

    Parameters
    ----------
    stock : DataFrame
        sku_code, name, spec, available (件), safety_stock (件), sold_qty (件 sold over
        ``sales_days``).
    cover_days : float
        Days of cover below which a SKU is listed.
    sales_days : int
        Days the sales quantity covers.

    Returns
    -------
    DataFrame
        daily_sales = sold_qty ÷ sales_days (件/天); cover_days = available ÷ daily_sales
        (天, 0 when nothing is available; NaN when nothing sold). Only alerting rows.
    """
    available = stock["available"].astype("Float64")
    daily_sales = stock["sold_qty"].astype("Float64") / sales_days
    cover = (available.clip(lower=0) / daily_sales.where(daily_sales > 0)).astype("Float64")
    safety = stock["safety_stock"].astype("Float64")
    below = (available < safety).fillna(False).astype(bool)
    low = (cover < cover_days).fillna(False).astype(bool)
    return (
        stock.assign(available=available, safety_stock=safety, daily_sales=daily_sales,
                     cover_days=cover, below_safety=below, low_cover=low,
                     _cover=cover.astype(float).fillna(float("inf")),
                     _short=(available - safety).astype(float).fillna(0.0))
        .loc[lambda d: d["below_safety"] | d["low_cover"]]
        .sort_values(["_cover", "_short", "sku_code"], kind="stable")
        .reindex(columns=["sku_code", "name", "spec", "available", "safety_stock", "sold_qty",
                          "daily_sales", "cover_days", "below_safety", "low_cover"])
        .reset_index(drop=True)
    )


def stock_day(con: duckdb.DuckDBPyConnection, day: date, *, cover_days: float = COVER_DAYS,
              sales_days: int = SALES_DAYS) -> StockDay | None:
    """
    Return the SKUs below safety stock or with fewer than ``cover_days`` days of cover.

    Parameters
    ----------
    cover_days : float
        Days of cover at the recent sales rate below which a SKU is listed (7).
    sales_days : int
        Days of paid order lines (ending on ``day``) that set the sales rate (14).

    Returns
    -------
    StockDay or None
        None when there is no stock snapshot on or before the day.
    """
    stock = warehouse.query_df(con, "ops_stock_cover", day=day,
                               sales_start=day - timedelta(days=sales_days - 1))
    if stock.empty:
        return None
    return StockDay(
        day=day, snapshot_date=pd.Timestamp(stock["snapshot_date"].iloc[0]).date(),
        skus=len(stock),
        alerts=stock_alerts(stock, cover_days=cover_days, sales_days=sales_days),
        cover_days=int(cover_days), sales_days=sales_days,
        has_sales=bool(stock["period_lines"].iloc[0] > 0),
    )


# ---------------------------------------------------------------- 发货 (72 h rule)


@dataclass(frozen=True, slots=True)
class ShippingDay:
    """
    Paid orders not shipped at the end of the day (23:59:59), by hours since payment.

    ``orders`` columns: order_id, paid_at, paid_amount (元, Decimal), title_summary,
    age_hours (h), bucket (``48–72h`` / ``>72h``); oldest first. Younger orders are only
    counted (``under_warn``).
    """

    day: date
    warn_hours: int
    late_hours: int
    orders: pd.DataFrame
    under_warn: int
    last_day: date

    @property
    def late(self) -> pd.DataFrame:
        """Orders past the 72-hour rule."""
        return self.orders.loc[self.orders["bucket"] == f">{self.late_hours}h"]

    @property
    def warn(self) -> pd.DataFrame:
        """Orders between 48 and 72 hours."""
        return self.orders.loc[self.orders["bucket"] == f"{self.warn_hours}–{self.late_hours}h"]


def day_end(day: date) -> datetime:
    """Return the last second of ``day`` (23:59:59, naive Asia/Shanghai time)."""
    return datetime.combine(day, time(23, 59, 59))


def ship_bucket(age_sec: float, *, warn_hours: int = SHIP_WARN_HOURS,
                late_hours: int = SHIP_LATE_HOURS) -> str | None:
    """
    Bucket an unshipped order by seconds since payment.

    Returns
    -------
    str or None
        ``>72h`` when strictly past ``late_hours``; ``48–72h`` from ``warn_hours`` up to
        and including ``late_hours``; None when younger.
    """
    if age_sec > late_hours * 3600:
        return f">{late_hours}h"
    if age_sec >= warn_hours * 3600:
        return f"{warn_hours}–{late_hours}h"
    return None


def shipping_day(con: duckdb.DuckDBPyConnection, day: date, *,
                 warn_hours: int = SHIP_WARN_HOURS,
                 late_hours: int = SHIP_LATE_HOURS) -> ShippingDay | None:
    """
    Return the paid orders still unshipped at the end of the day, past 48 h and 72 h.

    An order counts when it was paid by 23:59:59 and either shipped after that moment or is
    still unshipped in status 'paid' (买家已付款,等待卖家发货); closed orders are left out.

    Returns
    -------
    ShippingDay or None
        None when the 订单报表 has no order on or before the day.
    """
    cover = _coverage(con)["orders"]
    if cover["first_day"] is None or cover["first_day"] > day:
        return None
    rows = warehouse.query_rows(con, "ops_unshipped", day_end=day_end(day))
    buckets = [ship_bucket(r["age_sec"], warn_hours=warn_hours, late_hours=late_hours)
               for r in rows]
    kept = [dict(r, bucket=b, age_hours=r["age_sec"] / 3600)
            for r, b in zip(rows, buckets, strict=True) if b is not None]
    frame = pd.DataFrame(kept, columns=["order_id", "paid_at", "paid_amount", "title_summary",
                                        "age_hours", "bucket"])
    return ShippingDay(day=day, warn_hours=warn_hours, late_hours=late_hours, orders=frame,
                       under_warn=buckets.count(None), last_day=cover["last_day"])


# ---------------------------------------------------------------- all sections


@dataclass(frozen=True, slots=True)
class OperationsDay:
    """The three operations sections of one day; a None part has no data (see SOURCES)."""

    day: date
    service: ServiceDay | None
    refunds: RefundDay | None
    reviews: ReviewDay | None
    dsr: DsrDay | None
    stock: StockDay | None
    shipping: ShippingDay | None


def operations_day(con: duckdb.DuckDBPyConnection, day: date, *, dsr_line: float = DSR_LINE,
                   cover_days: float = COVER_DAYS, sales_days: int = SALES_DAYS,
                   warn_hours: int = SHIP_WARN_HOURS, late_hours: int = SHIP_LATE_HOURS,
                   refund_baseline_days: int = REFUND_BASELINE_DAYS) -> OperationsDay:
    """Return every operations section of ``day`` (one call for the notebook)."""
    return OperationsDay(
        day=day,
        service=service_day(con, day),
        refunds=refund_day(con, day, baseline_days=refund_baseline_days),
        reviews=review_day(con, day),
        dsr=dsr_day(con, day, line=dsr_line),
        stock=stock_day(con, day, cover_days=cover_days, sales_days=sales_days),
        shipping=shipping_day(con, day, warn_hours=warn_hours, late_hours=late_hours),
    )


def _json_money(x: Decimal | None) -> float | None:
    return None if x is None else float(metrics.round_money(x))


def figures(ops: OperationsDay) -> dict[str, Any]:
    """
    Return the operations headline figures for ``daily_review.metrics.json``.

    Keys (None when the section has no data): ``cs_inquiry_cvr`` (fraction),
    ``cs_first_resp_sec`` (秒), ``cs_satisfaction`` (fraction), ``cs_agents_flagged`` (人),
    ``refund_amount_completed`` (元), ``refund_rate_completed`` and
    ``refund_rate_30d`` (fraction), ``bad_reviews`` / ``medium_reviews`` (条), ``dsr``
    {metric: score}, ``dsr_below_line`` (list), ``stock_alerts`` (SKUs),
    ``unshipped_48_72h`` / ``unshipped_over_72h`` (单).
    """
    s, r, v, d, k, p = (ops.service, ops.refunds, ops.reviews, ops.dsr, ops.stock,
                        ops.shipping)
    return {
        "cs_inquiry_cvr": s and s.shop.inquiry_cvr,
        "cs_first_resp_sec": s and s.shop.first_resp_sec,
        "cs_satisfaction": s and s.shop.satisfaction_rate,
        "cs_agents_flagged": None if s is None else int(s.agents["flagged"].sum()),
        "refund_amount_completed": None if r is None else _json_money(r.refund_amount),
        "refund_rate_completed": r and r.rate,
        "refund_rate_30d": r and r.baseline_rate,
        "bad_reviews": None if v is None else v.negative,
        "medium_reviews": None if v is None else v.neutral,
        "dsr": None if d is None else {m: float(x) for m, x in
                                       zip(d.scores["metric"], d.scores["score"], strict=True)},
        "dsr_below_line": None if d is None else d.below,
        "stock_alerts": None if k is None else len(k.alerts),
        "unshipped_48_72h": None if p is None else len(p.warn),
        "unshipped_over_72h": None if p is None else len(p.late),
    }
