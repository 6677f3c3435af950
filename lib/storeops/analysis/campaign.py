"""大促复盘 (campaign post-mortem): what a 聚划算 / 618 / 双11 really brought, and what it cost.

Windows: 预热期 (pre-heat start → the day before the main window), 正式期 (main window), 余温期
(the ``tail_days`` days after it, where the post-campaign hangover shows). The counterfactual
**baseline** of a day is the mean of the comparable days before the pre-heat that share its
weekday (same-weekday weighting); comparable days exclude platform festivals and public
holidays (``calendar.special_day``) and every other promotion of the store's promotions table
(its pre-heat to its end plus its own tail). The **band** of a day is the interquartile range
of those same-weekday days. Baselines are rounded to the cent per day, so the incremental GMV of
each day (actual − baseline) adds up exactly to the window and campaign totals; the pre-heat
dip and the tail hangover enter those totals with their sign.

Money model (``gross_margin`` m from stores.toml is the margin at the usual selling price):

* 让利 (discount) of an order = Σ 标价 × 数量 of its lines − its goods amount (买家应付货款);
  the campaign's extra discount = discount of the window orders − the baseline discount rate
  (Σ discount ÷ Σ 标价 over the baseline days) × the window's Σ 标价;
* 增量毛利 (incremental gross profit, at usual prices) = m × (incremental GMV + extra discount);
* 增量成本 (campaign cost) = extra discount + incremental ad spend + incremental 淘宝客佣金, where
  the incremental spend is the window's spend minus the baseline days' mean daily spend times the
  window's days (all of it when the baseline days have no ad data);
* 增量利润 = 增量毛利 − 增量成本 (= m × ΔGMV − (1 − m) × extra discount − extra spend);
* 大促投入产出比 (campaign ROI) = 增量毛利 ÷ 增量成本: above 1 the campaign paid for itself.

推广费比 of the campaign = ad spend in the windows ÷ GMV in the windows, against the seeds'
ceiling (≤ 20 %, ``Thresholds.ad_cost_ratio_max``).
"""

from __future__ import annotations

import logging
import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pandas as pd

from storeops import calendar, metrics, warehouse
from storeops.analysis import ads
from storeops.errors import ConfigError, NoDataError, WarehouseError

logger = logging.getLogger(__name__)

PREHEAT, MAIN, TAIL = "预热期", "正式期", "余温期"
PHASES = (PREHEAT, MAIN, TAIL)
TOTAL = "合计"

TAIL_DAYS = 7
"""Days after the main window counted as its tail (the hangover)."""

BASELINE_DAYS = 28
"""Comparable days collected before the pre-heat (4 of each weekday)."""

MAX_LOOKBACK = 180
"""Calendar days scanned back from the pre-heat for comparable days."""

REFUND_DAYS = (7, 15, 30)
"""Days after payment at which the refund tail is read (cumulative)."""

REBUY_DAYS = (30, 60)
"""Days after the main window in which campaign-new buyers are checked for a second purchase."""

CENT = Decimal("0.01")

PRESALE_STAGES = ("定金", "尾款", "全款预售")
"""Values of ``orders.presale_stage``, in display order."""


def _cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, ROUND_HALF_UP)


def _money(x: Any) -> Decimal:
    return Decimal(0) if x is None else warehouse.to_decimal(x)


def has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    """Tell whether the warehouse has ``table.column`` (an old one gains it at the next ingest)."""
    try:
        return column in warehouse.table_columns(con, table)
    except WarehouseError:
        return False


def _stage_order(stage: str) -> int:
    return PRESALE_STAGES.index(stage) if stage in PRESALE_STAGES else len(PRESALE_STAGES)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# ---------------------------------------------------------------- windows


@dataclass(frozen=True, slots=True)
class Windows:
    """
    The campaign's windows (all ends inclusive) and the last day the report reads.

    ``source`` says where the dates came from: 促销表 (promotions table), 平台日历
    (storeops.calendar's usual dates) or 手动 (explicit parameters). ``cutoff`` is the last day
    with data counted (the report day, or the orders' last day if earlier); window days after it
    are still open and left out.
    """

    name: str
    kind: str
    source: str
    preheat_start: date
    start: date
    end: date
    tail_end: date
    cutoff: date

    def phases(self) -> list[tuple[str, date, date]]:
        """Return (phase, first day, last day) of each non-empty phase, cut at ``cutoff``."""
        spans = [(PREHEAT, self.preheat_start, self.start - timedelta(days=1)),
                 (MAIN, self.start, self.end),
                 (TAIL, self.end + timedelta(days=1), self.tail_end)]
        return [(p, a, min(b, self.cutoff)) for p, a, b in spans if a <= min(b, self.cutoff)]

    def phase_of(self, day: date) -> str | None:
        """Return the phase holding ``day``, or None outside the windows."""
        for phase, first, last in self.phases():
            if first <= day <= last:
                return phase
        return None

    @property
    def open_days(self) -> int:
        """Window days after ``cutoff`` (not over yet, or beyond the data)."""
        return max(0, (self.tail_end - max(self.cutoff, self.preheat_start - timedelta(days=1)))
                   .days)

    @property
    def campaign_end(self) -> date:
        """Last day of the campaign proper (main window), cut at ``cutoff``."""
        return min(self.end, self.cutoff)

    def as_json(self) -> dict[str, Any]:
        """Return the windows for the metrics JSON."""
        return {"name": self.name, "kind": self.kind, "source": self.source,
                "preheat_start": self.preheat_start.isoformat(),
                "start": self.start.isoformat(), "end": self.end.isoformat(),
                "tail_end": self.tail_end.isoformat(), "cutoff": self.cutoff.isoformat()}


_YEAR = re.compile(r"^\s*(\d{4})\s*年?\s*")


def _split_year(text: str) -> tuple[int | None, str]:
    """Split ``"2026双11"`` / ``"2026年双11"`` into (2026, "双11"); (None, text) without a year."""
    m = _YEAR.match(text)
    if m is None:
        return None, text.strip()
    return int(m.group(1)), text[m.end():].strip()


def _norm(text: str) -> str:
    return re.sub(r"[\s年]", "", text)


def _parse_day(value: str, name: str) -> date | None:
    if not value or not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ConfigError(f"参数 {name} = {value!r} 不是 ISO 日期（例如 2026-10-24）") from exc


def find_promotion(promotions: list[dict[str, Any]], campaign: str, report_day: date
                   ) -> dict[str, Any] | None:
    """
    Find a campaign in the promotions table.

    Parameters
    ----------
    promotions : list of dict
        Rows of ``promotions`` (``name``, ``kind``, ``preheat_start``, ``start_date``,
        ``end_date``).
    campaign : str
        A name as written in the table (``2026年双11``), the same without 年 (``2026双11``),
        or an event without a year (``双11``): then the latest such promotion that started on or
        before ``report_day`` (its name contains the text, or its kind equals it).
    report_day : date
        The post-mortem's date.

    Returns
    -------
    dict or None
        The row; None when nothing matches.
    """
    wanted = _norm(campaign)
    exact = [p for p in promotions if _norm(p["name"]) == wanted]
    if exact:
        return exact[0]
    year, event = _split_year(campaign)
    if not event:
        return None
    hits = [p for p in promotions
            if (event in p["name"] or (p.get("kind") or "") == event)
            and (year is None or p["start_date"].year == year)]
    started = [p for p in hits if p["start_date"] <= report_day]
    pool = started or hits
    return max(pool, key=lambda p: p["start_date"]) if pool else None


def find_event(campaign: str, report_day: date) -> calendar.PlatformEvent | None:
    """
    Find a platform festival by name (``双11``, ``2026双11``, ``99``) in storeops.calendar.

    Without a year, the latest occurrence starting on or before ``report_day`` is taken.
    """
    year, event = _split_year(campaign)
    if not event:
        return None
    years = [year] if year is not None else [report_day.year, report_day.year - 1]
    for y in years:
        for e in calendar.platform_events(y):
            if (e.name == event or e.name.startswith(event)) and (
                    year is not None or e.start <= report_day):
                return e
    return None


def resolve_windows(promotions: list[dict[str, Any]], report_day: date, *,
                    campaign: str = "", start: str = "", end: str = "",
                    preheat_start: str = "", data_last_day: date | None = None,
                    tail_days: int = TAIL_DAYS) -> Windows:
    """
    Work out the campaign's windows from the parameters.

    Parameters
    ----------
    promotions : list of dict
        The store's promotions table (``camp_promotions.sql``).
    report_day : date
        The post-mortem's date; window days after it are not counted.
    campaign : str
        Promotion name or platform event (see :func:`find_promotion`, :func:`find_event`);
        the promotions table wins over the platform calendar.
    start, end, preheat_start : str
        ISO dates overriding the campaign's (``""`` = from the campaign). Without a campaign,
        ``start`` and ``end`` are required; ``preheat_start`` defaults to ``start`` (no pre-heat).
    data_last_day : date or None
        Last day of the orders; days after it are not counted either.
    tail_days : int
        Days after the main window counted as its tail.

    Raises
    ------
    ConfigError
        Unknown campaign, missing or inconsistent dates.
    """
    name, kind, source = campaign.strip(), "", "手动"
    p_start = p_main = p_end = None
    if name:
        promo = find_promotion(promotions, name, report_day)
        if promo is not None:
            name, kind, source = promo["name"], promo.get("kind") or "", "促销表"
            p_main, p_end = promo["start_date"], promo["end_date"]
            p_start = promo.get("preheat_start") or p_main
        else:
            event = find_event(name, report_day)
            if event is None:
                known = "、".join(p["name"] for p in promotions[:8]) or "无"
                raise ConfigError(
                    f"找不到大促 '{campaign}'：促销表中没有（已有：{known}），也不是平台活动名"
                    "（年货节、38节、618、99大促、双11、双12）。用 storeops promo add 登记，"
                    "或直接给 start / end 参数")
            name = f"{event.start.year}{event.name}"
            kind, source = event.name, "平台日历"
            p_start, p_main, p_end = event.preheat_start, event.start, event.end
    main_start = _parse_day(start, "start") or p_main
    main_end = _parse_day(end, "end") or p_end
    if main_start is None or main_end is None:
        raise ConfigError("请给出 campaign（促销表中的名称或平台活动名），或同时给出 start 和 end")
    pre = _parse_day(preheat_start, "preheat_start") or p_start or main_start
    pre = min(pre, main_start)
    if main_end < main_start:
        raise ConfigError(f"大促结束日 {main_end} 早于开始日 {main_start}")
    if (start or end or preheat_start) and source != "手动":
        source = f"{source}（日期已手动调整）"
    if not name:
        name = f"{main_start.isoformat()}~{main_end.isoformat()}"
    cutoff = report_day if data_last_day is None else min(report_day, data_last_day)
    if cutoff < pre:
        raise NoDataError(
            f"报告日 {report_day} 早于大促 {name} 的预热开始 {pre}：没有可复盘的数据")
    return Windows(name=name, kind=kind, source=source, preheat_start=pre, start=main_start,
                   end=main_end, tail_end=main_end + timedelta(days=tail_days), cutoff=cutoff)


