"""周报 / 月报: the seeds' weekly plan table filled from the warehouse, trends and items.

The period is the week (Monday–Sunday) or the calendar month containing the report day.
When the report day falls inside the period, figures run to the report day (``through``)
and every comparison uses the same number of days: the previous period's first days, and
the same days last year (52 weeks back for a week, the same month for a month).

Rules (DESIGN.md, DATA_CONTRACT.md §10):

* one row per day of the period plus a total row; headline figures come from
  :func:`storeops.metrics.compute` (by day and in total), so the total row equals the period
  metrics; ratios are sum-then-divide;
* 访客数 of a period is the sum of daily 访客数 (Σ日访客: a visitor who comes on two days
  counts twice); conversion = period buyers (distinct) ÷ Σ日访客;
* a figure whose export is missing is None (shown as —), never 0;
* ad spend is summed within one report level per channel and one attribution window
  (:mod:`storeops.analysis.ads`); ad sales overlap across channels, so ROI is given only when
  one channel reports sales;
* 询单 counts come from the shop rows of 客服绩效 (:func:`storeops.analysis.operations.
  shop_service`), never summed over agents; 询单率 = 询单人数 ÷ 访客数;
* targets come from the targets table (day rows, else the month row spread evenly over its
  days), else ``monthly_target`` in stores.toml spread the same way.
"""

from __future__ import annotations

import calendar as _calendar
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from storeops import metrics, warehouse
from storeops.analysis import ads, daily, merch, operations
from storeops.analysis.decompose import FactorSplit, factor_split
from storeops.metrics import period_days

logger = logging.getLogger(__name__)

KINDS = ("week", "month")
KIND_LABELS = {"week": "周", "month": "月"}
TREND_COUNT = {"week": 8, "month": 12}
"""Periods in the trend lines: 8 weeks or 12 months, the current one last."""

GMV_TARGET_METRICS = ("pay_amount", "gmv")
"""targets.metric names of the sales target."""

CHANNEL_COLUMNS = {
    "直通车": "cost_ztc",
    "关键词推广": "cost_ztc",
    "钻展": "cost_zz",
    "引力魔方": "cost_zz",
    "人群推广": "cost_zz",
    "聚划算": "cost_jhs",
    "淘宝客": "cost_taoke",
}
"""ad_reports channel -> plan-table spend column. 关键词推广 is the 万相台 successor of 直通车,
引力魔方 / 人群推广 of 钻展; any other channel (万相台 货品/全站推广 …) goes to ``cost_other``."""

COST_COLUMNS = ("cost_zz", "cost_ztc", "cost_jhs", "cost_taoke", "cost_other")

PLAN_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("day", "日期", "text"),
    ("weekday", "星期", "text"),
    ("target", "目标销售额", "money"),
    ("gmv", "日销售额", "money"),
    ("completion", "完成率", "pct"),
    ("active_rate", "全店动销率", "pct"),
    ("paid_orders", "日销笔数", "int"),
    ("aov", "客单价", "money"),
    ("uv", "当日UV", "int"),
    ("conversion_rate", "转化率", "pct"),
    ("uv_needed", "本月所需UV", "int"),
    ("uv_gap", "UV缺口", "int"),
    ("cost_zz", "钻展", "money"),
    ("cost_ztc", "直通车", "money"),
    ("cost_jhs", "聚划算", "money"),
    ("cost_taoke", "淘宝客", "money"),
    ("cost_other", "其他推广", "money"),
    ("ad_cost", "推广费", "money"),
    ("ad_cost_ratio", "费用占比", "pct"),
    ("inquiry_rate", "询单率", "pct"),
    ("inquiry_cvr", "询单转化率", "pct"),
    ("roi", "ROI", "number"),
    ("refund_orders", "退款笔数", "int"),
    ("refund_rate", "退款率", "pct"),
)
"""The plan table's columns: key, Chinese label (the seeds' names), kind of value."""

TARGET_SOURCES = {"day": "目标表（日目标）", "month": "目标表（月目标按天均分）",
                  "config": "stores.toml 月目标按天均分"}

TOTAL_LABEL = "合计"
UV_TOTAL_LABEL = "Σ日访客"
WEEKDAYS = "一二三四五六日"


# ---------------------------------------------------------------- periods


@dataclass(frozen=True, slots=True)
class Period:
    """
    A week (Monday–Sunday) or a calendar month, with the last day figures run to.

    ``through`` is the report day when it falls inside the period (the period is not over),
    else ``end``.
    """

    kind: str
    start: date
    end: date
    through: date

    @property
    def days(self) -> int:
        """Days of the whole period."""
        return (self.end - self.start).days + 1

    @property
    def elapsed(self) -> int:
        """Days from ``start`` to ``through``."""
        return (self.through - self.start).days + 1

    @property
    def complete(self) -> bool:
        """True when figures run to the period's last day."""
        return self.through >= self.end

    @property
    def label(self) -> str:
        """``2026年第48周`` (ISO week) or ``2026年11月``."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}年第{week}周"
        return f"{self.start.year}年{self.start.month}月"

    @property
    def short_label(self) -> str:
        """Axis label: the week's Monday ``11-23`` or the month ``11月`` (January with year)."""
        if self.kind == "week":
            return self.start.strftime("%m-%d")
        return f"{self.start.year}年1月" if self.start.month == 1 else f"{self.start.month}月"


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"period 应为 'week' 或 'month'，收到 {kind!r}")


def month_end(day: date) -> date:
    """Return the last day of ``day``'s month."""
    return day.replace(day=_calendar.monthrange(day.year, day.month)[1])


def period_of(day: date, kind: str, *, through: date | None = None) -> Period:
    """
    Return the week (Monday–Sunday) or calendar month containing ``day``.

    Parameters
    ----------
    day : date
        Any day of the period (the report day).
    kind : {"week", "month"}
        Period kind.
    through : date or None
        Last day with figures; default ``day``. Capped at the period's end.
    """
    _check_kind(kind)
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=6)
    else:
        start, end = day.replace(day=1), month_end(day)
    last = day if through is None else through
    return Period(kind, start, end, max(start, min(end, last)))


def previous_period(p: Period) -> Period:
    """Return the period before ``p``, run to the same number of days (like for like)."""
    before = period_of(p.start - timedelta(days=1), p.kind)
    through = min(before.end, before.start + timedelta(days=p.elapsed - 1))
    return Period(p.kind, before.start, before.end, through)


def last_year_period(p: Period) -> Period:
    """
    Return the same period last year, run to the same number of days.

    A week is the one 52 weeks earlier (same weekdays); a month is the same month.
    """
    if p.kind == "week":
        start = p.start - timedelta(weeks=52)
        return Period("week", start, start + timedelta(days=6),
                      start + timedelta(days=p.elapsed - 1))
    start = date(p.start.year - 1, p.start.month, 1)
    end = month_end(start)
    return Period("month", start, end, min(end, start + timedelta(days=p.elapsed - 1)))


def next_period(p: Period) -> Period:
    """Return the whole period after ``p``."""
    nxt = period_of(p.end + timedelta(days=1), p.kind)
    return Period(nxt.kind, nxt.start, nxt.end, nxt.end)


def trend_periods(p: Period, count: int | None = None) -> list[Period]:
    """Return the ``count`` periods ending with ``p`` (8 weeks / 12 months), oldest first."""
    n = TREND_COUNT[p.kind] if count is None else count
    out = [p]
    while len(out) < n:
        prev = period_of(out[-1].start - timedelta(days=1), p.kind)
        out.append(prev)
    return out[::-1]


# ---------------------------------------------------------------- targets


