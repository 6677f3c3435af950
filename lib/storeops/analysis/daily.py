"""The daily operations review: yesterday against its comparison days, explained and checked.

Comparisons: the day before, the same weekday last week and the same weekday's 4-week
median; the GMV change is split by factor; unusual metrics are flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from storeops import calendar, metrics, warehouse
from storeops.analysis import anomaly
from storeops.analysis.decompose import FactorSplit, additive_split, factor_split
from storeops.metrics import period_days

COMPARE_METRICS = (
    "gmv", "paid_buyers", "paid_orders", "uv", "conversion_rate", "aov", "uv_value",
    "refund_amount", "refund_rate", "net_sales", "orders_created", "order_pay_rate",
)


HISTORY_WEEKS = 4


@dataclass(frozen=True, slots=True)
class DailyKpis:
    """Headline metrics of the report day, its comparison days and same-weekday history."""

    day: date
    today: dict[str, Any]
    prev_day: dict[str, Any]
    last_week: dict[str, Any]
    history: tuple[dict[str, Any], ...] = ()  # same weekday, 1..HISTORY_WEEKS weeks back

    @property
    def prev_date(self) -> date:
        """The day before the report day."""
        return self.day - timedelta(days=1)

    @property
    def last_week_date(self) -> date:
        """The same weekday one week before."""
        return self.day - timedelta(days=7)


def kpis(con: duckdb.DuckDBPyConnection, day: date) -> DailyKpis:
    """Return the headline metrics of ``day``, the day before and the same weekday last week."""

    def one(d: date) -> dict[str, Any]:
        return {k: v for k, v in metrics.day_metrics(con, d).items() if k != "key"}

    history = tuple(one(d) for d in calendar.same_weekdays_before(day, HISTORY_WEEKS))
    return DailyKpis(day=day, today=one(day), prev_day=one(day - timedelta(days=1)),
                     last_week=history[0], history=history)


def weekday_median(k: DailyKpis, name: str) -> Any:
    """Median of a metric on the same weekday over the previous weeks (None if unknown)."""
    return anomaly.baseline([h.get(name) for h in k.history])


def bridge(k: DailyKpis) -> FactorSplit:
    """Split the GMV change vs the same weekday last week into UV, conversion and AOV."""
    t, w = k.today, k.last_week
    if t["gmv"] is None or w["gmv"] is None:
        return FactorSplit(Decimal(0), None, None, None)
    return factor_split(t["gmv"], w["gmv"], t["uv"], w["uv"], t["paid_buyers"],
                        w["paid_buyers"])


def anomalies(k: DailyKpis, rules: tuple[anomaly.Rule, ...] = anomaly.DEFAULT_RULES
              ) -> list[anomaly.Anomaly]:
    """Flag the day's unusual metrics against the same-weekday median (muted on festivals)."""
    return anomaly.detect(k.today, list(k.history), rules=rules,
                          muted=calendar.special_day(k.day))


def change(now: Any, before: Any) -> float | None:
    """Relative change (now − before) ÷ before; None when either is missing or before is 0."""
    if now is None or before is None or before == 0:
        return None
    return float((Decimal(now) - Decimal(before)) / Decimal(before))


def diff(now: float | None, before: float | None) -> float | None:
    """Absolute change of a ratio (in fraction points); None when either is missing."""
    if now is None or before is None:
        return None
    return now - before


def kpi_rows(k: DailyKpis) -> pd.DataFrame:
    """
    One row per headline metric: label, unit, value today, the day before, last week, changes.

    Ratio metrics compare in percentage points (``*_pp``), the others relatively (``*_pct``).
    Values stay raw (Decimal 元, int, fraction); formatting is the report's job.
    """
    rows = []
    for name in COMPARE_METRICS:
        m = metrics.METRICS[name]
        basis = k.today.get(f"{name}_basis")
        now, prev, week = k.today[name], k.prev_day[name], k.last_week[name]
        median = weekday_median(k, name)
        is_pct = m.unit == "%"
        rows.append({
            "name": name,
            "label": metrics.label(name, basis),
            "unit": m.unit,
            "today": now,
            "prev_day": prev,
            "last_week": week,
            "vs_prev": diff(now, prev) if is_pct else change(now, prev),
            "vs_last_week": diff(now, week) if is_pct else change(now, week),
            "median_4w": median,
            "vs_median_4w": diff(now, median) if is_pct else change(now, median),
            "is_ratio": is_pct,
        })
    return pd.DataFrame(rows)


def trend(con: duckdb.DuckDBPyConnection, day: date, *, days: int = 60) -> pd.DataFrame:
    """
    Daily GMV of the ``days`` days ending at ``day``.

    Days outside the orders' coverage (no export yet) are NaN, shown as gaps, never 0.
    """
    start = day - timedelta(days=days - 1)
    rows = warehouse.query_rows(con, "gmv_by_day", start=start, end=day)
    cover = {r["source"]: r for r in warehouse.query_rows(con, "coverage")}["orders"]
    first, last = cover["first_day"], cover["last_day"]
    return pd.DataFrame({
        "day": [r["day"] for r in rows],
        "gmv": [float(r["gmv"]) if first and first <= r["day"] <= last else float("nan")
                for r in rows],
        "paid_orders": [r["paid_orders"] for r in rows],
    })