def promotions(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Return the store's promotions table, newest first."""
    return warehouse.query_rows(con, "camp_promotions")


def orders_span(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """Return the first and last day of the orders in the warehouse (None, None when empty)."""
    for row in warehouse.query_rows(con, "coverage"):
        if row["source"] == "orders":
            return row["first_day"], row["last_day"]
    return None, None


def windows(con: duckdb.DuckDBPyConnection, report_day: date, *, campaign: str = "",
            start: str = "", end: str = "", preheat_start: str = "") -> Windows:
    """Resolve the windows against the store's promotions table and order coverage."""
    _, last = orders_span(con)
    if last is None:
        raise NoDataError("数据仓库中没有订单：先导入订单报表")
    return resolve_windows(promotions(con), report_day, campaign=campaign, start=start,
                           end=end, preheat_start=preheat_start, data_last_day=last)


# ---------------------------------------------------------------- baseline


def excluder(promotions: Iterable[dict[str, Any]], w: Windows, *,
             tail_days: int = TAIL_DAYS) -> Callable[[date], str | None]:
    """
    Return a function telling why a day is not comparable (None when it is).

    A day is excluded when it is a platform festival or a public holiday
    (``calendar.special_day``), or inside another promotion of the table, from its pre-heat to
    ``tail_days`` after its end.
    """
    spans = []
    for p in promotions:
        first = p.get("preheat_start") or p["start_date"]
        if (first, p["end_date"]) == (w.preheat_start, w.end) or p["name"] == w.name:
            continue
        spans.append((first, p["end_date"] + timedelta(days=tail_days), p["name"]))

    def why(day: date) -> str | None:
        for first, last, name in spans:
            if first <= day <= last:
                return f"促销：{name}"
        return calendar.special_day(day)

    return why


def choose_baseline(before: date, n: int, excluded: Callable[[date], str | None], *,
                    first_day: date | None, max_lookback: int = MAX_LOOKBACK
                    ) -> tuple[list[date], list[tuple[date, str]]]:
    """
    Collect up to ``n`` comparable days going back from the day before ``before``.

    Parameters
    ----------
    before : date
        The pre-heat start; only earlier days are taken.
    n : int
        Comparable days wanted (28 = four of each weekday).
    excluded : callable
        ``day -> reason or None`` (see :func:`excluder`).
    first_day : date or None
        First day of the orders; earlier days have no data.
    max_lookback : int
        Calendar days scanned at most.

    Returns
    -------
    (list of date, list of (date, reason))
        The days taken, newest first, and the days skipped with the reason.
    """
    taken: list[date] = []
    skipped: list[tuple[date, str]] = []
    for k in range(1, max_lookback + 1):
        day = before - timedelta(days=k)
        if len(taken) >= n or (first_day is not None and day < first_day):
            break
        reason = excluded(day)
        if reason is None:
            taken.append(day)
        else:
            skipped.append((day, reason))
    return taken, skipped


def _quartiles(values: list[Decimal]) -> tuple[float, float]:
    floats = sorted(float(v) for v in values)
    if len(floats) == 1:
        return floats[0], floats[0]
    q = statistics.quantiles(floats, n=4, method="inclusive")
    return q[0], q[2]


def expected(day: date, history: dict[date, Decimal]) -> tuple[Decimal, float, float]:
    """
    Return a day's baseline value (the cent-rounded mean of the same weekday) and its band.

    Parameters
    ----------
    day : date
        A window day.
    history : dict of date to Decimal
        The baseline days' values (e.g. GMV, 元). Must not be empty.

    Returns
    -------
    (Decimal, float, float)
        Baseline rounded half-up to 0.01, and the 25th / 75th percentiles of the same-weekday
        values (the band). A weekday with no baseline day falls back to all baseline days.
    """
    same = [v for d, v in history.items() if d.weekday() == day.weekday()]
    pool = same or list(history.values())
    mean = sum(pool, Decimal(0)) / len(pool)
    low, high = _quartiles(pool)
    return _cents(mean), low, high


@dataclass(frozen=True, slots=True)
class Baseline:
    """The comparable days and the days skipped (with the reason)."""

    days: tuple[date, ...]
    skipped: tuple[tuple[date, str], ...]
    wanted: int

    @property
    def ok(self) -> bool:
        """True when at least one comparable day was found."""
        return bool(self.days)


def baseline(con: duckdb.DuckDBPyConnection, w: Windows, *, days: int | str = BASELINE_DAYS
             ) -> Baseline:
    """Choose the baseline days of a campaign (see :func:`choose_baseline`)."""
    n = int(str(days).strip() or BASELINE_DAYS)
    if n < 1:
        raise ConfigError(f"baseline_days 必须是正整数，收到 {days!r}")
    first, _ = orders_span(con)
    taken, skipped = choose_baseline(w.preheat_start, n, excluder(promotions(con), w),
                                     first_day=first)
    return Baseline(days=tuple(sorted(taken)), skipped=tuple(skipped), wanted=n)


# ---------------------------------------------------------------- daily figures


def daily_rows(con: duckdb.DuckDBPyConnection, first: date, last: date) -> dict[date, dict]:
    """Return ``camp_daily.sql`` rows of [first, last] keyed by day."""
    return {r["day"]: r for r in warehouse.query_rows(con, "camp_daily", start=first, end=last)}


def incremental_days(rows: dict[date, dict], w: Windows, b: Baseline) -> pd.DataFrame:
    """
    Return one row per window day: actual GMV, baseline and band, incremental GMV.

    Parameters
    ----------
    rows : dict of date to row
        ``camp_daily.sql`` rows covering the windows and the baseline days.
    w : Windows
        The campaign's windows.
    b : Baseline
        Its comparable days (must be ``ok``).

    Returns
    -------
    DataFrame
        Columns ``day``, ``phase``, ``gmv``, ``baseline``, ``incremental`` (Decimal 元),
        ``low``, ``high`` (float 元, the band), ``paid_orders``, ``baseline_orders``,
        ``refund_amount`` (Decimal 元), ``baseline_refund`` (Decimal 元: the baseline refund
        rate × the baseline GMV of the day). Object columns keep Decimal exact.
    """
    gmv_hist = {d: rows[d]["gmv"] for d in b.days}
    order_hist = {d: Decimal(rows[d]["paid_orders"]) for d in b.days}
    base_gmv = sum(gmv_hist.values(), Decimal(0))
    base_refund = sum((rows[d]["refund_amount"] for d in b.days), Decimal(0))
    records = []
    for phase, first, last in w.phases():
        for day in _days(first, last):
            r = rows[day]
            base, low, high = expected(day, gmv_hist)
            base_orders, _, _ = expected(day, order_hist)
            records.append({
                "day": day, "phase": phase, "gmv": r["gmv"], "baseline": base,
                "incremental": r["gmv"] - base, "low": low, "high": high,
                "paid_orders": int(r["paid_orders"]), "baseline_orders": base_orders,
                "refund_amount": r["refund_amount"],
                "baseline_refund": _cents(base * base_refund / base_gmv) if base_gmv else
                Decimal(0),
            })
    return pd.DataFrame(records, dtype=object)


def _sum(rows: Iterable[dict], key: str) -> Any:
    values = [r[key] for r in rows]
    if any(v is None for v in values):
        return None
    return sum(values, Decimal(0)) if values and isinstance(values[0], Decimal) else sum(values)


def _totals(rows: list[dict]) -> dict[str, Any]:
    """Additive totals of some days of ``camp_daily`` and their ratios (sum-then-divide)."""
    gmv = _sum(rows, "gmv")
    buyers = _sum(rows, "paid_buyers") if all(
        r["keyed_orders"] == r["paid_orders"] for r in rows) else None
    uv = _sum(rows, "visitors")
    return {
        "days": len(rows), "gmv": gmv, "paid_orders": _sum(rows, "paid_orders"),
        "buyers": buyers, "uv": uv,
        "conversion": metrics.ratio(buyers, uv),
        "aov": metrics.money_ratio(gmv, buyers) if buyers is not None
        else metrics.money_ratio(gmv, _sum(rows, "paid_orders")),
        "refund_amount": _sum(rows, "refund_amount"),
    }


@dataclass(frozen=True, slots=True)
class PhaseFigures:
    """
    One window's figures vs its baseline.

    ``gmv``, ``baseline_gmv``, ``incremental`` are Decimal 元; ``buyers`` is Σ of the daily
    distinct buyers (人·天) and ``uv`` Σ日访客 (None without buyer keys / traffic on every day);
    ``conversion`` (fraction) and ``aov`` (元) are sum-then-divide; ``base_*`` the same over
    the baseline days.
    """

    phase: str
    first: date
    last: date
    days: int
    gmv: Decimal
    baseline_gmv: Decimal
    incremental: Decimal
    paid_orders: int
    baseline_orders: Decimal
    uv: int | None
    conversion: float | None
    aov: Decimal | None
    base_conversion: float | None
    base_aov: Decimal | None
    base_uv_per_day: Decimal | None

    @property
    def uplift(self) -> float | None:
        """Incremental GMV ÷ baseline GMV (fraction); None when the baseline is 0."""
        return metrics.ratio(self.incremental, self.baseline_gmv)


@dataclass(frozen=True, slots=True)
class Uplift:
    """
    The campaign's GMV against its baseline, by day and by window.

    ``days`` is the frame of :func:`incremental_days`; ``phases`` one row per window plus a
    ``合计`` row whose money is the exact sum of the others. ``net_incremental`` = incremental GMV
    − (refunds of the window orders − baseline refunds), Decimal 元.
    """

    windows: Windows
    baseline: Baseline
    days: pd.DataFrame
    phases: tuple[PhaseFigures, ...]
    actual_gmv: Decimal
    baseline_gmv: Decimal
    incremental_gmv: Decimal
    refunds: Decimal
    baseline_refunds: Decimal
    net_incremental: Decimal
    preheat_dip: Decimal | None
    hangover: Decimal | None
    rows: dict[date, dict] = field(repr=False)


def uplift(con: duckdb.DuckDBPyConnection, w: Windows, b: Baseline) -> Uplift | None:
    """
    Compare each window day with its baseline (see the module docstring).

    Returns
    -------
    Uplift or None
        None when no comparable day was found before the pre-heat.
    """
    if not b.ok:
        return None
    rows = daily_rows(con, b.days[0], max(w.cutoff, b.days[-1]))
    frame = incremental_days(rows, w, b)
    base_rows = [rows[d] for d in b.days]
    base = _totals(base_rows)
    phases = []
    for phase, first, last in w.phases():
        part = frame.loc[frame["phase"] == phase]
        t = _totals([rows[d] for d in _days(first, last)])
        phases.append(_phase(phase, first, last, part, t, base))
    total = _phase(TOTAL, w.preheat_start, min(w.tail_end, w.cutoff), frame,
                   _totals([rows[d] for d in frame["day"]]), base)
    phases.append(total)

    def phase_sum(name: str) -> Decimal | None:
        found = [p.incremental for p in phases if p.phase == name]
        return found[0] if found else None

    refunds = sum(frame["refund_amount"], Decimal(0))
    base_refunds = sum(frame["baseline_refund"], Decimal(0))
    dip = phase_sum(PREHEAT)
    tail = phase_sum(TAIL)
    return Uplift(
        windows=w, baseline=b, days=frame, phases=tuple(phases),
        actual_gmv=total.gmv, baseline_gmv=total.baseline_gmv,
        incremental_gmv=total.incremental, refunds=refunds, baseline_refunds=base_refunds,
        net_incremental=total.incremental - (refunds - base_refunds),
        preheat_dip=dip if dip is not None and dip < 0 else None,
        hangover=tail if tail is not None and tail < 0 else None, rows=rows,
    )


def _phase(phase: str, first: date, last: date, part: pd.DataFrame, t: dict[str, Any],
           base: dict[str, Any]) -> PhaseFigures:
    uv_days = base["uv"]
    return PhaseFigures(
        phase=phase, first=first, last=last, days=len(part),
        gmv=sum(part["gmv"], Decimal(0)), baseline_gmv=sum(part["baseline"], Decimal(0)),
        incremental=sum(part["incremental"], Decimal(0)),
        paid_orders=int(sum(part["paid_orders"])),
        baseline_orders=sum(part["baseline_orders"], Decimal(0)),
        uv=t["uv"], conversion=t["conversion"], aov=t["aov"],
        base_conversion=base["conversion"], base_aov=base["aov"],
        base_uv_per_day=None if uv_days is None else Decimal(uv_days) / base["days"],
    )


# ---------------------------------------------------------------- costs and ROI


@dataclass(frozen=True, slots=True)
class Costs:
    """
    What the campaign cost and what it earned (module docstring: the money model).

    All money Decimal 元. ``ads`` is one row per channel (``channel``, one column per phase,
    ``total``), None without ad data in the windows. ``ad_normal`` / ``taoke_normal`` are the
    everyday level subtracted (None when the baseline days lack that data: then the whole spend
    counts). ``discount`` is None without order lines; ``discount_orders`` / ``orders`` say how
    many window orders had lines. ``roi`` is a plain number (增量毛利 ÷ 增量成本).
    """

    margin: float
    ads: pd.DataFrame | None
    ad_window_days: int | None
    ad_spend: Decimal
    ad_normal: Decimal | None
    taoke: Decimal | None
    taoke_normal: Decimal | None
    discount: Decimal | None
    discount_normal: Decimal | None
    discount_rate: float | None
    base_discount_rate: float | None
    discount_orders: int
    orders: int
    incremental_gmv: Decimal
    extra_discount: Decimal | None
    extra_ads: Decimal
    extra_taoke: Decimal
    gross_profit: Decimal
    campaign_cost: Decimal
    net_profit: Decimal
    roi: float | None
    ad_cost_ratio: float | None
    ceiling: float


def _ad_days(con: duckdb.DuckDBPyConnection, first: date, last: date
             ) -> tuple[int | None, list[dict]]:
    window = ads.pick_window(con, first, last)
    if window is None:
        return None, []
    return window, warehouse.query_rows(con, "camp_ad_days", start=first, end=last,
                                        window=window)


def ad_table(rows: list[dict], w: Windows) -> pd.DataFrame | None:
    """
    Sum ad spend per channel and window (rows of ``camp_ad_days.sql``).

    Returns
    -------
    DataFrame or None
        ``channel``, one Decimal 元 column per phase and ``total``, most spend first; None
        when no row falls in the windows.
    """
    table: dict[str, dict[str, Decimal]] = {}
    for r in rows:
        phase = w.phase_of(r["day"])
        if phase is None:
            continue
        cell = table.setdefault(r["channel"], {p: Decimal(0) for p in PHASES})
        cell[phase] += _money(r["cost"])
    if not table:
        return None
    records = [{"channel": ch, **cells, "total": sum(cells.values(), Decimal(0))}
               for ch, cells in table.items()]
    records.sort(key=lambda r: (-r["total"], r["channel"]))
    return pd.DataFrame(records, dtype=object)


def costs(con: duckdb.DuckDBPyConnection, up: Uplift | None, *, gross_margin: float,
          ceiling: float = ads.COST_RATIO_CEILING) -> Costs | None:
    """
    Work out the campaign's costs, incremental gross profit and ROI.

    Parameters
    ----------
    con : DuckDBPyConnection
        The store's warehouse.
    up : Uplift
        From :func:`uplift`.
    gross_margin : float
        毛利率 at usual prices (stores.toml), a fraction in (0, 1].
    ceiling : float
        推广费比 ceiling (fraction; the seeds' 20 %).

    Returns
    -------
    Costs or None
        None when there is no baseline (``up`` is None).
    """
    if up is None:
        return None
    ads.break_even_roi(gross_margin)  # raises ConfigError for a margin outside (0, 1]
    margin = Decimal(str(gross_margin))
    w, b, rows = up.windows, up.baseline, up.rows
    window_days = list(up.days["day"])
    n_days = len(window_days)
    ad_window, ad_rows = _ad_days(con, b.days[0], w.cutoff)
    table = ad_table(ad_rows, w)
    ad_spend = Decimal(0) if table is None else sum(table["total"], Decimal(0))
    spend_by_day: dict[date, Decimal] = {}
    for r in ad_rows:
        spend_by_day[r["day"]] = spend_by_day.get(r["day"], Decimal(0)) + _money(r["cost"])
    ad_normal = None
    if ad_rows and all(d in spend_by_day for d in b.days):
        ad_normal = _cents(sum((spend_by_day[d] for d in b.days), Decimal(0)) / len(b.days)
                           * n_days)
    extra_ads = ad_spend - (ad_normal or Decimal(0))

    taoke_days = [rows[d]["cost_taoke"] for d in window_days]
    taoke = None if all(v is None for v in taoke_days) else sum(
        (v for v in taoke_days if v is not None), Decimal(0))
    base_taoke = [rows[d]["cost_taoke"] for d in b.days]
    taoke_normal = None
    if taoke is not None and all(v is not None for v in base_taoke):
        taoke_normal = _cents(sum(base_taoke, Decimal(0)) / len(b.days) * n_days)
    extra_taoke = (taoke or Decimal(0)) - (taoke_normal or Decimal(0))

    win = [rows[d] for d in window_days]
    base = [rows[d] for d in b.days]
    orders = sum(int(r["paid_orders"]) for r in win)
    with_lines = sum(int(r["orders_with_lines"]) for r in win)
    discount = discount_normal = extra_discount = None
    rate = base_rate = None
    if with_lines:
        w_list = sum((_money(r["list_value"]) for r in win), Decimal(0))
        discount = w_list - sum((_money(r["goods_paid"]) for r in win), Decimal(0))
        b_list = sum((_money(r["list_value"]) for r in base), Decimal(0))
        b_disc = b_list - sum((_money(r["goods_paid"]) for r in base), Decimal(0))
        rate = metrics.ratio(discount, w_list)
        base_rate = metrics.ratio(b_disc, b_list)
        discount_normal = _cents(w_list * b_disc / b_list) if b_list else Decimal(0)
        extra_discount = discount - discount_normal

    gross_profit = _cents(margin * (up.incremental_gmv + (extra_discount or Decimal(0))))
    cost = (extra_discount or Decimal(0)) + extra_ads + extra_taoke
    return Costs(
        margin=float(margin), ads=table, ad_window_days=ad_window, ad_spend=ad_spend,
        ad_normal=ad_normal, taoke=taoke, taoke_normal=taoke_normal, discount=discount,
        discount_normal=discount_normal, discount_rate=rate, base_discount_rate=base_rate,
        discount_orders=with_lines, orders=orders, incremental_gmv=up.incremental_gmv,
        extra_discount=extra_discount, extra_ads=extra_ads, extra_taoke=extra_taoke,
        gross_profit=gross_profit, campaign_cost=cost, net_profit=gross_profit - cost,
        roi=metrics.ratio(gross_profit, cost) if cost > 0 else None,
        ad_cost_ratio=metrics.ratio(ad_spend + (taoke or Decimal(0)), up.actual_gmv)
        if table is not None or taoke is not None else None,
        ceiling=ceiling,
    )


# ---------------------------------------------------------------- hours


@dataclass(frozen=True, slots=True)
class Hours:
    """
    GMV and orders by hour (pay time, Asia/Shanghai) of the main day vs a normal day.

    ``frame``: ``hour`` 0–23, ``gmv``, ``paid_orders`` (the main day), ``normal_gmv`` (mean of
    the baseline days, Decimal 元) and ``normal_orders`` (float). ``first_hour_share`` is the
    share of the main day's GMV paid in its first hour (00:00–00:59).

    ``presale``: the main day's presale orders by hour, ``hour`` 0–23 plus one Decimal 元 column
    per stage present (定金 / 尾款 / 全款预售), included in ``gmv``; ``presale_summary``: per stage
    ``stage``, ``gmv`` (Decimal 元), ``paid_orders``, ``day_share`` (of the day's GMV) and
    ``first_hour_share`` (of the stage's GMV). Both None when no order of the day carries a
    presale stage (the export has no presale columns, or no presale orders).
    """

    day: date
    frame: pd.DataFrame
    first_hour_share: float | None
    peak_hour: int | None
    normal_days: int
    presale: pd.DataFrame | None = None
    presale_summary: pd.DataFrame | None = None


def presale_hours(rows: list[dict], day_gmv: Decimal
                  ) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """
    Spread the presale orders of one day over its hours, per stage.

    Parameters
    ----------
    rows : list of dict
        ``camp_hourly_presale.sql`` rows: ``stage``, ``hour``, ``gmv`` (Decimal 元),
        ``paid_orders``.
    day_gmv : Decimal
        The day's GMV over every order (元), for each stage's share.

    Returns
    -------
    (DataFrame, DataFrame) or (None, None)
        ``Hours.presale`` and ``Hours.presale_summary``; (None, None) without rows.
    """
    if not rows:
        return None, None
    stages = sorted({r["stage"] for r in rows}, key=lambda s: (_stage_order(s), s))
    wide = pd.DataFrame({"hour": range(24)}, dtype=object)
    summary = []
    for stage in stages:
        mine = {int(r["hour"]): r for r in rows if r["stage"] == stage}
        gmv = [_money(mine[h]["gmv"]) if h in mine else Decimal(0) for h in range(24)]
        wide[stage] = gmv
        total = sum(gmv, Decimal(0))
        summary.append({
            "stage": stage, "gmv": total,
            "paid_orders": sum(int(r["paid_orders"]) for r in mine.values()),
            "day_share": metrics.ratio(total, day_gmv),
            "first_hour_share": metrics.ratio(gmv[0], total),
        })
    return wide, pd.DataFrame(summary, dtype=object)


def hourly(con: duckdb.DuckDBPyConnection, up: Uplift | None) -> Hours | None:
    """Return the hourly curve of the main day (the main window's day of highest GMV)."""
    if up is None:
        return None
    main = up.days.loc[up.days["phase"] == MAIN]
    if main.empty:
        return None
    day = main.sort_values("gmv", ascending=False, kind="stable")["day"].iloc[0]
    days = [day, *up.baseline.days]
    rows = warehouse.query_rows(con, "camp_hourly", days=days)
    n = len(up.baseline.days)
    records = []
    for h in range(24):
        on_day = [r for r in rows if r["day"] == day and r["hour"] == h]
        normal = [r for r in rows if r["day"] != day and r["hour"] == h]
        records.append({
            "hour": h,
            "gmv": _money(on_day[0]["gmv"]) if on_day else Decimal(0),
            "paid_orders": int(on_day[0]["paid_orders"]) if on_day else 0,
            "normal_gmv": sum((_money(r["gmv"]) for r in normal), Decimal(0)) / n,
            "normal_orders": sum(int(r["paid_orders"]) for r in normal) / n,
        })
    frame = pd.DataFrame(records, dtype=object)
    total = sum(frame["gmv"], Decimal(0))
    peak = int(frame.loc[frame["gmv"].astype(float).idxmax(), "hour"]) if total else None
    presale, summary = None, None
    if has_column(con, "orders", "presale_stage"):
        presale, summary = presale_hours(
            warehouse.query_rows(con, "camp_hourly_presale", day=day), total)
    return Hours(day=day, frame=frame, first_hour_share=metrics.ratio(frame["gmv"].iloc[0], total),
                 peak_hour=peak, normal_days=n, presale=presale, presale_summary=summary)


# ---------------------------------------------------------------- buyers


@dataclass(frozen=True, slots=True)
class Repurchase:
    """
    How many campaign-new buyers paid again within ``days`` days after the main window's end.

    ``observed_days`` is how many of those days the data covers (up to the report's cutoff);
    while it is below ``days`` the count is a floor and ``days_to_come`` days are still open.
    """

    days: int
    new_buyers: int
    bought_again: int
    observed_days: int

    @property
    def complete(self) -> bool:
        """True when the data reaches ``days`` days after the campaign end."""
        return self.observed_days >= self.days

    @property
    def days_to_come(self) -> int:
        """Days of the horizon not covered by the data yet (0 when complete)."""
        return max(0, self.days - self.observed_days)

    @property
    def rate(self) -> float | None:
        """Buyers who paid again ÷ new buyers (fraction)."""
        return metrics.ratio(self.bought_again, self.new_buyers)

    def as_json(self) -> dict[str, Any]:
        """Return the horizon for the metrics JSON."""
        return {"days": self.days, "new_buyers": self.new_buyers,
                "bought_again": self.bought_again, "rate": self.rate,
                "complete": self.complete, "observed_days": self.observed_days,
                "days_to_come": self.days_to_come}


def repurchase(days_after: Iterable[int | None], observed_days: int,
               horizons: Iterable[int] = REBUY_DAYS) -> tuple[Repurchase, ...]:
    """
    Count the new buyers who paid again within each horizon after the campaign end.

    Parameters
    ----------
    days_after : iterable of int or None
        One value per campaign-new buyer: days from the main window's last day to the
        buyer's next paid order (1 = the next day), None when none is known yet.
    observed_days : int
        Days after the campaign end covered by the data (report cutoff − campaign end).
    horizons : iterable of int
        Horizons in days (30, 60).

    Returns
    -------
    tuple of Repurchase
        One per horizon; a buyer counts when ``days_after`` ≤ min(horizon, observed_days).
    """
    values = list(days_after)
    seen = max(0, observed_days)
    out = []
    for h in horizons:
        reach = min(h, seen)
        out.append(Repurchase(days=h, new_buyers=len(values), observed_days=min(h, seen),
                              bought_again=sum(1 for v in values if v is not None
                                               and 1 <= v <= reach)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Buyers:
    """
    Buyers of the campaign (pre-heat to main end): new = first paid order ever in the window.

    Counts in 人, money Decimal 元. ``repurchase`` holds the 30- and 60-day repurchase of the
    new buyers after the main window's end (see :class:`Repurchase`). ``history_days`` is how
    far the orders go back before the pre-heat.
    """

    new: int
    returning: int
    new_gmv: Decimal
    returning_gmv: Decimal
    new_orders: int
    returning_orders: int
    repurchase: tuple[Repurchase, ...]
    history_days: int

    @property
    def new_share(self) -> float | None:
        """New buyers ÷ all campaign buyers."""
        return metrics.ratio(self.new, self.new + self.returning)

    @property
    def new_aov(self) -> Decimal | None:
        """GMV per new buyer (元)."""
        return metrics.money_ratio(self.new_gmv, self.new)

    @property
    def returning_aov(self) -> Decimal | None:
        """GMV per returning buyer (元)."""
        return metrics.money_ratio(self.returning_gmv, self.returning)

    def repurchase_within(self, days: int) -> Repurchase | None:
        """Return the repurchase horizon of ``days`` days (None when not computed)."""
        return next((r for r in self.repurchase if r.days == days), None)


def split_buyers(rows: list[dict]) -> dict[bool, dict]:
    """Key ``camp_new_buyers.sql`` rows by ``is_new``."""
    return {bool(r["is_new"]): r for r in rows}


def buyers(con: duckdb.DuckDBPyConnection, w: Windows) -> Buyers | None:
    """
    Count new and returning buyers of the campaign (pay time in pre-heat … main end).

    The repurchase of the new buyers is counted from the day after the main window's end up to
    the report's cutoff, so a re-run later with the same report date shows the same figures.

    Returns
    -------
    Buyers or None
        None when the orders carry no buyer key (export without 买家会员名).
    """
    first, _ = orders_span(con)
    end = w.campaign_end
    parts = split_buyers(warehouse.query_rows(con, "camp_new_buyers", start=w.preheat_start,
                                              end=end, rebuy_days=0))
    if not parts:
        return None
    again = warehouse.query_rows(con, "campaign_repurchase", start=w.preheat_start, end=end,
                                 cutoff=w.cutoff)
    observed = (w.cutoff - w.end).days if w.cutoff >= w.end else 0
    new, old = parts.get(True, {}), parts.get(False, {})
    return Buyers(
        new=int(new.get("buyers", 0)), returning=int(old.get("buyers", 0)),
        new_gmv=_money(new.get("gmv")), returning_gmv=_money(old.get("gmv")),
        new_orders=int(new.get("orders", 0)), returning_orders=int(old.get("orders", 0)),
        repurchase=repurchase((r["days_after"] for r in again), observed),
        history_days=(w.preheat_start - first).days if first is not None else 0,
    )


# ---------------------------------------------------------------- items


@dataclass(frozen=True, slots=True)
class Items:
    """
    The campaign's items by GMV (order goods amount allocated to lines by 标价 × 数量).

    ``frame``: ``item_key``, ``title`` (export text: escape before showing), ``qty``, ``gmv``
    (Decimal 元), ``share``, ``cum_share`` (fractions), most GMV first. ``items_80`` is how
    many items made 80 % of GMV; ``top20_share`` the GMV share of the top 20 % of items.
    """

    frame: pd.DataFrame
    items: int
    items_80: int
    top20_share: float | None


def pareto(frame: pd.DataFrame) -> tuple[int, float | None, pd.DataFrame]:
    """
    Return (items making 80 % of GMV, GMV share of the top 20 % of items, frame with shares).

    Parameters
    ----------
    frame : DataFrame
        ``gmv`` (Decimal 元) per item, any order.

    Returns
    -------
    (int, float or None, DataFrame)
        The top 20 % is ceil(0.2 × items) items; the frame gains ``share`` and ``cum_share``,
        sorted by GMV descending.
    """
    ordered = frame.sort_values("gmv", ascending=False, kind="stable", ignore_index=True,
                                key=lambda s: s.map(float))
    total = sum(ordered["gmv"], Decimal(0))
    if not total:
        return 0, None, ordered.assign(share=None, cum_share=None)
    cum, shares, cums, n80 = Decimal(0), [], [], 0
    for g in ordered["gmv"]:
        if cum < total * Decimal("0.8"):
            n80 += 1
        cum += g
        shares.append(float(g / total))
        cums.append(float(cum / total))
    top = -(-len(ordered) // 5)
    top_share = float(sum(ordered["gmv"].iloc[:top], Decimal(0)) / total)
    return n80, top_share, ordered.assign(share=shares, cum_share=cums)


def items(con: duckdb.DuckDBPyConnection, w: Windows) -> Items | None:
    """Rank the campaign's items (pre-heat … main end); None without order lines."""
    rows = warehouse.query_rows(con, "camp_items", start=w.preheat_start, end=w.campaign_end)
    if not rows:
        return None
    frame = pd.DataFrame(rows, dtype=object)
    n80, top, ranked = pareto(frame)
    return Items(frame=ranked, items=len(ranked), items_80=n80, top20_share=top)


@dataclass(frozen=True, slots=True)
class StockOuts:
    """
    SKUs whose sellable stock hit 0 in the stock snapshots from the pre-heat to the tail end.

    ``frame``: ``sku_code``, ``name`` and ``spec`` (export text: escape before showing),
    ``sold_out_day`` (first snapshot day with 可用库存 ≤ 0), ``zero_days`` (snapshot days at
    ≤ 0 in the range), ``back_day`` (first later snapshot day above 0, None when still out),
    ``out_before`` (already ≤ 0 on the last snapshot before the pre-heat), ``gmv_rank`` (rank
    of the SKU in the campaign's GMV, 1 = best; None when it sold nothing) — best-selling
    first. ``snapshot_days`` is how many snapshot days the range has.
    """

    frame: pd.DataFrame
    snapshot_days: int
    first: date
    last: date


def find_stock_outs(rows: list[dict], first: date, ranks: dict[str, int]) -> pd.DataFrame:
    """
    Find the SKUs whose stock hit 0 on a snapshot day from ``first`` on.

    Parameters
    ----------
    rows : list of dict
        ``campaign_stock_days.sql`` rows (``day``, ``sku_code``, ``name``, ``spec``,
        ``available`` 件), from a few days before ``first``.
    first : date
        First day of the range searched (the pre-heat start); earlier rows only tell whether
        the SKU was already out before it.
    ranks : dict of str to int
        SKU → rank in the campaign's GMV (1 = best).

    Returns
    -------
    DataFrame
        See :class:`StockOuts`; empty (with the columns) when nothing sold out.
    """
    cols = ["sku_code", "name", "spec", "sold_out_day", "zero_days", "back_day", "out_before",
            "gmv_rank"]
    by_sku: dict[str, list[dict]] = {}
    for r in rows:
        by_sku.setdefault(r["sku_code"], []).append(r)
    found = []
    for sku, snaps in by_sku.items():
        snaps = sorted(snaps, key=lambda r: r["day"])
        before = [r for r in snaps if r["day"] < first]
        inside = [r for r in snaps if r["day"] >= first]
        zero = [r for r in inside if r["available"] is not None and r["available"] <= 0]
        if not zero:
            continue
        out_day = zero[0]["day"]
        back = next((r["day"] for r in inside if r["day"] > out_day
                     and r["available"] is not None and r["available"] > 0), None)
        found.append({
            "sku_code": sku, "name": snaps[-1]["name"], "spec": snaps[-1]["spec"],
            "sold_out_day": out_day, "zero_days": len(zero), "back_day": back,
            "out_before": bool(before) and before[-1]["available"] is not None
            and before[-1]["available"] <= 0,
            "gmv_rank": ranks.get(sku),
        })
    found.sort(key=lambda r: (r["gmv_rank"] is None, r["gmv_rank"] or 0, r["sold_out_day"],
                              r["sku_code"]))
    return pd.DataFrame(found, columns=cols, dtype=object)


def stock_outs(con: duckdb.DuckDBPyConnection, w: Windows, it: Items | None
               ) -> StockOuts | None:
    """
    Return the SKUs that sold out from the pre-heat to the tail end (cut at the cutoff).

    Returns
    -------
    StockOuts or None
        None when no stock snapshot falls in that range (no ERP stock export for those days).
    """
    last = min(w.tail_end, w.cutoff)
    rows = warehouse.query_rows(con, "campaign_stock_days",
                                start=w.preheat_start - timedelta(days=7), end=last)
    days = {r["day"] for r in rows if r["day"] >= w.preheat_start}
    if not days:
        return None
    ranks: dict[str, int] = {}
    if it is not None:
        ranks = {str(k): i + 1 for i, k in enumerate(it.frame["item_key"])}
    return StockOuts(frame=find_stock_outs(rows, w.preheat_start, ranks),
                     snapshot_days=len(days), first=w.preheat_start, last=last)


PRICE_CUT_MIN_UNITS = 3
"""Baseline units an item needs before its baseline price is trusted."""


@dataclass(frozen=True, slots=True)
class PriceCuts:
    """
    Items by how much their average paid unit price fell in the main window vs the baseline.

    ``frame``: ``item_key``, ``title`` (export text), ``base_price`` and ``main_price``
    (Σ allocated paid ÷ Σ units, Decimal 元 to the cent), ``cut`` (1 − main ÷ base, fraction),
    ``units`` (件 in the main window), ``expected_units`` (baseline units per day × main
    days, float), ``uplift`` (units ÷ expected − 1, fraction), deepest cut first.
    """

    frame: pd.DataFrame
    main_days: int
    base_days: int
    compared: int


def price_cut_table(rows: list[dict], main_days: int, base_days: int, *,
                    min_units: int = PRICE_CUT_MIN_UNITS) -> pd.DataFrame:
    """
    Compare each item's average paid unit price and units in the main window with the baseline.

    Parameters
    ----------
    rows : list of dict
        ``campaign_item_prices.sql`` rows: ``item_key``, ``title``, ``main_qty``,
        ``base_qty`` (件), ``main_paid``, ``base_paid`` (Decimal 元).
    main_days : int
        Days of the main window counted (cut at the cutoff).
    base_days : int
        Baseline days.
    min_units : int
        Items with fewer baseline units (or none sold in the main window) are left out.

    Returns
    -------
    DataFrame
        See :class:`PriceCuts`, all compared items, deepest cut first.
    """
    cols = ["item_key", "title", "base_price", "main_price", "cut", "units", "expected_units",
            "uplift"]
    out = []
    for r in rows:
        base_qty, main_qty = int(r["base_qty"]), int(r["main_qty"])
        if base_qty < min_units or main_qty <= 0 or not base_days or not main_days:
            continue
        base_price = _money(r["base_paid"]) / base_qty
        main_price = _money(r["main_paid"]) / main_qty
        if base_price <= 0:
            continue
        expected_units = base_qty / base_days * main_days
        out.append({
            "item_key": r["item_key"], "title": r["title"],
            "base_price": _cents(base_price), "main_price": _cents(main_price),
            "cut": float(1 - main_price / base_price), "units": main_qty,
            "expected_units": expected_units, "uplift": main_qty / expected_units - 1,
        })
    out.sort(key=lambda r: (-r["cut"], str(r["item_key"])))
    return pd.DataFrame(out, columns=cols, dtype=object)


def price_cuts(con: duckdb.DuckDBPyConnection, up: Uplift | None) -> PriceCuts | None:
    """
    Return the items by price cut in the main window vs the baseline days.

    Returns
    -------
    PriceCuts or None
        None without a baseline, a main window, or order lines.
    """
    if up is None:
        return None
    main = [p for p in up.windows.phases() if p[0] == MAIN]
    if not main:
        return None
    _, first, last = main[0]
    rows = warehouse.query_rows(con, "campaign_item_prices", start=first, end=last,
                                days=list(up.baseline.days))
    if not rows:
        return None
    n_main, n_base = (last - first).days + 1, len(up.baseline.days)
    frame = price_cut_table(rows, n_main, n_base)
    return PriceCuts(frame=frame, main_days=n_main, base_days=n_base, compared=len(frame))


# ---------------------------------------------------------------- competitors


@dataclass(frozen=True, slots=True)
class Competitors:
    """
    Competitor items (生意参谋 竞品 snapshots) across the campaign.

    ``frame``: ``item_id``, ``device``, ``shop``, ``title`` (export text), ``before_day`` /
    ``before_index`` / ``before_rank`` (the last snapshot before the pre-heat), ``window_index``
    (mean 交易指数 of the snapshots from the pre-heat to the tail end), ``peak_index``,
    ``best_rank`` (best 热销排名 in the window), ``change`` (window ÷ before − 1, fraction;
    None without a snapshot before); and from the price column (价格 / 一口价) ``before_price``
    (the last price before the pre-heat), ``main_price`` (mean price of the main-window
    snapshots) and ``price_change`` (main ÷ before − 1), Decimal 元 / fraction, None without
    prices. 交易指数 is an index fitted to 支付金额, not money: compare it only with itself.

    Price position (``has_prices`` True when any competitor snapshot has a price):
    ``rival_price`` is the mean of the competitor items' main-window prices; ``our_price`` the
    average paid unit price (Σ allocated paid ÷ Σ units, order lines) in the main window of our
    comparable items — those whose own average lies between half the cheapest and twice the
    dearest competitor price (``our_items`` of them); ``price_position`` = ours ÷ theirs − 1
    (negative: we sold cheaper). None when either side is missing.
    """

    frame: pd.DataFrame
    window_days: int
    has_prices: bool = False
    our_price: Decimal | None = None
    rival_price: Decimal | None = None
    price_position: float | None = None
    our_items: int = 0


def competitor_table(rows: list[dict], first: date, last: date, *,
                     main: tuple[date, date] | None = None) -> pd.DataFrame:
    """
    Compare each competitor item's 交易指数 in the window with its last snapshot before it.

    Parameters
    ----------
    rows : list of dict
        ``campaign_competitors.sql`` rows (``day``, ``item_id``, ``device``, ``shop``,
        ``title``, ``trade_index``, ``rank``), optionally with ``price`` (Decimal 元 or None).
    first, last : date
        The window (pre-heat start … tail end, cut at the cutoff); earlier rows are "before".
    main : (date, date) or None
        The main window, where the prices are read (default: the whole window).

    Returns
    -------
    DataFrame
        See :class:`Competitors`; items without a snapshot in the window are left out; most
        growth first (items without a before value last).
    """
    cols = ["item_id", "device", "shop", "title", "before_day", "before_index", "before_rank",
            "window_index", "peak_index", "best_rank", "change", "before_price", "main_price",
            "price_change"]
    main_first, main_last = main or (first, last)
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        groups.setdefault((r["item_id"], r["device"]), []).append(r)
    out = []
    for (item, device), snaps in groups.items():
        snaps = sorted(snaps, key=lambda r: r["day"])
        before = [r for r in snaps if r["day"] < first and r["trade_index"] is not None]
        inside = [r for r in snaps if first <= r["day"] <= last and r["trade_index"] is not None]
        if not inside:
            continue
        mean = sum(r["trade_index"] for r in inside) / len(inside)
        ranks = [r["rank"] for r in inside if r["rank"] is not None]
        b = before[-1] if before else None
        priced_before = [r for r in snaps if r["day"] < first and r.get("price") is not None]
        priced_main = [_money(r["price"]) for r in snaps
                       if main_first <= r["day"] <= main_last and r.get("price") is not None]
        before_price = _money(priced_before[-1]["price"]) if priced_before else None
        main_price = (_cents(sum(priced_main, Decimal(0)) / len(priced_main))
                      if priced_main else None)
        out.append({
            "item_id": item, "device": device, "shop": snaps[-1]["shop"],
            "title": snaps[-1]["title"],
            "before_day": b["day"] if b else None,
            "before_index": b["trade_index"] if b else None,
            "before_rank": b["rank"] if b else None,
            "window_index": mean, "peak_index": max(r["trade_index"] for r in inside),
            "best_rank": min(ranks) if ranks else None,
            "change": mean / b["trade_index"] - 1 if b and b["trade_index"] else None,
            "before_price": before_price, "main_price": main_price,
            "price_change": float(main_price / before_price - 1)
            if main_price is not None and before_price else None,
        })
    out.sort(key=lambda r: (r["change"] is None, -(r["change"] or 0), r["item_id"]))
    return pd.DataFrame(out, columns=cols, dtype=object)


def price_position(rival_prices: Iterable[Decimal | None], our_rows: list[dict]
                   ) -> tuple[Decimal | None, Decimal | None, float | None, int]:
    """
    Compare our average paid unit price with the competitors' average price.

    Parameters
    ----------
    rival_prices : iterable of Decimal or None
        Each competitor item's main-window price (元); None values are skipped.
    our_rows : list of dict
        ``campaign_item_prices.sql`` rows: ``item_key``, ``main_qty`` (件), ``main_paid`` (元).

    Returns
    -------
    (Decimal or None, Decimal or None, float or None, int)
        Our price and the rivals' (元, to the cent), ours ÷ theirs − 1, and how many of our items
        were comparable (average price between half the cheapest and twice the dearest rival).
    """
    prices = [p for p in rival_prices if p is not None]
    if not prices:
        return None, None, None, 0
    rival = _cents(sum(prices, Decimal(0)) / len(prices))
    low, high = min(prices) / 2, max(prices) * 2
    paid, units, n = Decimal(0), 0, 0
    for r in our_rows:
        qty = int(r["main_qty"])
        if qty <= 0:
            continue
        money = _money(r["main_paid"])
        if low <= money / qty <= high:
            paid, units, n = paid + money, units + qty, n + 1
    if not units or not rival:
        return None, rival, None, 0
    ours = _cents(paid / units)
    return ours, rival, float(paid / units / rival - 1), n


def competitors(con: duckdb.DuckDBPyConnection, w: Windows) -> Competitors | None:
    """
    Return the competitor items across the campaign; None without 竞品 snapshots in the window.

    Snapshots up to 30 days before the pre-heat are read to find each item's last one before.
    Prices (when the export had 价格 / 一口价) are read in the main window and compared with our
    order lines' paid unit prices there (see :class:`Competitors`).
    """
    last = min(w.tail_end, w.cutoff)
    span = {"start": w.preheat_start - timedelta(days=30), "end": last}
    rows = warehouse.query_rows(con, "campaign_competitors", **span)
    prices: dict[tuple, Any] = {}
    if has_column(con, "competitor_items", "price"):
        prices = {(r["day"], r["item_id"], r["device"]): r["price"]
                  for r in warehouse.query_rows(con, "campaign_competitor_prices", **span)}
    rows = [{**r, "price": prices.get((r["day"], r["item_id"], r["device"]))} for r in rows]
    main = (w.start, min(w.end, w.cutoff))
    frame = competitor_table(rows, w.preheat_start, last, main=main)
    if frame.empty:
        return None
    days = {r["day"] for r in rows if r["day"] >= w.preheat_start}
    if not prices or frame["main_price"].isna().all():
        return Competitors(frame=frame, window_days=len(days), has_prices=bool(prices))
    ours = warehouse.query_rows(con, "campaign_item_prices", start=main[0], end=main[1],
                                days=[])
    our_price, rival_price, position, n = price_position(frame["main_price"], ours)
    return Competitors(frame=frame, window_days=len(days), has_prices=True,
                       our_price=our_price, rival_price=rival_price, price_position=position,
                       our_items=n)


# ---------------------------------------------------------------- refunds


@dataclass(frozen=True, slots=True)
class RefundTail:
    """
    Refunds of the campaign orders (paid pre-heat … main end) vs the baseline days' orders.

    ``rate`` / ``base_rate``: 退款金额 ÷ 支付金额 of each cohort (order report, fractions).
    ``curve``: cumulative share of the campaign GMV refunded by N days after payment, from the
    refund export (None without it): {7: …, 15: …, 30: …}. ``open_days``: days of the 30-day
    refund window still to come for the last campaign day (0 when over). ``reasons``: top
    reasons (``reason`` text from the export, ``refund_amount`` Decimal 元, ``refunds``).

    ``presale``: the presale orders among the campaign orders (they are included in every figure
    above), one row per stage: ``stage`` (定金 / 尾款 / 全款预售), ``paid_orders``, ``gmv`` and
    ``refund_amount`` (Decimal 元), ``rate`` (fraction) and ``curve_7`` / ``curve_15`` /
    ``curve_30`` (cumulative share of the stage's GMV refunded by N days after payment, from the
    refund export; None without it). None when no campaign order carries a presale stage.
    """

    gmv: Decimal
    refund_amount: Decimal
    rate: float | None
    base_rate: float | None
    curve: dict[int, float] | None
    open_days: int
    reasons: pd.DataFrame | None
    presale: pd.DataFrame | None = None


def presale_refunds(rows: list[dict], day_rows: list[dict], *, has_refund_export: bool
                    ) -> pd.DataFrame | None:
    """
    Return the refund figures of the presale campaign orders per stage (``RefundTail.presale``).

    Parameters
    ----------
    rows : list of dict
        ``camp_refund_presale.sql`` rows: ``stage``, ``paid_orders``, ``gmv``, ``refund_amount``.
    day_rows : list of dict
        ``camp_refund_presale_days.sql`` rows: ``stage``, ``days_after``, ``refund_amount``.
    has_refund_export : bool
        Whether the campaign orders have refund-export rows at all (else the curves are None).
    """
    if not rows:
        return None
    out = []
    for r in sorted(rows, key=lambda r: (_stage_order(r["stage"]), r["stage"])):
        gmv = _money(r["gmv"])
        refund = _money(r["refund_amount"])
        rec: dict[str, Any] = {"stage": r["stage"], "paid_orders": int(r["paid_orders"]),
                               "gmv": gmv, "refund_amount": refund,
                               "rate": metrics.ratio(refund, gmv)}
        for n in REFUND_DAYS:
            part = sum((_money(d["refund_amount"]) for d in day_rows
                        if d["stage"] == r["stage"] and d["days_after"] <= n), Decimal(0))
            rec[f"curve_{n}"] = float(part / gmv) if has_refund_export and gmv else None
        out.append(rec)
    return pd.DataFrame(out, dtype=object)


def refund_tail(con: duckdb.DuckDBPyConnection, up: Uplift | None, *, top: int = 5
                ) -> RefundTail | None:
    """
    Measure the refund tail of the campaign orders (see :class:`RefundTail`).

    Refund requests after the report's cutoff day are left out of the curve, so a post-mortem
    re-run later shows the same figures. None when there is no baseline (``up`` is None).
    """
    if up is None:
        return None
    w = up.windows
    camp = [up.rows[d] for d in _days(w.preheat_start, w.campaign_end)]
    base = [up.rows[d] for d in up.baseline.days]
    gmv = sum((r["gmv"] for r in camp), Decimal(0))
    refund = sum((r["refund_amount"] for r in camp), Decimal(0))
    b_gmv = sum((r["gmv"] for r in base), Decimal(0))
    b_refund = sum((r["refund_amount"] for r in base), Decimal(0))
    by_day = warehouse.query_rows(con, "camp_refund_days", start=w.preheat_start,
                                  end=w.campaign_end, cutoff=w.cutoff)
    curve = None
    if by_day and gmv:
        curve = {n: float(sum((_money(r["refund_amount"]) for r in by_day
                               if r["days_after"] <= n), Decimal(0)) / gmv)
                 for n in REFUND_DAYS}
    reasons = warehouse.query_rows(con, "camp_refund_reasons", start=w.preheat_start,
                                   end=w.campaign_end, top=top)
    presale = None
    if has_column(con, "orders", "presale_stage"):
        span = {"start": w.preheat_start, "end": w.campaign_end}
        presale = presale_refunds(
            warehouse.query_rows(con, "camp_refund_presale", **span),
            warehouse.query_rows(con, "camp_refund_presale_days", **span, cutoff=w.cutoff),
            has_refund_export=bool(by_day))
    return RefundTail(
        gmv=gmv, refund_amount=refund, rate=metrics.ratio(refund, gmv),
        base_rate=metrics.ratio(b_refund, b_gmv), curve=curve,
        open_days=max(0, 30 - (w.cutoff - w.campaign_end).days),
        reasons=pd.DataFrame(reasons, dtype=object) if reasons else None,
        presale=presale,
    )


# ---------------------------------------------------------------- shipping


@dataclass(frozen=True, slots=True)
class Shipping:
    """Shipping speed of the campaign orders: counts within 24/48/72 h of payment, late > 72 h."""

    paid_orders: int
    shipped: int
    within_24h: int
    within_48h: int
    within_72h: int
    late_72h: int

    def share(self, hours: int) -> float | None:
        """Share of the shipped orders shipped within ``hours`` (24, 48 or 72)."""
        return metrics.ratio(getattr(self, f"within_{hours}h"), self.shipped)


def shipping(con: duckdb.DuckDBPyConnection, w: Windows) -> Shipping | None:
    """Return the shipping speed of the campaign orders; None without any 发货时间."""
    row = warehouse.query_rows(con, "camp_shipping", start=w.preheat_start,
                               end=w.campaign_end)[0]
    if not row["shipped"]:
        return None
    return Shipping(**{k: int(v or 0) for k, v in row.items()})


# ---------------------------------------------------------------- verdict and actions


def verdict(up: Uplift | None, c: Costs | None) -> str:
    """Return the one-sentence verdict of the 结论 section."""
    if up is None:
        return ("大促前没有可比的正常日（数据太短或都是节假日/其他活动），无法估算增量："
                "导入更早的订单后重跑。")
    w = up.windows
    span = f"{w.name}（{w.preheat_start:%m-%d}–{w.end:%m-%d}，含活动后{TAIL_DAYS}天）"
    lift = metrics.ratio(up.incremental_gmv, up.baseline_gmv)
    lift_text = ("" if lift is None else
                 f"，比基线{'高' if lift >= 0 else '低'} {abs(lift) * 100:.0f}%")
    head = f"{span}增量支付金额 ¥{_cents(up.incremental_gmv):,.0f}{lift_text}"
    if c is None:
        return head + "。"
    if c.campaign_cost <= 0:
        return (head + f"；增量毛利 ¥{c.gross_profit:,.0f}，没有额外让利或推广花费"
                + ("：划算。" if c.gross_profit > 0 else "：但没有带来增量。"))
    roi = c.roi or 0.0
    judged = (f"划算：每投入 1 元让利和推广换回 {roi:.2f} 元毛利" if roi >= 1 else
              f"不划算：每投入 1 元只换回 {roi:.2f} 元毛利，利润被让利和推广吃掉")
    return (head + f"；扣除让利和推广后增量利润 ¥{c.net_profit:,.0f}，{judged}。")


TOP_ITEMS = 10
"""A sold-out SKU within this GMV rank counts as a top item."""

DEEP_CUT = 0.10
"""A price cut at least this deep (fraction) is expected to sell more than usual."""

COMPETITOR_SURGE = 0.5
"""A competitor whose 交易指数 rose at least this much (fraction) in the window is flagged."""


def actions(up: Uplift | None, c: Costs | None, b: Buyers | None, it: Items | None,
            rt: RefundTail | None, sh: Shipping | None, *, so: StockOuts | None = None,
            pc: PriceCuts | None = None, comp: Competitors | None = None) -> list[str]:
    """
    Return rules-based advice for the next campaign (下次怎么做), most money at stake first.

    Rules: ROI below 1; 推广费比 above the ceiling; top items sold out (GMV rank ≤
    ``TOP_ITEMS``); price cuts of at least ``DEEP_CUT`` that sold no more than usual; a
    pre-heat dip (buyers waiting); a post-campaign hangover; campaign refund rate above 1.5 ×
    the baseline's; GMV concentrated in few items (top 20 % of items above 80 % of GMV);
    shipments later than 72 h; a competitor whose 交易指数 surged (``COMPETITOR_SURGE``); new
    buyers to win back (with their 30-day repurchase when known).
    """
    todo: list[str] = []
    if c is not None and c.roi is not None and c.roi < 1:
        todo.append(f"投入产出比 {c.roi:.2f} < 1：让利和推广多于增量毛利，下次收窄折扣力度"
                    "或把推广预算集中到转化好的主推款。")
    if c is not None and c.ad_cost_ratio is not None and c.ad_cost_ratio > c.ceiling:
        todo.append(f"推广费比 {c.ad_cost_ratio * 100:.1f}% 高于 {c.ceiling * 100:.0f}% 上限："
                    "下次按销售目标倒推推广预算。")
    if so is not None:
        top = so.frame.loc[[r is not None and r <= TOP_ITEMS for r in so.frame["gmv_rank"]]]
        if not top.empty:
            first = top.iloc[0]
            more = f"等 {len(top)} 个热销 SKU" if len(top) > 1 else ""
            todo.append(f"热销第 {first['gmv_rank']} 名「{first['name']} {first['spec'] or ''}」"
                        f"{more}在 {first['sold_out_day']:%m-%d} 断货：下次按大促预估销量"
                        "（平时日销 × 活动倍数）提前备货，断货前把流量和推广切到有货的款。")
    if pc is not None:
        flat = pc.frame.loc[[cut >= DEEP_CUT and lift <= 0
                             for cut, lift in zip(pc.frame["cut"], pc.frame["uplift"],
                                                  strict=True)]]
        if not flat.empty:
            todo.append(f"{len(flat)} 个商品降价 {DEEP_CUT * 100:.0f}% 以上却没有比平时多卖"
                        f"（如「{flat['title'].iloc[0]}」降 {flat['cut'].iloc[0] * 100:.0f}%）："
                        "下次这些款不再让利，把折扣集中给降价后能放量的款。")
    if up is not None and up.preheat_dip is not None:
        todo.append(f"预热期比基线少卖 ¥{-up.preheat_dip:,.0f}（买家在等活动）：缩短预热期，"
                    "或给预热期加定金膨胀/预热专享券，让等待的买家先下单。")
    if up is not None and up.hangover is not None:
        todo.append(f"活动后{TAIL_DAYS}天比基线少卖 ¥{-up.hangover:,.0f}（透支）：活动后安排"
                    "返场/新品承接，已计入增量。")
    if rt is not None and rt.rate is not None and rt.base_rate and rt.rate > 1.5 * rt.base_rate:
        why = ""
        if rt.reasons is not None and not rt.reasons.empty:
            why = f"，首要原因「{rt.reasons['reason'].iloc[0]}」"
        todo.append(f"大促订单退款率 {rt.rate * 100:.1f}% 是平时的 "
                    f"{rt.rate / rt.base_rate:.1f} 倍{why}：检查详情页描述与尺码/质量问题。")
    if sh is not None and sh.late_72h:
        todo.append(f"{sh.late_72h} 单付款后超过 72 小时才发货：大促前预打包主推款、"
                    "和快递约好加派揽收。")
    if it is not None and it.top20_share is not None and it.top20_share > 0.8:
        todo.append(f"前 20% 的商品贡献了 {it.top20_share * 100:.0f}% 的支付金额：主推款备足库存，"
                    "其余商品做关联搭配。")
    if comp is not None and not comp.frame.empty:
        lead = comp.frame.iloc[0]
        if lead["change"] is not None and lead["change"] >= COMPETITOR_SURGE:
            if lead.get("price_change") is not None:
                price = (f"它的活动价比预热前{'降' if lead['price_change'] < 0 else '涨'}了 "
                         f"{abs(lead['price_change']) * 100:.0f}%")
                if comp.price_position is not None:
                    price += (f"，我们的成交均价比竞品{'高' if comp.price_position > 0 else '低'} "
                              f"{abs(comp.price_position) * 100:.0f}%")
                price += "：对照价格和赠品决定下次的活动价。"
            else:
                price = "竞品表没有价格，是否被低价截流需要手工核对价格。"
            todo.append(f"竞品「{lead['title']}」大促期间交易指数比预热前涨了 "
                        f"{lead['change'] * 100:.0f}%：拆解它的活动价、赠品和主图；{price}")
    if b is not None and b.new:
        r30 = b.repurchase_within(30)
        known = ""
        if r30 is not None and r30.complete:
            known = f"，30 天内只回购了 {r30.bought_again:,} 人（{(r30.rate or 0) * 100:.1f}%）"
        todo.append(f"本次新客 {b.new:,} 人{known}：活动后 30 天内做复购召回（会员群、回购券）。")
    return todo


def _json_money(x: Decimal | None) -> float | None:
    return None if x is None else float(metrics.round_money(x))


def _stock_json(so: StockOuts | None, top: int) -> list[dict[str, Any]] | None:
    if so is None:
        return None
    return [{"sku": r["sku_code"], "name": r["name"], "spec": r["spec"],
             "sold_out_day": r["sold_out_day"].isoformat(), "zero_days": int(r["zero_days"]),
             "back_day": r["back_day"].isoformat() if r["back_day"] else None,
             "out_before": bool(r["out_before"]), "gmv_rank": r["gmv_rank"]}
            for r in so.frame.head(top).to_dict("records")]


def _cuts_json(pc: PriceCuts | None, top: int) -> list[dict[str, Any]] | None:
    if pc is None:
        return None
    return [{"item": r["item_key"], "title": r["title"],
             "base_price": float(r["base_price"]), "main_price": float(r["main_price"]),
             "cut": r["cut"], "units": int(r["units"]),
             "expected_units": r["expected_units"], "uplift": r["uplift"]}
            for r in pc.frame.head(top).to_dict("records")]


def _competitors_json(comp: Competitors | None) -> dict[str, Any] | None:
    if comp is None:
        return None
    return {"items": len(comp.frame), "window_days": comp.window_days,
            "price_position": comp.price_position,
            "our_price": _json_money(comp.our_price),
            "rival_price": _json_money(comp.rival_price),
            "our_items": comp.our_items,
            "rows": [{"item_id": r["item_id"], "device": r["device"], "shop": r["shop"],
                      "before_day": r["before_day"].isoformat() if r["before_day"] else None,
                      "before_index": r["before_index"], "window_index": r["window_index"],
                      "change": r["change"], "before_rank": r["before_rank"],
                      "best_rank": r["best_rank"],
                      "before_price": _json_money(r["before_price"]),
                      "main_price": _json_money(r["main_price"]),
                      "price_change": r["price_change"]}
                     for r in comp.frame.to_dict("records")]}


def figures(w: Windows, up: Uplift | None, c: Costs | None, h: Hours | None,
            b: Buyers | None, it: Items | None, rt: RefundTail | None,
            sh: Shipping | None, *, so: StockOuts | None = None, pc: PriceCuts | None = None,
            comp: Competitors | None = None, top: int = 10) -> dict[str, Any]:
    """
    Return the figures recorded in ``campaign_postmortem.metrics.json`` (plain JSON values).

    Keys: ``campaign`` (name), ``windows`` (dict of ISO dates), ``baseline_days``,
    ``actual_gmv``, ``baseline_gmv``, ``incremental_gmv``, ``net_incremental_gmv``,
    ``preheat_incremental``, ``tail_incremental``, ``ad_spend``, ``discount_cost`` (the extra
    discount), ``taoke_commission``, ``campaign_cost``, ``incremental_gross_profit``,
    ``incremental_profit`` (元, rounded to 0.01); ``campaign_roi`` (also as ``roi``),
    ``ad_cost_ratio``, ``new_buyer_share``, ``refund_rate`` (also as ``refund_rate_campaign``),
    ``refund_rate_baseline``, ``first_hour_share``,
    ``top20_share`` (fractions); ``new_buyers``, ``returning_buyers``, ``pareto_items_80``,
    ``late_shipments_72h`` (counts); ``repurchase_30d`` / ``repurchase_60d``
    (:meth:`Repurchase.as_json`), ``sold_out_items`` and ``price_cut_items`` (the first
    ``top`` rows of :class:`StockOuts` / :class:`PriceCuts`), ``competitors`` (items, window
    snapshot days, ``price_position`` (our price ÷ the rivals' − 1), ``our_price``,
    ``rival_price`` (元), ``our_items`` — null without competitor prices — and one row per
    competitor item with its index and price change); ``presale_stages`` (per stage on the main
    day: GMV, paid orders, first-hour share; null without presale orders) and
    ``presale_refunds`` (per stage of the campaign orders: GMV, refunds, rate). Null when the
    data is absent.
    """
    r30 = b.repurchase_within(30) if b else None
    r60 = b.repurchase_within(60) if b else None
    phase = {p.phase: p for p in up.phases} if up else {}
    return {
        "campaign": w.name,
        "windows": w.as_json(),
        "baseline_days": len(up.baseline.days) if up else 0,
        "actual_gmv": _json_money(up.actual_gmv) if up else None,
        "baseline_gmv": _json_money(up.baseline_gmv) if up else None,
        "incremental_gmv": _json_money(up.incremental_gmv) if up else None,
        "net_incremental_gmv": _json_money(up.net_incremental) if up else None,
        "preheat_incremental": _json_money(phase[PREHEAT].incremental) if PREHEAT in phase
        else None,
        "tail_incremental": _json_money(phase[TAIL].incremental) if TAIL in phase else None,
        "ad_spend": _json_money(c.ad_spend) if c else None,
        "discount_cost": _json_money(c.extra_discount) if c else None,
        "taoke_commission": _json_money(c.taoke) if c else None,
        "campaign_cost": _json_money(c.campaign_cost) if c else None,
        "incremental_gross_profit": _json_money(c.gross_profit) if c else None,
        "incremental_profit": _json_money(c.net_profit) if c else None,
        "campaign_roi": c.roi if c else None,
        "roi": c.roi if c else None,  # the name for campaign_roi
        "ad_cost_ratio": c.ad_cost_ratio if c else None,
        "new_buyers": b.new if b else None,
        "returning_buyers": b.returning if b else None,
        "new_buyer_share": b.new_share if b else None,
        "first_hour_share": h.first_hour_share if h else None,
        "pareto_items_80": it.items_80 if it else None,
        "top20_share": it.top20_share if it else None,
        "refund_rate": rt.rate if rt else None,
        "refund_rate_campaign": rt.rate if rt else None,  # the name for refund_rate
        "refund_rate_baseline": rt.base_rate if rt else None,
        "late_shipments_72h": sh.late_72h if sh else None,
        "repurchase_30d": r30.as_json() if r30 else None,
        "repurchase_60d": r60.as_json() if r60 else None,
        "sold_out_items": _stock_json(so, top),
        "price_cut_items": _cuts_json(pc, top),
        "competitors": _competitors_json(comp),
        "presale_stages": _presale_hours_json(h),
        "presale_refunds": _presale_refunds_json(rt),
    }


def _presale_hours_json(h: Hours | None) -> list[dict[str, Any]] | None:
    if h is None or h.presale_summary is None:
        return None
    return [{"stage": r["stage"], "gmv": _json_money(r["gmv"]),
             "paid_orders": int(r["paid_orders"]), "day_share": r["day_share"],
             "first_hour_share": r["first_hour_share"]}
            for r in h.presale_summary.to_dict("records")]


def _presale_refunds_json(rt: RefundTail | None) -> list[dict[str, Any]] | None:
    if rt is None or rt.presale is None:
        return None
    return [{"stage": r["stage"], "paid_orders": int(r["paid_orders"]),
             "gmv": _json_money(r["gmv"]), "refund_amount": _json_money(r["refund_amount"]),
             "rate": r["rate"], **{f"curve_{n}": r[f"curve_{n}"] for n in REFUND_DAYS}}
            for r in rt.presale.to_dict("records")]