@dataclass(frozen=True, slots=True)
class Targets:
    """
    Targets read from the targets table for a date range.

    ``day_rows`` maps (metric, day) to a day target; ``month_rows`` (metric, first day of the
    month) to a month target; ``configured_month`` is stores.toml's ``monthly_target`` (元).
    """

    day_rows: dict[tuple[str, date], Decimal]
    month_rows: dict[tuple[str, date], Decimal]
    configured_month: Decimal | None = None

    def _gmv_basis(self, day: date) -> tuple[str | None, Decimal | None]:
        """Return ("day", day target) or ("month" | "config", the month's target) or Nones."""
        for m in GMV_TARGET_METRICS:
            if (m, day) in self.day_rows:
                return "day", self.day_rows[(m, day)]
        first = day.replace(day=1)
        for m in GMV_TARGET_METRICS:
            if (m, first) in self.month_rows:
                return "month", self.month_rows[(m, first)]
        if self.configured_month is not None:
            return "config", self.configured_month
        return None, None

    def gmv_day(self, day: date) -> tuple[Decimal | None, str | None]:
        """
        Return a day's sales target (元) and where it comes from.

        Day row, else the month row ÷ days of the month, else stores.toml's monthly_target
        ÷ days of the month; (None, None) without any.
        """
        basis, value = self._gmv_basis(day)
        if basis is None or value is None:
            return None, None
        if basis == "day":
            return value, TARGET_SOURCES["day"]
        return value / _calendar.monthrange(day.year, day.month)[1], TARGET_SOURCES[basis]

    def gmv(self, start: date, end: date) -> Decimal | None:
        """
        Σ day sales targets from start to end (元); None when a day has none.

        Days spread from a month target count as month × days ÷ days of the month, so a
        whole month gives its target exactly.
        """
        total = Decimal(0)
        spread: dict[tuple[date, Decimal], int] = {}
        for d in period_days(start, end):
            basis, value = self._gmv_basis(d)
            if basis is None or value is None:
                return None
            if basis == "day":
                total += value
            else:
                key = (d.replace(day=1), value)
                spread[key] = spread.get(key, 0) + 1
        for (first, month_value), n in spread.items():
            total += month_value * n / _calendar.monthrange(first.year, first.month)[1]
        return total

    def additive(self, metric: str, start: date, end: date) -> Decimal | None:
        """Σ day targets of an additive metric (visitors): day rows, else month ÷ days."""
        total = Decimal(0)
        for d in period_days(start, end):
            first = d.replace(day=1)
            if (metric, d) in self.day_rows:
                total += self.day_rows[(metric, d)]
            elif (metric, first) in self.month_rows:
                total += self.month_rows[(metric, first)] / _calendar.monthrange(d.year,
                                                                                 d.month)[1]
            else:
                return None
        return total

    def ratio(self, metric: str, day: date) -> float | None:
        """Return a ratio target (pay_cvr, aov …) of ``day``'s month; None without."""
        value = self.month_rows.get((metric, day.replace(day=1)))
        return None if value is None else float(value)


def read_targets(con: duckdb.DuckDBPyConnection, start: date, end: date, *,
                 configured_target: float | None = None) -> Targets:
    """
    Read the day and month targets covering ``start``..``end``.

    Parameters
    ----------
    configured_target : float or None
        stores.toml ``monthly_target`` (元), used when the targets table has no sales target.
    """
    rows = warehouse.query_rows(con, "period_targets", start=start.replace(day=1), end=end)
    day_rows = {(r["metric"], r["period_start"]): Decimal(r["target_value"])
                for r in rows if r["period_type"] == "day" and r["target_value"] is not None}
    month_rows = {(r["metric"], r["period_start"]): Decimal(r["target_value"])
                  for r in rows if r["period_type"] == "month" and r["target_value"] is not None}
    configured = Decimal(str(configured_target)) if configured_target else None
    return Targets(day_rows, month_rows, configured)


# ---------------------------------------------------------------- ads and 客服 by day


def _money(x: Any) -> Decimal | None:
    return None if x is None else warehouse.to_decimal(x)


def channel_column(channel: str) -> str:
    """Return the plan-table spend column of an ad_reports channel."""
    return CHANNEL_COLUMNS.get(channel, "cost_other")


@dataclass(frozen=True, slots=True)
class AdDays:
    """
    Ad spend per day and plan-table column over a range, one attribution window.

    ``costs`` maps day -> column -> 元 (None: not known that day); ``sales`` maps day ->
    channel -> (总成交金额 元, 花费 元) of the channels that report sales.
    """

    window_days: int | None
    costs: dict[date, dict[str, Decimal | None]]
    sales: dict[date, dict[str, tuple[Decimal, Decimal]]]


def ad_days(rows: list[dict[str, Any]], extras: list[dict[str, Any]], days: list[date],
            window: int | None) -> AdDays:
    """
    Spread ``period_ad_days`` rows of one window over the plan-table spend columns.

    Parameters
    ----------
    rows : list of dict
        ``sql/period_ad_days.sql`` rows (any window; only ``window`` is kept).
    extras : list of dict
        ``sql/period_day_extras.sql`` rows (``cost_taoke`` of 生意参谋, used for 淘宝客 when
        no 淘宝客 ad report exists).
    days : list of date
        The days wanted.
    window : int or None
        The attribution window (days) kept; None when there is no ad report.

    Returns
    -------
    AdDays
        A column with no row in the range is None on every day (export absent); a column
        with rows is 0 on a day inside the ad reports' first..last day without a row.
    """
    kept = [r for r in rows if window is not None and r["window_days"] == window]
    first = min((r["day"] for r in kept), default=None)
    last = max((r["day"] for r in kept), default=None)
    present = {channel_column(r["channel"]) for r in kept}
    taoke = {r["day"]: _money(r["cost_taoke"]) for r in extras}
    costs: dict[date, dict[str, Decimal | None]] = {}
    sales: dict[date, dict[str, tuple[Decimal, Decimal]]] = {}
    for d in days:
        covered = first is not None and first <= d <= last
        day_costs: dict[str, Decimal | None] = {
            c: (Decimal(0) if covered and c in present else None) for c in COST_COLUMNS}
        costs[d] = day_costs
        sales[d] = {}
    for r in kept:
        if r["day"] not in costs:
            continue
        col = channel_column(r["channel"])
        cost = _money(r["cost"]) or Decimal(0)
        costs[r["day"]][col] = (costs[r["day"]][col] or Decimal(0)) + cost
        if r["gmv_rows"]:
            gmv0, cost0 = sales[r["day"]].get(r["channel"], (Decimal(0), Decimal(0)))
            sales[r["day"]][r["channel"]] = (gmv0 + _money(r["gmv_total"]), cost0 + cost)
    if "cost_taoke" not in present:
        for d in days:
            costs[d]["cost_taoke"] = taoke.get(d)
    return AdDays(window, costs, sales)


def roi_of(sales: list[dict[str, tuple[Decimal, Decimal]]]) -> float | None:
    """
    ROI = Σ总成交金额 ÷ Σ花费 of the one channel that reports sales over the given days.

    Returns None when no channel or several channels report sales: ad sales overlap across
    channels and are never added (DATA_CONTRACT §3.3).
    """
    channels = {c for s in sales for c in s}
    if len(channels) != 1:
        return None
    (channel,) = channels
    gmv = sum((s[channel][0] for s in sales if channel in s), Decimal(0))
    cost = sum((s[channel][1] for s in sales if channel in s), Decimal(0))
    return metrics.ratio(gmv, cost)


def cs_days(rows: list[dict[str, Any]]) -> dict[date, operations.ShopService]:
    """Pick each day's shop 客服 figures (全店汇总值, else 店铺 询单) of ``cs_shop_days``."""
    by_day: dict[date, list[dict[str, Any]]] = {}
    for r in rows:
        by_day.setdefault(r["day"], []).append(r)
    no_agents = pd.DataFrame()
    return {d: operations.shop_service(rs, no_agents) for d, rs in by_day.items()}


# ---------------------------------------------------------------- the plan table


@dataclass(frozen=True, slots=True)
class PeriodReview:
    """
    The period's plan table and comparisons.

    Attributes
    ----------
    rows : DataFrame
        One row per day of the period, columns the keys of :data:`PLAN_COLUMNS` (money
        Decimal 元, ratios fractions, counts int; None = absent). Days after ``through``
        carry only their target.
    total : dict
        The total row (same keys): sums of the days and sum-then-divide ratios; ``uv`` is
        Σ日访客; ``uv_needed`` / ``uv_gap`` and ``active_rate`` are the levels as of
        ``through`` (动销率 over the period).
    now, previous, last_year : dict
        :func:`storeops.metrics.compute` totals of the period, the previous period and the
        same period last year (same number of days).
    bridge : FactorSplit
        GMV change vs the previous period split into UV (Σ日访客), conversion and AOV (元).
    """

    period: Period
    previous_period: Period
    last_year_period: Period
    next_period: Period
    rows: pd.DataFrame
    total: dict[str, Any]
    now: dict[str, Any]
    previous: dict[str, Any]
    last_year: dict[str, Any]
    bridge: FactorSplit
    target: Decimal | None  # whole period (元)
    target_to_date: Decimal | None  # start..through (元)
    target_source: str | None
    next_target: Decimal | None
    ad_window_days: int | None
    ad_sales_channels: tuple[str, ...]
    inquiry_days: int  # days ≤ through with shop 询单 figures
    inquiry_prev: float | None  # 询单转化率 of the previous period
    ad_cost_ratio_prev: float | None

    @property
    def gmv_vs_previous(self) -> float | None:
        """GMV change vs the previous period (fraction)."""
        return daily.change(self.now["gmv"], self.previous["gmv"])

    @property
    def gmv_vs_last_year(self) -> float | None:
        """GMV change vs the same period last year (fraction)."""
        return daily.change(self.now["gmv"], self.last_year["gmv"])

    @property
    def next_uv_needed(self) -> int | None:
        """UV the next period needs for its target at this period's CR and AOV (人)."""
        cr, aov = self.now["conversion_rate"], self.now["aov"]
        if self.next_target is None or not cr or not aov:
            return None
        return round(float(self.next_target) / (cr * float(aov)))