def provinces(con: duckdb.DuckDBPyConnection, day: date, *, top: int = 10) -> pd.DataFrame:
    """
    GMV by receiver province on ``day``: the ``top`` provinces and 其他, with shares.

    Shares are of the day's GMV; provinces come from the address (short official names).
    """
    rows = [r for r in metrics.compute(con, day, day, by="province") if r["paid_orders"]]
    rows.sort(key=lambda r: (-(r["gmv"] or 0), r["key"]))
    total = sum((r["gmv"] for r in rows), Decimal(0))
    head, tail = rows[:top], rows[top:]
    out = [{"province": r["key"], "gmv": r["gmv"], "paid_orders": r["paid_orders"],
            "paid_buyers": r["paid_buyers"]} for r in head]
    if tail:
        out.append({
            "province": "其他",
            "gmv": sum((r["gmv"] for r in tail), Decimal(0)),
            "paid_orders": sum(r["paid_orders"] for r in tail),
            "paid_buyers": None,
        })
    frame = pd.DataFrame(out, columns=["province", "gmv", "paid_orders", "paid_buyers"])
    return frame.assign(share=[metrics.ratio(g, total) for g in frame["gmv"]])


def coverage(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Return each source's first and last day in the warehouse (for the data stamp)."""
    return warehouse.query_rows(con, "coverage")


def _money_json(x: Decimal | None) -> float | None:
    return None if x is None else float(metrics.round_money(x))


def figures(k: DailyKpis, split: FactorSplit, found: list[anomaly.Anomaly],
            todo: list[str]) -> dict[str, Any]:
    """
    Return the headline figures recorded in ``daily_review.metrics.json``.

    Keys: the day's metrics (``metrics.HEADLINE``), ``report_date``, ``gmv_vs_last_week``
    (元), ``decomposition`` {uv, conversion, aov} (元; null parts without traffic data),
    ``anomalies`` and ``actions``.
    """
    out: dict[str, Any] = {"report_date": k.day.isoformat()}
    out.update({name: k.today[name] for name in metrics.HEADLINE})
    out["aov_basis"] = k.today["aov_basis"]
    known = k.today["gmv"] is not None and k.last_week["gmv"] is not None
    out["gmv_vs_last_week"] = split.total if known else None
    out["decomposition"] = {"uv": _money_json(split.uv),
                            "conversion": _money_json(split.conversion),
                            "aov": _money_json(split.aov)}
    out["anomalies"] = [a.as_json() for a in found]
    out["actions"] = list(todo)
    return out


def _parts(rows: list[dict[str, Any]], day: date) -> pd.Series:
    picked = {r["part"]: Decimal(r["gmv"] or 0) for r in rows if r["day"] == day}
    return pd.Series(picked, dtype=object)


def _top_with_rest(split: pd.DataFrame, top: int, rest_label: str) -> pd.DataFrame:
    """Keep the ``top`` parts by |change| and fold the others into one row (sums unchanged)."""
    residual = split[split["part"] == "未归属"]
    parts = split[split["part"] != "未归属"]
    if len(residual) and residual["now"].abs().max() < 1 and residual["before"].abs().max() < 1:
        # cents left by pro-rata allocation are not a finding: keep them with the rest
        parts, residual = pd.concat([parts, residual.assign(part=rest_label)]), residual.iloc[:0]
        top = min(top, len(parts) - 1)
    head, tail = parts.iloc[:top], parts.iloc[top:]
    rows = [head]
    if len(tail):
        rows.append(pd.DataFrame([{"part": rest_label, "now": tail["now"].sum(),
                                   "before": tail["before"].sum(),
                                   "change": tail["change"].sum()}]))
    rows.append(residual)
    return pd.concat(rows, ignore_index=True)


def source_split(con: duckdb.DuckDBPyConnection, k: DailyKpis, *, top: int = 8
                 ) -> pd.DataFrame | None:
    """
    Split the GMV change vs last week by traffic source (parts add up to the total change).

    Returns None when either day has no traffic-source export. The residual row (未归属)
    is GMV the platform did not attribute to a source.
    """
    base = k.last_week_date
    rows = warehouse.query_rows(con, "gmv_by_source", day=k.day, base=base)
    if not {r["day"] for r in rows} >= {k.day, base} or k.today["gmv"] is None \
            or k.last_week["gmv"] is None:
        return None
    split = additive_split(_parts(rows, k.day), _parts(rows, base), k.today["gmv"],
                           k.last_week["gmv"])
    return _top_with_rest(split, top, "其他来源")


def item_split(con: duckdb.DuckDBPyConnection, k: DailyKpis, *, top: int = 10
               ) -> pd.DataFrame | None:
    """
    Split the GMV change vs last week by item (parts add up to the total change).

    Returns None when the order lines (宝贝报表) are missing for either day.
    """
    base = k.last_week_date
    rows = warehouse.query_rows(con, "gmv_by_item", day=k.day, base=base)
    if not {r["day"] for r in rows} >= {k.day, base} or k.today["gmv"] is None \
            or k.last_week["gmv"] is None:
        return None
    titles = {r["part"]: r["title"] for r in rows}
    split = additive_split(_parts(rows, k.day), _parts(rows, base), k.today["gmv"],
                           k.last_week["gmv"])
    split = _top_with_rest(split, top, "其他商品")
    return split.assign(title=[titles.get(p, p) for p in split["part"]])


@dataclass(frozen=True, slots=True)
class MonthToDate:
    """Month-to-date GMV against the month's target, and what the rest of the month needs."""

    month_start: date
    day: date
    days_in_month: int
    mtd_gmv: Decimal | None
    target: Decimal | None
    target_source: str | None  # 目标表 | stores.toml | None
    expected_share: float  # share of the month's GMV expected by ``day`` (weekday-weighted)
    required_daily: Decimal | None  # 元 per remaining day to reach the target
    uv_needed: int | None  # 本月所需UV at month-to-date CR and AOV
    uv_gap: int | None  # 本月UV缺口: needed − (month-to-date UV + UV at today's pace)
    refund_rate: float | None

    @property
    def progress(self) -> float | None:
        """Month-to-date GMV ÷ target."""
        return metrics.ratio(self.mtd_gmv, self.target)


def _month_end(day: date) -> date:
    nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def month_to_date(con: duckdb.DuckDBPyConnection, day: date, *,
                  configured_target: float | None = None) -> MonthToDate:
    """
    Compare month-to-date GMV with the month's target (targets table, else stores.toml).

    Expected progress weights each day of the month by the store's GMV on that weekday over
    the 8 weeks before the month (weekends differ); the needed UV follows the seeds'
    本月所需UV = target ÷ (转化率 × 客单价) at month-to-date conversion and AOV.
    """
    start, end = day.replace(day=1), _month_end(day)
    mtd = metrics.compute(con, start, day)[0]
    row = warehouse.query_rows(con, "month_target", month_start=start, month_end=end)[0]
    if row["month_target"] is not None:
        target, source = Decimal(row["month_target"]), "目标表"
    elif row["day_targets"] is not None:
        target, source = Decimal(row["day_targets"]), "目标表"
    elif configured_target:
        target, source = Decimal(str(configured_target)), "stores.toml"
    else:
        target, source = None, None
    weights = {r["weekday"]: float(r["gmv"]) for r in
               warehouse.query_rows(con, "month_gmv_days", month_start=start)}
    days = period_days(start, end)
    w = [weights.get(d.isoweekday(), 0.0) or 1.0 for d in days]
    expected = sum(w[: (day - start).days + 1]) / sum(w)
    left = (end - day).days
    gmv = mtd["gmv"]
    required = None
    if target is not None and gmv is not None:
        required = max(target - gmv, Decimal(0)) / left if left else max(target - gmv,
                                                                         Decimal(0))
    uv_needed = uv_gap = None
    cr, aov, uv = mtd["conversion_rate"], mtd["aov"], mtd["uv"]
    if target is not None and cr and aov and uv is not None:
        uv_needed = round(float(target) / (cr * float(aov)))
        pace = uv / ((day - start).days + 1)
        uv_gap = max(0, round(uv_needed - uv - pace * left))
    return MonthToDate(start, day, len(days), gmv, target, source, expected, required,
                       uv_needed, uv_gap, mtd["refund_rate"])


@dataclass(frozen=True, slots=True)
class CustomerStatus:
    """Buyers by recency as of the day (only buyers of the last 365 days)."""

    active: int
    sleeping: int
    lost: int
    recall_due: int  # last purchase exactly ``recall_days`` ago: today's recall list
    buyers: int


def customer_status(con: duckdb.DuckDBPyConnection, day: date, *, recall_days: int = 30,
                    sleeping_days: int = 30, lost_days: int = 50) -> CustomerStatus | None:
    """Count active / sleeping / lost buyers and today's 30-day recall list (None: no ids)."""
    row = warehouse.query_rows(con, "customers_status", day=day, recall=recall_days,
                               sleeping=sleeping_days, lost=lost_days)[0]
    if not row["buyers"]:
        return None
    return CustomerStatus(row["active"], row["sleeping"], row["lost"], row["recall_due"],
                          row["buyers"])


def month_figures(mtd: MonthToDate) -> dict[str, Any]:
    """Return the month-to-date figures of the metrics JSON (元; null when unknown)."""
    return {"mtd_gmv": _money_json(mtd.mtd_gmv), "mtd_target": _money_json(mtd.target),
            "mtd_target_source": mtd.target_source,
            "required_daily_gmv": _money_json(mtd.required_daily),
            "mtd_uv_needed": mtd.uv_needed, "mtd_uv_gap": mtd.uv_gap}