def _sum_known(values: list[Any]) -> Any:
    known = [v for v in values if v is not None]
    if not known:
        return None
    return sum(known[1:], known[0])


def _ratio_over(rows: list[dict[str, Any]], num: str, den: str) -> float | None:
    """Σ num ÷ Σ den over the rows where both are known (same scope)."""
    both = [r for r in rows if r.get(num) is not None and r.get(den) is not None]
    if not both:
        return None
    return metrics.ratio(sum((Decimal(r[num]) for r in both), Decimal(0)),
                         sum((Decimal(r[den]) for r in both), Decimal(0)))


def _compute_total(con: duckdb.DuckDBPyConnection, p: Period) -> dict[str, Any]:
    return metrics.compute(con, p.start, p.through)[0]


def _ad_window(con: duckdb.DuckDBPyConnection, start: date, end: date) -> int | None:
    return ads.pick_window(con, start, end)


def plan(con: duckdb.DuckDBPyConnection, day: date, kind: str, *,
         configured_target: float | None = None) -> PeriodReview:
    """
    Build the period's plan table (one row per day plus the total) and its comparisons.

    Parameters
    ----------
    con : DuckDBPyConnection
        The store's warehouse.
    day : date
        The report day; the period is the week or month containing it.
    kind : {"week", "month"}
        Period kind.
    configured_target : float or None
        stores.toml ``monthly_target`` (元), used when the targets table has no sales target.

    Returns
    -------
    PeriodReview
    """
    p = period_of(day, kind)
    prev, ly, nxt = previous_period(p), last_year_period(p), next_period(p)
    targets = read_targets(con, p.start, nxt.end, configured_target=configured_target)
    elapsed = period_days(p.start, p.through)
    all_days = period_days(p.start, p.end)
    by_day = {r["key"]: r for r in metrics.compute(con, p.start, p.through, by="day")}
    extras = {r["day"]: r for r in warehouse.query_rows(con, "period_day_extras",
                                                        start=p.start, end=p.through)}
    window = _ad_window(con, p.start, p.through)
    ad = ad_days(warehouse.query_rows(con, "period_ad_days", start=p.start, end=p.through),
                 list(extras.values()), elapsed, window)
    cs = cs_days(warehouse.query_rows(con, "cs_shop_days", start=p.start, end=p.through))

    rows: list[dict[str, Any]] = []
    for d in all_days:
        target, _ = targets.gmv_day(d)
        row: dict[str, Any] = {key: None for key, _, _ in PLAN_COLUMNS}
        row.update(day=d.isoformat(), weekday=f"周{WEEKDAYS[d.weekday()]}", target=target)
        if d <= p.through:
            m = by_day[d.isoformat()]
            mtd = daily.month_to_date(con, d, configured_target=configured_target)
            active = merch.active_items(con, d)
            costs = ad.costs[d]
            ad_cost = _sum_known([costs[c] for c in COST_COLUMNS])
            shop = cs.get(d)
            inquiry = None if shop is None else shop.inquiry_users
            inquiry_paid = None if shop is None else shop.inquiry_paid_users
            row.update(
                gmv=m["gmv"], paid_orders=m["paid_orders"], paid_buyers=m["paid_buyers"],
                aov=m["aov"], uv=m["uv"], conversion_rate=m["conversion_rate"],
                completion=metrics.ratio(m["gmv"], target),
                active_rate=None if active is None else active.rate,
                uv_needed=mtd.uv_needed, uv_gap=mtd.uv_gap,
                **costs, ad_cost=ad_cost,
                ad_cost_ratio=metrics.ratio(ad_cost, m["gmv"]),
                inquiry_users=inquiry, inquiry_paid_users=inquiry_paid,
                inquiry_rate=metrics.ratio(inquiry, m["uv"]),
                inquiry_cvr=(metrics.ratio(inquiry_paid, inquiry) if inquiry_paid is not None
                             else None if shop is None else shop.inquiry_cvr),
                roi=roi_of([ad.sales[d]]),
                refund_orders=(extras[d]["refund_orders"] if m["gmv"] is not None else None),
                refund_rate=m["refund_rate"],
            )
        rows.append(row)

    now = _compute_total(con, p)
    done = rows[: len(elapsed)]
    period_target = targets.gmv(p.start, p.end)
    target_to_date = targets.gmv(p.start, p.through)
    ad_cost = _sum_known([r["ad_cost"] for r in done])
    active = merch.active_items(con, p.through, days=p.elapsed)
    last_mtd = daily.month_to_date(con, p.through, configured_target=configured_target)
    total: dict[str, Any] = {key: None for key, _, _ in PLAN_COLUMNS}
    total.update(
        day=TOTAL_LABEL, weekday="",
        target=period_target, gmv=now["gmv"], completion=metrics.ratio(now["gmv"],
                                                                         period_target),
        active_rate=None if active is None else active.rate,
        paid_orders=now["paid_orders"], paid_buyers=now["paid_buyers"], aov=now["aov"],
        uv=now["uv"], conversion_rate=now["conversion_rate"],
        uv_needed=last_mtd.uv_needed, uv_gap=last_mtd.uv_gap,
        **{c: _sum_known([r[c] for r in done]) for c in COST_COLUMNS},
        ad_cost=ad_cost, ad_cost_ratio=_ratio_over(done, "ad_cost", "gmv"),
        inquiry_users=_sum_known([r["inquiry_users"] for r in done]),
        inquiry_paid_users=_sum_known([r["inquiry_paid_users"] for r in done]),
        inquiry_rate=_ratio_over(done, "inquiry_users", "uv"),
        inquiry_cvr=_ratio_over(done, "inquiry_paid_users", "inquiry_users"),
        roi=roi_of([ad.sales[d] for d in elapsed]),
        refund_orders=_sum_known([r["refund_orders"] for r in done]),
        refund_rate=now["refund_rate"],
    )
    previous, last_year = _compute_total(con, prev), _compute_total(con, ly)
    bridge = _bridge(now, previous)
    prev_side = _side_figures(con, prev)
    frame = pd.DataFrame(rows, dtype=object)
    return PeriodReview(
        period=p, previous_period=prev, last_year_period=ly, next_period=nxt,
        rows=frame, total=total, now=now, previous=previous, last_year=last_year,
        bridge=bridge, target=period_target, target_to_date=target_to_date,
        target_source=targets.gmv_day(p.start)[1], next_target=targets.gmv(nxt.start, nxt.end),
        ad_window_days=window,
        ad_sales_channels=tuple(sorted({c for d in elapsed for c in ad.sales[d]})),
        inquiry_days=sum(r["inquiry_users"] is not None for r in done),
        inquiry_prev=prev_side["inquiry_cvr"], ad_cost_ratio_prev=prev_side["ad_cost_ratio"],
    )


def _bridge(now: dict[str, Any], before: dict[str, Any]) -> FactorSplit:
    if now["gmv"] is None or before["gmv"] is None:
        return FactorSplit(Decimal(0), None, None, None)
    return factor_split(now["gmv"], before["gmv"], now["uv"], before["uv"],
                        now["paid_buyers"], before["paid_buyers"])


def _side_figures(con: duckdb.DuckDBPyConnection, p: Period) -> dict[str, float | None]:
    """推广费比 and 询单转化率 of a period (for comparisons), sum-then-divide."""
    return side_totals(con, [p])[0]


def side_totals(con: duckdb.DuckDBPyConnection, periods: list[Period]
                ) -> list[dict[str, Any]]:
    """
    Return 推广费, 推广费比, 询单 counts and 询单转化率 of each period (one query per source).

    Each period keeps one attribution window (the most common in it). Ratios are
    sum-then-divide over the days where both parts are known.
    """
    start = min(p.start for p in periods)
    end = max(p.through for p in periods)
    ad_rows = warehouse.query_rows(con, "period_ad_days", start=start, end=end)
    extras = warehouse.query_rows(con, "period_day_extras", start=start, end=end)
    cs = cs_days(warehouse.query_rows(con, "cs_shop_days", start=start, end=end))
    gmv = {r["key"]: r["gmv"] for r in metrics.compute(con, start, end, by="day")}
    out = []
    for p in periods:
        days = period_days(p.start, p.through)
        ad = ad_days([r for r in ad_rows if p.start <= r["day"] <= p.through], extras, days,
                     _ad_window(con, p.start, p.through))
        day_rows = []
        for d in days:
            shop = cs.get(d)
            day_rows.append({
                "gmv": gmv.get(d.isoformat()),
                "ad_cost": _sum_known([ad.costs[d][c] for c in COST_COLUMNS]),
                "inquiry_users": None if shop is None else shop.inquiry_users,
                "inquiry_paid_users": None if shop is None else shop.inquiry_paid_users,
            })
        out.append({
            "ad_cost": _sum_known([r["ad_cost"] for r in day_rows]),
            "ad_cost_ratio": _ratio_over(day_rows, "ad_cost", "gmv"),
            "inquiry_cvr": _ratio_over(day_rows, "inquiry_paid_users", "inquiry_users"),
        })
    return out


# ---------------------------------------------------------------- trends

TREND_METRICS: tuple[tuple[str, str, str], ...] = (
    ("gmv", "支付金额", "money"),
    ("uv", "访客数（Σ日访客）", "int"),
    ("conversion_rate", "支付转化率", "pct"),
    ("aov", "客单价", "money"),
    ("ad_cost_ratio", "推广费比", "pct"),
    ("refund_rate", "退款率", "pct"),
    ("inquiry_cvr", "询单转化率", "pct"),
)
"""Trend lines: key, Chinese title, kind; each has a ``<key>_target`` column."""

RATIO_TARGETS = {"conversion_rate": "pay_cvr", "aov": "aov", "refund_rate": "refund_rate",
                 "inquiry_cvr": "inquiry_cvr", "ad_cost_ratio": "ad_cost_ratio"}
"""Trend metric -> targets.metric of a month-level ratio target."""


def trends(con: duckdb.DuckDBPyConnection, p: Period, *, count: int | None = None,
           configured_target: float | None = None,
           ad_cost_ceiling: float | None = None) -> pd.DataFrame:
    """
    Return the trend of the last 8 weeks / 12 months, the current period (to date) last.

    Parameters
    ----------
    p : Period
        The current period.
    count : int or None
        Periods wanted (default 8 weeks or 12 months).
    configured_target : float or None
        stores.toml ``monthly_target`` (元).
    ad_cost_ceiling : float or None
        推广费比 ceiling from stores.toml, drawn as its target line when the targets table
        has no ``ad_cost_ratio`` target.

    Returns
    -------
    DataFrame
        One row per period: ``label``, ``start``, ``through``, ``complete`` and, for each
        metric of :data:`TREND_METRICS`, its value and ``<key>_target`` (None: no target).
        Money Decimal 元, ratios fractions, 访客数 Σ日访客; None when absent.
    """
    periods = trend_periods(p, count)
    targets = read_targets(con, periods[0].start, p.end, configured_target=configured_target)
    sides = side_totals(con, periods)
    rows = []
    for q, side in zip(periods, sides, strict=True):
        m = _compute_total(con, q)
        row = {
            "label": q.short_label, "start": q.start, "through": q.through,
            "complete": q.complete,
            "gmv": m["gmv"], "uv": m["uv"], "conversion_rate": m["conversion_rate"],
            "aov": m["aov"], "ad_cost_ratio": side["ad_cost_ratio"],
            "refund_rate": m["refund_rate"], "inquiry_cvr": side["inquiry_cvr"],
            "gmv_target": targets.gmv(q.start, q.through),
            "uv_target": targets.additive("visitors", q.start, q.through),
        }
        for key, metric in RATIO_TARGETS.items():
            row[f"{key}_target"] = targets.ratio(metric, q.start)
        if row["ad_cost_ratio_target"] is None and ad_cost_ceiling is not None:
            row["ad_cost_ratio_target"] = ad_cost_ceiling
        rows.append(row)
    return pd.DataFrame(rows, dtype=object)


# ---------------------------------------------------------------- items

TOP_ITEMS = 10
SLOW_LIMIT = 20


@dataclass(frozen=True, slots=True)
class PeriodItems:
    """
    The period's items against the previous period (same number of days).

    ``sales`` columns: item, title, gmv, gmv_base (Decimal 元), qty (件), change (元),
    rank, rank_base (1 = best; None without sales). ``new_best`` are the top items that
    were not in the previous period's top; ``fallers`` the items whose GMV fell most.
    ``slow`` columns: sku_code, name, spec, on_hand, available (件): SKUs with stock > 0 at
    the latest snapshot on or before ``through`` and no sale in the period. None parts: the
    export is absent (宝贝报表 for sales, 聚水潭库存 for slow stock).
    """

    period: Period
    sales: pd.DataFrame | None
    has_base: bool
    new_best: pd.DataFrame | None
    fallers: pd.DataFrame | None
    active: merch.ActiveItems | None
    slow: pd.DataFrame | None
    slow_skus: int | None
    slow_qty: int | None
    snapshot_date: date | None


def rank_items(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rank items by GMV in both periods (dense 1..n by GMV, then key); change = now − base."""
    frame = pd.DataFrame(rows, columns=["item", "title", "gmv", "gmv_base", "qty"], dtype=object)

    def ranks(col: str) -> dict[str, int]:
        sold = sorted((r for r in rows if r[col] and r[col] > 0),
                      key=lambda r: (-r[col], str(r["item"])))
        return {r["item"]: i + 1 for i, r in enumerate(sold)}

    now, base = ranks("gmv"), ranks("gmv_base")
    return frame.assign(
        change=[g - b for g, b in zip(frame["gmv"], frame["gmv_base"], strict=True)],
        rank=[now.get(i) for i in frame["item"]],
        rank_base=[base.get(i) for i in frame["item"]],
    )


def new_best_sellers(sales: pd.DataFrame, *, top: int = TOP_ITEMS) -> pd.DataFrame:
    """Return the items in this period's top ``top`` that were not in the previous top."""
    picked = sales.loc[[r is not None and r <= top for r in sales["rank"]]]
    picked = picked.loc[[b is None or b > top for b in picked["rank_base"]]]
    return picked.sort_values("rank", key=lambda s: s.astype(int), ignore_index=True)


def falling_items(sales: pd.DataFrame, *, top: int = TOP_ITEMS) -> pd.DataFrame:
    """Return the ``top`` items whose GMV fell most vs the previous period (元)."""
    fell = sales.loc[[c < 0 for c in sales["change"]]]
    order = sorted(range(len(fell)), key=lambda i: (fell["change"].iloc[i],
                                                     str(fell["item"].iloc[i])))
    return fell.iloc[order[:top]].reset_index(drop=True)


def slow_stock(stock: pd.DataFrame) -> pd.DataFrame:
    """
    Keep the SKUs with stock > 0 and no sale in the period, most stock first.

    Parameters
    ----------
    stock : DataFrame
        ``sql/ops_stock_cover.sql`` rows: on_hand, available, sold_qty (件 since the period
        start). Stock is 实际库存 (on_hand), else 可用库存.
    """
    qty = stock["on_hand"].astype("Float64").fillna(stock["available"].astype("Float64"))
    return (
        stock.assign(stock_qty=qty)
        .loc[lambda d: (d["stock_qty"] > 0).fillna(False) & (d["sold_qty"] == 0)]
        .sort_values(["stock_qty", "sku_code"], ascending=[False, True], ignore_index=True)
        .reindex(columns=["sku_code", "name", "spec", "stock_qty", "available"])
    )


def items(con: duckdb.DuckDBPyConnection, review: PeriodReview, *,
          top: int = TOP_ITEMS) -> PeriodItems:
    """
    Return the period's best sellers, fallers, 动销率 and slow stock.

    Parameters
    ----------
    review : PeriodReview
        From :func:`plan` (the period and the previous period to compare).
    top : int
        Size of the best-seller list.
    """
    p, prev = review.period, review.previous_period
    rows = warehouse.query_rows(con, "period_item_sales", start=p.start, end=p.through,
                                base_start=prev.start, base_end=prev.through)
    has_now = any(r["lines_now"] for r in rows)
    has_base = any(r["lines_base"] for r in rows)
    sales = rank_items(rows) if has_now else None
    stock = warehouse.query_df(con, "ops_stock_cover", day=p.through, sales_start=p.start)
    slow = None if stock.empty else slow_stock(stock)
    return PeriodItems(
        period=p, sales=sales, has_base=has_base,
        new_best=None if sales is None else new_best_sellers(sales, top=top),
        fallers=None if sales is None or not has_base else falling_items(sales, top=top),
        active=merch.active_items(con, p.through, days=p.elapsed),
        slow=slow,
        slow_skus=None if slow is None else len(slow),
        slow_qty=None if slow is None else int(slow["stock_qty"].sum()),
        snapshot_date=None if stock.empty else pd.Timestamp(stock["snapshot_date"].iloc[0]).date(),
    )


# ---------------------------------------------------------------- ads and traffic (section 5)

CHANNEL_LABELS = {key: label for key, label, _ in PLAN_COLUMNS if key.startswith("cost_")}
TAOKE_SYCM = "淘宝客（生意参谋佣金）"
"""Channel name of the 淘宝客 row taken from 生意参谋's 淘宝客佣金 (no 淘宝客 ad report)."""
TOP_SOURCES = 5


@dataclass(frozen=True, slots=True)
class PeriodChannels:
    """
    Ad spend, ROI and 费用占比 by channel for the period and the previous period.

    ``rows`` columns: channel, plan_column (the seeds' column it fills: 直通车, 钻展 …),
    cost, cost_prev, gmv_total, gmv_total_prev (Decimal 元; cost None when the period has no
    ad data, 0 when it has data but not this channel), cost_change (fraction), roi, roi_prev
    (plain numbers; None without ad sales), cost_ratio, cost_ratio_prev (fraction of the
    shop's 支付金额). ``total`` has the same keys (ROI only when one channel reports sales:
    ad sales overlap across channels). Each period keeps its own attribution window.
    """

    rows: pd.DataFrame
    total: dict[str, Any]
    window_days: int | None
    window_days_prev: int | None
    has_prev: bool
    days: int = 0  # days of the period with an ad row
    days_prev: int = 0  # days of the previous period with an ad row


def _channel_side(rows: list[dict[str, Any]], taoke: dict[str, Any] | None
                  ) -> dict[str, dict[str, Any]]:
    """Channel -> {cost, gmv_total, has_sales}; 淘宝客佣金 added when no 淘宝客 ad report."""
    out = {r["channel"]: {"cost": _money(r["cost"]) or Decimal(0),
                          "gmv_total": _money(r["gmv_total"]),
                          "has_sales": bool(r["gmv_rows"])} for r in rows}
    has_taoke = any(channel_column(c) == "cost_taoke" for c in out)
    if not has_taoke and taoke is not None and taoke.get("days"):
        out[TAOKE_SYCM] = {"cost": _money(taoke["cost"]) or Decimal(0), "gmv_total": None,
                           "has_sales": False}
    return out


def merge_channels(now_rows: list[dict[str, Any]], prev_rows: list[dict[str, Any]], *,
                   gmv: Decimal | None, gmv_prev: Decimal | None,
                   taoke: dict[str, Any] | None = None,
                   taoke_prev: dict[str, Any] | None = None
                   ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """
    Put the two periods' channel sums side by side, with ROI and 费用占比.

    Parameters
    ----------
    now_rows, prev_rows : list of dict
        ``sql/period_ad_channels.sql`` rows (channel, cost, gmv_total 元, gmv_rows) of each
        period; empty when the period has no ad report.
    gmv, gmv_prev : Decimal or None
        The shop's 支付金额 of each period (元).
    taoke, taoke_prev : dict or None
        ``sql/period_taoke_cost.sql`` row (cost 元, days) of each period: 淘宝客佣金, used
        as a channel when no 淘宝客 ad report exists.

    Returns
    -------
    tuple
        (rows, most spend first; the total row). See :class:`PeriodChannels`.
    """
    now, prev = _channel_side(now_rows, taoke), _channel_side(prev_rows, taoke_prev)
    names = sorted(set(now) | set(prev),
                   key=lambda c: (-(now.get(c, {}).get("cost") or Decimal(0)), c))

    def cost_of(side: dict[str, dict[str, Any]], c: str) -> Decimal | None:
        if not side:
            return None
        return side[c]["cost"] if c in side else Decimal(0)

    def roi(side: dict[str, dict[str, Any]], c: str) -> float | None:
        r = side.get(c)
        return None if r is None or not r["has_sales"] else metrics.ratio(r["gmv_total"],
                                                                           r["cost"])

    rows = []
    for c in names:
        cost, cost_prev = cost_of(now, c), cost_of(prev, c)
        rows.append({
            "channel": c,
            "plan_column": CHANNEL_LABELS["cost_taoke" if c == TAOKE_SYCM
                                          else channel_column(c)],
            "cost": cost, "cost_prev": cost_prev,
            "gmv_total": now.get(c, {}).get("gmv_total"),
            "gmv_total_prev": prev.get(c, {}).get("gmv_total"),
            "cost_change": daily.change(cost, cost_prev),
            "roi": roi(now, c), "roi_prev": roi(prev, c),
            "cost_ratio": metrics.ratio(cost, gmv),
            "cost_ratio_prev": metrics.ratio(cost_prev, gmv_prev),
        })

    def side_total(side: dict[str, dict[str, Any]]) -> Decimal | None:
        return sum((r["cost"] for r in side.values()), Decimal(0)) if side else None

    def side_roi(side: dict[str, dict[str, Any]]) -> float | None:
        selling = [c for c, r in side.items() if r["has_sales"]]
        return roi(side, selling[0]) if len(selling) == 1 else None

    cost, cost_prev = side_total(now), side_total(prev)
    total = {"channel": ads.TOTAL, "plan_column": "推广费", "cost": cost,
             "cost_prev": cost_prev, "gmv_total": None, "gmv_total_prev": None,
             "cost_change": daily.change(cost, cost_prev),
             "roi": side_roi(now), "roi_prev": side_roi(prev),
             "cost_ratio": metrics.ratio(cost, gmv),
             "cost_ratio_prev": metrics.ratio(cost_prev, gmv_prev)}
    columns = list(total)
    return pd.DataFrame(rows, columns=columns, dtype=object), total


def channels(con: duckdb.DuckDBPyConnection, review: PeriodReview) -> PeriodChannels | None:
    """
    Return spend, ROI and 费用占比 by channel, this period vs the previous one.

    Returns
    -------
    PeriodChannels or None
        None when neither period has an ad report nor a 淘宝客佣金 column.
    """
    sides = []
    for q, m in ((review.period, review.now), (review.previous_period, review.previous)):
        window = _ad_window(con, q.start, q.through)
        rows = ([] if window is None else
                warehouse.query_rows(con, "period_ad_channels", start=q.start, end=q.through,
                                     window=window))
        taoke = warehouse.query_rows(con, "period_taoke_cost", start=q.start, end=q.through)[0]
        sides.append((window, rows, taoke, m["gmv"]))
    (window, rows, taoke, gmv), (window_prev, rows_prev, taoke_prev, gmv_prev) = sides
    frame, total = merge_channels(rows, rows_prev, gmv=gmv, gmv_prev=gmv_prev, taoke=taoke,
                                  taoke_prev=taoke_prev)
    if frame.empty:
        return None
    return PeriodChannels(rows=frame, total=total, window_days=window,
                          window_days_prev=window_prev, has_prev=total["cost_prev"] is not None,
                          days=max((int(r["days"]) for r in rows), default=0),
                          days_prev=max((int(r["days"]) for r in rows_prev), default=0))


@dataclass(frozen=True, slots=True)
class SourceChanges:
    """
    Shop traffic sources of the period vs the previous period (Σ日访客, devices summed).

    ``sources`` columns: source (``一级 / 二级``), visitors, visitors_base (人, Σ日; None:
    no row that period), change (人), change_pct (fraction). ``grew`` / ``shrank``: the
    sources with the largest rise / fall in visitors (empty without a previous period).
    """

    sources: pd.DataFrame
    has_base: bool
    grew: pd.DataFrame
    shrank: pd.DataFrame
    days: int = 0  # days of the period with a source row
    days_base: int = 0  # days of the previous period with a source row


def source_label(source_l1: str, source: str) -> str:
    """Return ``淘内免费 / 手淘搜索``, or the first level alone for a first-level row."""
    return source_l1 if source == source_l1 else f"{source_l1} / {source}"


def source_changes(rows: list[dict[str, Any]], *, top: int = TOP_SOURCES
                   ) -> SourceChanges | None:
    """
    Rank the traffic sources by the change of their visitors vs the previous period.

    Parameters
    ----------
    rows : list of dict
        ``sql/period_sources.sql`` rows (visitors, visitors_base: Σ日访客 or None).
    top : int
        Sources kept in ``grew`` and in ``shrank``.

    Returns
    -------
    SourceChanges or None
        None when the period has no traffic-source row. A source absent in one period
        counts 0 visitors there when that period has any source row (it brought no one).
    """
    if not any(r["visitors"] is not None for r in rows):
        return None
    has_base = any(r["visitors_base"] is not None for r in rows)
    out = []
    for r in rows:
        now = int(r["visitors"] or 0)
        base = int(r["visitors_base"] or 0) if has_base else None
        out.append({"source": source_label(r["source_l1"], r["source"]), "visitors": now,
                    "visitors_base": base,
                    "change": None if base is None else now - base,
                    "change_pct": None if base is None else daily.change(now, base)})
    frame = pd.DataFrame(out, columns=["source", "visitors", "visitors_base", "change",
                                       "change_pct"], dtype=object)
    days = max((int(r.get("days") or 0) for r in rows), default=0)
    days_base = max((int(r.get("days_base") or 0) for r in rows), default=0)
    if not has_base:
        empty = frame.iloc[:0]
        return SourceChanges(frame, False, empty, empty, days, days_base)
    order = sorted(range(len(frame)), key=lambda i: (-frame["change"].iloc[i],
                                                     frame["source"].iloc[i]))
    grew = [i for i in order if frame["change"].iloc[i] > 0][:top]
    shrank = [i for i in reversed(order) if frame["change"].iloc[i] < 0][:top]
    return SourceChanges(frame, True, frame.iloc[grew].reset_index(drop=True),
                         frame.iloc[shrank].reset_index(drop=True), days, days_base)


def traffic(con: duckdb.DuckDBPyConnection, review: PeriodReview, *,
            top: int = TOP_SOURCES) -> SourceChanges | None:
    """Return the traffic sources that grew or shrank most vs the previous period."""
    p, prev = review.period, review.previous_period
    rows = warehouse.query_rows(con, "period_sources", start=p.start, end=p.through,
                                base_start=prev.start, base_end=prev.through)
    return source_changes(rows, top=top)


# ---------------------------------------------------------------- service (section 6)

TOP_REASONS = 5


@dataclass(frozen=True, slots=True)
class ServiceSide:
    """
    客服 of one period from the shop rows of 客服绩效 / 询单 (never summed over agents).

    ``inquiry_rate`` = Σ询单人数 ÷ Σ日访客 and ``inquiry_cvr`` = Σ询单最终付款人数 ÷ Σ询单人数,
    over the days where both parts are known; response times (秒) are the days' shop values
    weighted by the day's 询单人数 (a plain mean of the days when no day has 询单人数).
    ``days`` = days with a shop 客服 row. All None without the export.
    """

    days: int
    inquiry_users: int | None
    inquiry_paid_users: int | None
    inquiry_rate: float | None
    inquiry_cvr: float | None
    first_resp_sec: float | None
    avg_resp_sec: float | None


def _weighted_seconds(pairs: list[tuple[float | None, int | None]]) -> float | None:
    known = [(v, w) for v, w in pairs if v is not None]
    if not known:
        return None
    weighted = [(v, w) for v, w in known if w]
    if weighted:
        return sum(v * w for v, w in weighted) / sum(w for _, w in weighted)
    return sum(v for v, _ in known) / len(known)


def service_side(cs: dict[date, operations.ShopService], uv: dict[date, int | None],
                 days: list[date]) -> ServiceSide:
    """
    Sum one period's shop 客服 days (see :class:`ServiceSide`).

    Parameters
    ----------
    cs : dict
        Day -> shop 客服 figures (:func:`cs_days`).
    uv : dict
        Day -> 访客数 (人; None without traffic data).
    days : list of date
        The period's days.
    """
    rows = []
    for d in days:
        shop = cs.get(d)
        if shop is None:
            continue
        rows.append({"inquiry_users": shop.inquiry_users,
                     "inquiry_paid_users": shop.inquiry_paid_users, "uv": uv.get(d),
                     "first": shop.first_resp_sec, "avg": shop.avg_resp_sec})
    return ServiceSide(
        days=len(rows),
        inquiry_users=_sum_known([r["inquiry_users"] for r in rows]),
        inquiry_paid_users=_sum_known([r["inquiry_paid_users"] for r in rows]),
        inquiry_rate=_ratio_over(rows, "inquiry_users", "uv"),
        inquiry_cvr=_ratio_over(rows, "inquiry_paid_users", "inquiry_users"),
        first_resp_sec=_weighted_seconds([(r["first"], r["inquiry_users"]) for r in rows]),
        avg_resp_sec=_weighted_seconds([(r["avg"], r["inquiry_users"]) for r in rows]),
    )


@dataclass(frozen=True, slots=True)
class PeriodService:
    """
    客服与售后 of the period vs the previous period.

    Attributes
    ----------
    now, previous : ServiceSide
        客服 of each period (same number of days).
    dsr : DataFrame or None
        metric, start_score, start_date, end_score, end_date, change (Decimal; the level as of
        the period's first day and as of ``through``), below_line (bool). None without DSR.
    refund_rate, refund_rate_prev : float or None
        退款率 = 退款金额 ÷ 支付金额 of the orders paid in each period (pay-day cohort).
    reasons : DataFrame or None
        reason, refunds, refunds_base (笔), refund_amount, refund_amount_base (元): 退款成功
        completed in each period (cash view), most money first, at most ``TOP_REASONS``.
        None without the 退款单 export.
    refund_total, refund_total_prev : Decimal or None
        Σ 退款成功 completed in each period (元).
    """

    now: ServiceSide
    previous: ServiceSide
    dsr: pd.DataFrame | None
    dsr_line: float
    refund_rate: float | None
    refund_rate_prev: float | None
    reasons: pd.DataFrame | None
    refund_total: Decimal | None
    refund_total_prev: Decimal | None


def dsr_movement(rows: list[dict[str, Any]], *, line: float = operations.DSR_LINE
                 ) -> pd.DataFrame | None:
    """
    Put each DSR metric's level at the period start and end side by side.

    Parameters
    ----------
    rows : list of dict
        ``sql/period_dsr_levels.sql`` rows (side 'start' | 'end', metric, snapshot_date,
        score).
    line : float
        Score below which a metric is flagged (4.8).

    Returns
    -------
    DataFrame or None
        One row per metric with an end level; change = end − start (None without a start
        level). None when there is no DSR row.
    """
    ends = {r["metric"]: r for r in rows if r["side"] == "end"}
    if not ends:
        return None
    starts = {r["metric"]: r for r in rows if r["side"] == "start"}
    out = []
    for name in sorted(ends):
        e, s = ends[name], starts.get(name)
        end_score = Decimal(e["score"])
        start_score = None if s is None else Decimal(s["score"])
        out.append({"metric": name,
                    "start_score": start_score,
                    "start_date": None if s is None else s["snapshot_date"],
                    "end_score": end_score, "end_date": e["snapshot_date"],
                    "change": None if start_score is None else end_score - start_score,
                    "below_line": end_score < Decimal(str(line))})
    return pd.DataFrame(out, dtype=object)


def service(con: duckdb.DuckDBPyConnection, review: PeriodReview, *,
            dsr_line: float = operations.DSR_LINE, top: int = TOP_REASONS) -> PeriodService:
    """
    Return 询单率, 询单转化率, response times, DSR movement, refund rate and top reasons.

    Parameters
    ----------
    review : PeriodReview
        From :func:`plan` (the period and the previous period).
    dsr_line : float
        DSR score flagged below.
    top : int
        Refund reasons kept.
    """
    p, prev = review.period, review.previous_period
    sides = []
    for q in (p, prev):
        cs = cs_days(warehouse.query_rows(con, "cs_shop_days", start=q.start, end=q.through))
        uv = {date.fromisoformat(r["key"]): r["uv"]
              for r in metrics.compute(con, q.start, q.through, by="day")}
        sides.append(service_side(cs, uv, period_days(q.start, q.through)))
    dsr = dsr_movement(warehouse.query_rows(con, "period_dsr_levels", start=p.start,
                                            end=p.through), line=dsr_line)
    reason_rows = warehouse.query_rows(con, "period_refund_reasons", start=p.start,
                                       end=p.through, base_start=prev.start,
                                       base_end=prev.through)
    has_refunds = _has_refunds(con)
    reasons = None
    if has_refunds:
        reasons = pd.DataFrame(
            [r for r in reason_rows if r["refunds"]][:top],
            columns=["reason", "refunds", "refunds_base", "refund_amount",
                     "refund_amount_base"], dtype=object)
    return PeriodService(
        now=sides[0], previous=sides[1], dsr=dsr, dsr_line=dsr_line,
        refund_rate=review.now["refund_rate"], refund_rate_prev=review.previous["refund_rate"],
        reasons=reasons,
        refund_total=None if not has_refunds else sum(
            (Decimal(r["refund_amount"]) for r in reason_rows), Decimal(0)),
        refund_total_prev=None if not has_refunds else sum(
            (Decimal(r["refund_amount_base"]) for r in reason_rows), Decimal(0)),
    )


def _has_refunds(con: duckdb.DuckDBPyConnection) -> bool:
    cover = {r["source"]: r for r in warehouse.query_rows(con, "ops_coverage")}
    row = cover.get("refunds")
    return row is not None and row.get("first_day") is not None


# ---------------------------------------------------------------- next period (section 7)

RATIO_TARGET_NAMES = {"pay_cvr": "支付转化率", "aov": "客单价", "refund_rate": "退款率",
                      "ad_cost_ratio": "推广费比", "inquiry_cvr": "询单转化率"}
"""Month-level targets shown for the next period: targets.metric -> Chinese label."""

_NUMBER = re.compile(r"(?<![A-Za-z0-9_\-.])[+\-\u2212]?¥?\d[\d,]*(?:\.\d+)?(?:\s*%)?")
_QUOTED = re.compile(r"(「[^」]*」)")
_ACTION_SUBJECTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^关键词「(.+?)」（(.+?)）建议(\S+?)："), "关键词"),
    (re.compile(r"^客服 (.+?)："), "客服"),
    (re.compile(r"^补货：(.+?) 可用库存"), "补货"),
    (re.compile(r"^DSR (\S+) "), "DSR"),
    (re.compile(r"^商品「(.+?)」支付金额"), "商品降幅"),
    (re.compile(r"^商品「(.+?)」支付转化率"), "商品转化"),
    (re.compile(r"^商品「(.+?)」近\d+天访客"), "商品零成交"),
    (re.compile(r"^数据核对\S* (.+?)："), "数据核对"),
    (re.compile(r"(?:^|，)(?:同时)?([^，]+?) 访客 [\d,]+ → [\d,]+（"), "流量来源"),
    (re.compile(r"^(退款率) "), "退款率"),
    (re.compile(r"^(当日差评)"), "差评"),
    (re.compile(r"^\d+ (单付款超过)"), "超时未发货"),
    (re.compile(r"^\d+ (单已付款)"), "临近超时"),
    (re.compile(r"^另有 \d+ 个 (SKU 库存预警)"), "库存预警"),
    (re.compile(r"^另有 \d+ 个(关键词触发推广规则)"), "推广规则"),
    (re.compile(r"^(动销率) "), "动销率"),
)


def action_key(text: str) -> str:
    """
    Return what a daily action line is about, so the same condition matches across days.

    The daily review's lines carry the day's figures; the key keeps the kind of action and
    its subject (keyword and advice, agent, SKU, DSR metric, item, check, traffic source …)
    and drops the figures. A line of an unknown shape keys on its text with every number
    outside 「」 replaced by ``#``.
    """
    for pattern, kind in _ACTION_SUBJECTS:
        found = pattern.search(text)
        if found:
            return "|".join((kind, *found.groups()))
    parts = _QUOTED.split(text)
    return "".join(part if part.startswith("「") else _NUMBER.sub("#", part) for part in parts)


def carry_over(by_day: dict[date, list[str]], last_day: date
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """
    Split the period's daily actions into those still open on ``last_day`` and those closed.

    Parameters
    ----------
    by_day : dict
        Day -> the daily review's action lines of that day (in its order).
    last_day : date
        The last day reviewed: an action is open when its condition (its :func:`action_key`)
        still holds that day, closed when it held on an earlier day only.

    Returns
    -------
    tuple of DataFrame
        (open, closed); columns key, text (the latest line), first_seen, last_seen (date),
        days (days it held). ``open`` keeps the last day's order (most money first);
        ``closed`` is most days first.
    """
    seen: dict[str, dict[str, Any]] = {}
    for d in sorted(by_day):
        for text in by_day[d]:
            key = action_key(text)
            rec = seen.setdefault(key, {"key": key, "text": text, "first_seen": d,
                                        "last_seen": d, "days": 0, "_days": set()})
            rec["text"], rec["last_seen"] = text, d
            rec["_days"].add(d)
    for rec in seen.values():
        rec["days"] = len(rec.pop("_days"))
    columns = ["key", "text", "first_seen", "last_seen", "days"]
    last_keys = list(dict.fromkeys(action_key(t) for t in by_day.get(last_day, [])))
    still = pd.DataFrame([seen[k] for k in last_keys], columns=columns, dtype=object)
    gone = sorted((r for k, r in seen.items() if k not in set(last_keys)),
                  key=lambda r: (-r["days"], r["last_seen"], r["key"]))
    return still, pd.DataFrame(gone, columns=columns, dtype=object)


@dataclass(frozen=True, slots=True)
class NextPeriod:
    """
    下期计划: the next period's targets, the UV it needs, and the open actions.

    Attributes
    ----------
    period : Period
        The whole next period.
    gmv_target : Decimal or None
        Sales target of the next period (元; targets table, else stores.toml); None: none.
    target_source : str or None
        Where the sales target comes from.
    uv_target : Decimal or None
        Σ day 访客数 targets of the next period (人), when the targets table has them.
    ratio_targets : dict
        targets.metric -> value (fraction or 元) of the next period's first month.
    conversion_rate, aov : float, Decimal or None
        This period's 支付转化率 (fraction, on Σ日访客) and 客单价 (元).
    uv_needed : int or None
        target ÷ (转化率 × 客单价) (人, Σ日访客).
    uv_now : int or None
        This period's Σ日访客 to ``through``.
    uv_pace : int or None
        This period's daily UV × the next period's days (人): the UV at the current pace.
    uv_gap : int or None
        uv_needed − uv_pace (人; > 0: more visitors are needed).
    actions, closed : DataFrame
        :func:`carry_over` of the daily reviews of the period.
    action_days : int
        Days whose daily actions were collected.
    """

    period: Period
    gmv_target: Decimal | None
    target_source: str | None
    uv_target: Decimal | None
    ratio_targets: dict[str, float]
    conversion_rate: float | None
    aov: Decimal | None
    uv_needed: int | None
    uv_now: int | None
    uv_pace: int | None
    uv_gap: int | None
    actions: pd.DataFrame
    closed: pd.DataFrame
    action_days: int


def uv_plan(target: Decimal | None, conversion_rate: float | None, aov: Decimal | None,
            uv_now: int | None, elapsed: int, next_days: int
            ) -> tuple[int | None, int | None, int | None]:
    """
    Return (UV needed, UV at the current pace, gap) for a target (人, Σ日访客).

    needed = target ÷ (conversion_rate × aov); pace = uv_now ÷ elapsed × next_days;
    gap = needed − pace. None parts when the target, conversion, AOV or UV is unknown.
    """
    needed = None
    if target is not None and conversion_rate and aov:
        needed = round(float(target) / (conversion_rate * float(aov)))
    pace = None if uv_now is None or not elapsed else round(uv_now / elapsed * next_days)
    gap = None if needed is None or pace is None else needed - pace
    return needed, pace, gap


def next_plan(con: duckdb.DuckDBPyConnection, review: PeriodReview,
              actions_by_day: dict[date, list[str]], *,
              configured_target: float | None = None) -> NextPeriod:
    """
    Return the next period's targets, the UV they need, and the daily actions still open.

    Parameters
    ----------
    review : PeriodReview
        From :func:`plan`.
    actions_by_day : dict
        Day -> the daily review's action lines for the days of the period up to ``through``
        (:func:`storeops.report.period.period_actions`).
    configured_target : float or None
        stores.toml ``monthly_target`` (元).
    """
    p, nxt = review.period, review.next_period
    targets = read_targets(con, nxt.start, nxt.end, configured_target=configured_target)
    gmv_target = targets.gmv(nxt.start, nxt.end)
    ratios = {m: v for m in RATIO_TARGET_NAMES
              if (v := targets.ratio(m, nxt.start)) is not None}
    cr, aov, uv = review.now["conversion_rate"], review.now["aov"], review.now["uv"]
    needed, pace, gap = uv_plan(gmv_target, cr, aov, uv, p.elapsed, nxt.days)
    still, gone = carry_over(actions_by_day, p.through)
    return NextPeriod(
        period=nxt, gmv_target=gmv_target,
        target_source=targets.gmv_day(nxt.start)[1] if gmv_target is not None else None,
        uv_target=targets.additive("visitors", nxt.start, nxt.end), ratio_targets=ratios,
        conversion_rate=cr, aov=aov, uv_needed=needed, uv_now=uv, uv_pace=pace, uv_gap=gap,
        actions=still, closed=gone, action_days=len(actions_by_day),
    )


# ---------------------------------------------------------------- recorded figures


def _json_money(x: Decimal | None) -> float | None:
    return None if x is None else float(metrics.round_money(x))


def _json_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "money":
        return _json_money(Decimal(value))
    if kind in ("pct", "number"):
        return float(value)
    if kind == "int":
        return int(value)
    return value


def json_row(row: dict[str, Any]) -> dict[str, Any]:
    """Return one plan-table row as plain JSON (money rounded to 0.01, ratios fractions)."""
    return {key: _json_value(kind, row.get(key)) for key, _, kind in PLAN_COLUMNS}


def _json_decimal(x: Decimal | None) -> float | None:
    return None if x is None else float(x)


def _json_frame(frame: pd.DataFrame | None, kinds: dict[str, str]) -> list[dict[str, Any]] | None:
    if frame is None:
        return None
    return [{k: _json_value(kind, r.get(k)) for k, kind in kinds.items()}
            for r in frame.to_dict("records")]


CHANNEL_JSON = {"channel": "text", "plan_column": "text", "cost": "money", "cost_prev": "money",
                "gmv_total": "money", "gmv_total_prev": "money", "roi": "number",
                "roi_prev": "number", "cost_ratio": "pct", "cost_ratio_prev": "pct"}
SOURCE_JSON = {"source": "text", "visitors": "int", "visitors_base": "int", "change": "int",
               "change_pct": "pct"}
REASON_JSON = {"reason": "text", "refunds": "int", "refunds_base": "int",
               "refund_amount": "money", "refund_amount_base": "money"}


def channel_figures(found: PeriodChannels | None, sources: SourceChanges | None
                    ) -> dict[str, Any]:
    """
    Return the ``channels`` and ``sources`` figures of the metrics JSON.

    ``channels``: ``window_days``, ``window_days_prev``, ``rows`` (one per channel: cost,
    cost_prev, gmv_total, gmv_total_prev 元; roi, roi_prev; cost_ratio, cost_ratio_prev
    fractions) and ``total``; null without ad data. ``sources``: ``grew`` and ``shrank`` (source,
    visitors, visitors_base Σ日访客, change, change_pct); null without the export.
    """
    chan = None if found is None else {
        "window_days": found.window_days, "window_days_prev": found.window_days_prev,
        "rows": _json_frame(found.rows, CHANNEL_JSON),
        "total": {k: _json_value(kind, found.total.get(k)) for k, kind in CHANNEL_JSON.items()},
    }
    src = None if sources is None else {
        "has_base": sources.has_base,
        "grew": _json_frame(sources.grew, SOURCE_JSON),
        "shrank": _json_frame(sources.shrank, SOURCE_JSON),
    }
    return {"channels": chan, "sources": src}


def _side_json(side: ServiceSide) -> dict[str, Any]:
    return {"days": side.days, "inquiry_users": side.inquiry_users,
            "inquiry_paid_users": side.inquiry_paid_users, "inquiry_rate": side.inquiry_rate,
            "inquiry_cvr": side.inquiry_cvr, "first_resp_sec": side.first_resp_sec,
            "avg_resp_sec": side.avg_resp_sec}


def service_figures(found: PeriodService) -> dict[str, Any]:
    """
    Return the ``service`` figures of the metrics JSON.

    Keys: ``now`` and ``previous`` (days, inquiry_users, inquiry_paid_users, inquiry_rate,
    inquiry_cvr, first_resp_sec, avg_resp_sec), ``dsr`` {metric: {start, end, change}},
    ``refund_rate``, ``refund_rate_prev`` (fractions, pay-day cohort), ``refund_total``,
    ``refund_total_prev`` (元, 退款成功 by completion) and ``refund_reasons``.
    """
    dsr = None
    if found.dsr is not None:
        dsr = {r["metric"]: {"start": _json_decimal(r["start_score"]),
                             "end": _json_decimal(r["end_score"]),
                             "change": _json_decimal(r["change"]),
                             "below_line": bool(r["below_line"])}
               for r in found.dsr.to_dict("records")}
    return {"service": {
        "now": _side_json(found.now), "previous": _side_json(found.previous), "dsr": dsr,
        "refund_rate": found.refund_rate, "refund_rate_prev": found.refund_rate_prev,
        "refund_total": _json_money(found.refund_total),
        "refund_total_prev": _json_money(found.refund_total_prev),
        "refund_reasons": _json_frame(found.reasons, REASON_JSON),
    }}


def next_figures(found: NextPeriod) -> dict[str, Any]:
    """
    Return the ``next_period`` figures of the metrics JSON.

    Keys: ``start``, ``end``, ``gmv_target`` (元), ``uv_target``, ``ratio_targets``,
    ``uv_needed``, ``uv_now``, ``uv_pace``, ``uv_gap`` (人, Σ日访客), ``open_actions``
    (text, first_seen, days) and ``closed_actions`` (count).
    """
    return {"next_period": {
        "start": found.period.start.isoformat(), "end": found.period.end.isoformat(),
        "gmv_target": _json_money(found.gmv_target), "target_source": found.target_source,
        "uv_target": None if found.uv_target is None else int(found.uv_target),
        "ratio_targets": dict(found.ratio_targets),
        "uv_needed": found.uv_needed, "uv_now": found.uv_now, "uv_pace": found.uv_pace,
        "uv_gap": found.uv_gap, "action_days": found.action_days,
        "open_actions": [{"text": r["text"], "first_seen": r["first_seen"].isoformat(),
                          "days": int(r["days"])} for r in found.actions.to_dict("records")],
        "closed_actions": len(found.closed),
    }}


def figures(review: PeriodReview, found: PeriodItems | None = None) -> dict[str, Any]:
    """
    Return the headline figures recorded in ``period_review.metrics.json``.

    Keys: ``period`` (week | month), ``start``, ``end``, ``through``, ``gmv``, ``target``
    (whole period), ``target_to_date``, ``gmv_previous``, ``gmv_last_year`` (元),
    ``gmv_vs_previous``, ``gmv_vs_last_year`` (fractions), ``uv_sum`` (Σ日访客),
    ``conversion_rate``, ``aov`` (元), ``ad_cost`` (元), ``ad_cost_ratio``, ``refund_rate``,
    ``inquiry_rate``, ``inquiry_cvr`` (fractions), ``bridge`` {uv, conversion, aov, total}
    (元), ``active_item_rate``, ``slow_skus``, ``rows`` (one per day) and ``total`` (the
    total row), every missing figure null; also ``gmv_target``, ``gmv_prev``, ``ad_ratio``,
    ``inquiry_conversion`` (the same values under the issue's names). The sections 5–7 add
    :func:`channel_figures`, :func:`service_figures` and :func:`next_figures`.
    """
    t, p = review.total, review.period
    split = review.bridge
    return {
        "period": p.kind,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "through": p.through.isoformat(),
        "gmv": _json_money(review.now["gmv"]),
        "target": _json_money(review.target),
        "target_to_date": _json_money(review.target_to_date),
        "gmv_previous": _json_money(review.previous["gmv"]),
        "gmv_last_year": _json_money(review.last_year["gmv"]),
        "gmv_vs_previous": review.gmv_vs_previous,
        "gmv_vs_last_year": review.gmv_vs_last_year,
        "uv_sum": review.now["uv"],
        "conversion_rate": review.now["conversion_rate"],
        "aov": _json_money(review.now["aov"]),
        "ad_cost": _json_money(t["ad_cost"]),
        "ad_cost_ratio": t["ad_cost_ratio"],
        "refund_rate": review.now["refund_rate"],
        "inquiry_rate": t["inquiry_rate"],
        "inquiry_cvr": t["inquiry_cvr"],
        "bridge": {"uv": _json_money(split.uv), "conversion": _json_money(split.conversion),
                   "aov": _json_money(split.aov),
                   "total": _json_money(split.total) if review.previous["gmv"] is not None
                   and review.now["gmv"] is not None else None},
        "active_item_rate": None if found is None or found.active is None
        else found.active.rate,
        "slow_skus": None if found is None else found.slow_skus,
        "rows": [json_row(r) for r in review.rows.to_dict("records")],
        "total": json_row(t),
        # the names the issue lists, same values as target / gmv_previous / ad_cost_ratio /
        # inquiry_cvr above
        "gmv_target": _json_money(review.target),
        "gmv_prev": _json_money(review.previous["gmv"]),
        "ad_ratio": t["ad_cost_ratio"],
        "inquiry_conversion": t["inquiry_cvr"],
    }
