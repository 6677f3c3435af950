"""Customers from the store's own orders: lifecycle, RFM, repurchase, cohorts, recall lists.

Identity is ``orders.buyer_key`` (HMAC-SHA256 of the NFKC-normalised 买家会员名, salted per
store at ingest; raw names are not in the warehouse, DATA_CONTRACT §11). When no paid order
carries a key (exports masked at source), every function here returns None and the report
says that customer analysis needs 买家会员名 in the order export.

One definition runs through the module. An **effective order** (有效支付订单) is an order with a
buyer key, paid on or before the report day, and not fully refunded
(``coalesce(refund_amount, 0) < paid_amount``): a buyer whose only orders were refunded in full
is not a customer here. Money is the 支付金额 (``paid_amount``) of effective orders, partial
refunds included as in GMV (DATA_CONTRACT §10). "Days since" is the report day minus the pay
date of the buyer's last effective order (0 = bought on the report day).

Lifecycle (thresholds from ``StoreConfig.sleeping_days`` / ``lost_days``, 30 / 50 by default):

- 活跃 active: days since ≤ sleeping_days;
- 沉睡 sleeping: sleeping_days < days since ≤ lost_days;
- 流失 lost: days since > lost_days (every buyer ever seen, however long ago).

RFM (window: the 365 days ending on the report day, buyers with an effective order in it):
R = days since, F = effective orders, M = their 支付金额. Each dimension is scored 1–5 by
quintile: ``score = 1 + floor(5 k / n)`` with k the buyers strictly worse on it (older, fewer
orders, less money) and n the buyers in the window, so ties share a score. A dimension is
**high (高)** when its score ≥ ``high_score`` (3 by default: at least 40 % of buyers are
strictly worse), else low (低). The eight segments:

======== ===== ===== ===== =============================================================
segment  R     F     M     meaning
======== ===== ===== ===== =============================================================
重要价值 高    高    高    recent, frequent, big spenders: keep them (VIP service)
重要唤回 低    高    高    frequent big spenders who have not bought lately: wake them up
重要深耕 高    低    高    recent big spenders with few orders: develop (cross-sell)
重要挽留 低    低    高    big spenders, few orders, long ago: win back before they are lost
一般价值 高    高    低    recent frequent small spenders: raise the basket
一般唤回 低    高    低    frequent small spenders gone quiet: low-cost reminders
一般深耕 高    低    低    recent one-off small buyers (mostly new): second-order coupons
一般挽留 低    低    低    small, rare, long ago: lowest priority
======== ===== ===== ===== =============================================================

复购率 (repurchase rate, this module's definition): buyers with ≥ 2 effective orders paid in the
365 days ending on the report day ÷ buyers with ≥ 1 there (sum-then-divide, 人 ÷ 人).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from storeops import metrics, warehouse

logger = logging.getLogger(__name__)

WINDOW_DAYS = 365
"""Look-back window of RFM, 复购率 and value at risk (days, ending on the report day)."""

COMPARE_DAYS = 30
"""Lifecycle is compared with this many days before the report day."""

HIGH_SCORE = 3
"""An RFM score at or above this is 高 (high)."""

STATES = ("active", "sleeping", "lost")
STATE_LABELS = {"new": "新客", "active": "活跃", "sleeping": "沉睡", "lost": "流失"}

SEGMENTS: dict[tuple[bool, bool, bool], str] = {
    (True, True, True): "重要价值",
    (False, True, True): "重要唤回",
    (True, False, True): "重要深耕",
    (False, False, True): "重要挽留",
    (True, True, False): "一般价值",
    (False, True, False): "一般唤回",
    (True, False, False): "一般深耕",
    (False, False, False): "一般挽留",
}
"""(R high, F high, M high) -> segment name, in display order."""

RECALL_LISTS = {"recall_due": "到期召回", "sleeping_high_value": "高价值沉睡"}


# ---------------------------------------------------------------- identity


@dataclass(frozen=True, slots=True)
class Identity:
    """
    How far the paid orders up to the report day carry a buyer key.

    Attributes
    ----------
    paid_orders : int
        Paid orders up to the report day (笔).
    keyed_orders : int
        Of them, orders with a buyer key (笔).
    buyers : int
        Distinct buyer keys (人).
    """

    paid_orders: int
    keyed_orders: int
    buyers: int

    @property
    def ok(self) -> bool:
        """True when at least one paid order has a buyer key."""
        return self.keyed_orders > 0

    @property
    def keyed_share(self) -> float | None:
        """Share of paid orders with a buyer key (fraction); None without paid orders."""
        return metrics.ratio(self.keyed_orders, self.paid_orders)


def identity(con: duckdb.DuckDBPyConnection, day: date) -> Identity:
    """Count the paid orders up to ``day`` and those carrying a buyer key."""
    row = warehouse.query_rows(con, "cust_identity", day=day)[0]
    return Identity(int(row["paid_orders"]), int(row["keyed_orders"]), int(row["buyers"]))


def _has_keys(con: duckdb.DuckDBPyConnection, day: date) -> bool:
    return identity(con, day).ok


# ---------------------------------------------------------------- lifecycle


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """
    Buyers by lifecycle state on the report day and ``COMPARE_DAYS`` before.

    Attributes
    ----------
    day, before : date
        The report day and the comparison day.
    sleeping_days, lost_days : int
        Thresholds used (days).
    now, then : dict of str to int
        ``active`` / ``sleeping`` / ``lost`` -> buyers (人); ``then`` counts only buyers who had
        bought by ``before``.
    flows : DataFrame
        One row per (state_before, state_now): ``buyers`` (人); ``state_before`` is ``new`` for
        buyers whose first effective order came after ``before``.
    value_at_risk : Decimal
        支付金额 (元) in the 365 days ending ``day`` of today's sleeping buyers.
    """

    day: date
    before: date
    sleeping_days: int
    lost_days: int
    now: dict[str, int]
    then: dict[str, int]
    flows: pd.DataFrame
    value_at_risk: Decimal

    def change(self, state: str) -> int:
        """Return the change of a state's buyers since ``before`` (人)."""
        return self.now[state] - self.then[state]


def lifecycle(con: duckdb.DuckDBPyConnection, day: date, *, sleeping_days: int = 30,
              lost_days: int = 50, compare_days: int = COMPARE_DAYS) -> Lifecycle | None:
    """
    Classify every buyer as active / sleeping / lost on ``day`` and ``compare_days`` before.

    Parameters
    ----------
    con : duckdb connection
        The store's warehouse.
    day : date
        Report day.
    sleeping_days, lost_days : int
        Active up to ``sleeping_days`` days since the last effective order (inclusive),
        sleeping up to ``lost_days`` (inclusive), lost beyond (days).
    compare_days : int
        Days back for the comparison and the flows.

    Returns
    -------
    Lifecycle or None
        None when no paid order carries a buyer key.
    """
    if not lost_days > sleeping_days > 0:
        raise ValueError(f"需要 0 < sleeping_days < lost_days，收到 {sleeping_days}, {lost_days}")
    if not _has_keys(con, day):
        return None
    before = day - timedelta(days=compare_days)
    rows = warehouse.query_rows(con, "cust_lifecycle", day=day, before=before,
                                sleeping=sleeping_days, lost=lost_days, window=WINDOW_DAYS)
    now = dict.fromkeys(STATES, 0)
    then = dict.fromkeys(STATES, 0)
    risk = Decimal(0)
    for r in rows:
        now[r["state_now"]] += r["buyers"]
        if r["state_before"] != "new":
            then[r["state_before"]] += r["buyers"]
        if r["state_now"] == "sleeping":
            risk += r["gmv_window"]
    flows = pd.DataFrame(
        [(r["state_before"], r["state_now"], int(r["buyers"])) for r in rows],
        columns=["state_before", "state_now", "buyers"],
    )
    return Lifecycle(day, before, sleeping_days, lost_days, now, then, flows, risk)


# ---------------------------------------------------------------- RFM


@dataclass(frozen=True, slots=True)
class Rfm:
    """
    RFM segments of the buyers of the 365 days ending on the report day.

    ``segments`` columns: segment (name), r_high, f_high, m_high (bool), buyers (人),
    orders (笔), gmv (Decimal 元), gmv_share (fraction of the window's GMV), aov (Decimal 元,
    支付金额 ÷ 订单数), per_buyer (Decimal 元, 支付金额 ÷ 买家数). All eight segments, in
    :data:`SEGMENTS` order, with zeros for empty ones.
    """

    day: date
    window_days: int
    high_score: int
    buyers: int
    gmv: Decimal
    segments: pd.DataFrame

    def counts(self) -> dict[str, int]:
        """Segment name -> buyers (人)."""
        return dict(zip(self.segments["segment"], self.segments["buyers"], strict=True))


def rfm(con: duckdb.DuckDBPyConnection, day: date, *, window_days: int = WINDOW_DAYS,
        high_score: int = HIGH_SCORE) -> Rfm | None:
    """
    Score buyers on recency, frequency and money by quintile and count the eight segments.

    Parameters
    ----------
    con : duckdb connection
        The store's warehouse.
    day : date
        Report day (the window ends on it, inclusive).
    window_days : int
        Window length (days).
    high_score : int
        A score (1–5) at or above this is 高.

    Returns
    -------
    Rfm or None
        None when no paid order carries a buyer key.
    """
    if not _has_keys(con, day):
        return None
    rows = warehouse.query_rows(con, "cust_rfm_segments", day=day, window=window_days,
                                high=high_score)
    got = {(r["r_high"], r["f_high"], r["m_high"]): r for r in rows}
    total_gmv = sum((r["gmv"] for r in rows), Decimal(0))
    records = []
    for flags, name in SEGMENTS.items():
        r = got.get(flags)
        buyers = int(r["buyers"]) if r else 0
        orders = int(r["orders"]) if r else 0
        gmv = r["gmv"] if r else Decimal(0)
        records.append({
            "segment": name, "r_high": flags[0], "f_high": flags[1], "m_high": flags[2],
            "buyers": buyers, "orders": orders, "gmv": gmv,
            "gmv_share": metrics.ratio(gmv, total_gmv),
            "aov": metrics.money_ratio(gmv, orders),
            "per_buyer": metrics.money_ratio(gmv, buyers),
        })
    frame = pd.DataFrame(records)
    return Rfm(day, window_days, high_score, int(frame["buyers"].sum()), total_gmv, frame)


# ---------------------------------------------------------------- 复购


@dataclass(frozen=True, slots=True)
class Repurchase:
    """
    复购率 of the window ending on the report day.

    Attributes
    ----------
    buyers : int
        Buyers with ≥ 1 effective order in the window (人).
    repeat_buyers : int
        Buyers with ≥ 2 (人).
    rate : float or None
        repeat_buyers ÷ buyers (fraction); None without buyers.
    """

    day: date
    window_days: int
    buyers: int
    repeat_buyers: int
    rate: float | None


def repurchase(con: duckdb.DuckDBPyConnection, day: date, *,
               window_days: int = WINDOW_DAYS) -> Repurchase | None:
    """
    Compute 复购率: buyers with ≥ 2 effective orders in the window ÷ buyers with ≥ 1.

    Parameters
    ----------
    con : duckdb connection
        The store's warehouse.
    day : date
        Report day (last day of the window).
    window_days : int
        Window length (days).

    Returns
    -------
    Repurchase or None
        None when no paid order carries a buyer key.
    """
    if not _has_keys(con, day):
        return None
    row = warehouse.query_rows(con, "cust_repurchase", day=day, window=window_days)[0]
    buyers, repeat = int(row["buyers"]), int(row["repeat_buyers"])
    return Repurchase(day, window_days, buyers, repeat, metrics.ratio(repeat, buyers))


# ---------------------------------------------------------------- cohorts


def first_cohort_month(day: date, months: int) -> date:
    """Return the first day of the month ``months - 1`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def cohorts(con: duckdb.DuckDBPyConnection, day: date, *, months: int = 12,
            horizon: int = 6) -> pd.DataFrame | None:
    """
    Build monthly first-purchase cohorts and their month-N retention.

    Parameters
    ----------
    con : duckdb connection
        The store's warehouse.
    day : date
        Report day; orders after it are ignored.
    months : int
        Cohorts of the last ``months`` calendar months, the report day's month included.
    horizon : int
        Months since the first purchase shown (M1 … M``horizon``).

    Returns
    -------
    DataFrame or None
        One row per cohort month (oldest first): ``cohort`` (date, first of month),
        ``new_buyers`` (人, first effective order that month), ``m1`` … ``m<horizon>``
        (fraction of the cohort with an effective order in that later calendar month; NaN when
        that month is after the report day's month), ``gmv_per_buyer`` (Decimal 元, cumulative
        支付金额 of the cohort up to the report day ÷ its buyers), and ``partial`` (bool: the
        cohort month is the report day's month, still running). None without buyer keys.
        The oldest cohorts hold returning buyers whose earlier orders predate the warehouse.
    """
    if not _has_keys(con, day):
        return None
    first = first_cohort_month(day, months)
    rows = warehouse.query_rows(con, "cust_cohorts", day=day, first_month=first)
    last_index = day.year * 12 + day.month
    table: dict[date, dict[str, Any]] = {}
    for r in rows:
        entry = table.setdefault(r["cohort"], {"cells": {}, "gmv": Decimal(0)})
        entry["cells"][int(r["months_since"])] = int(r["buyers"])
        entry["gmv"] += r["gmv"]
    records = []
    for cohort in sorted(table):
        cells, size = table[cohort]["cells"], table[cohort]["cells"].get(0, 0)
        age = last_index - (cohort.year * 12 + cohort.month)
        rec: dict[str, Any] = {"cohort": cohort, "new_buyers": size}
        for n in range(1, horizon + 1):
            rec[f"m{n}"] = (metrics.ratio(cells.get(n, 0), size) if n <= age
                            else float("nan"))
        rec["gmv_per_buyer"] = metrics.money_ratio(table[cohort]["gmv"], size)
        rec["partial"] = age == 0
        records.append(rec)
    columns = ["cohort", "new_buyers", *(f"m{n}" for n in range(1, horizon + 1)),
               "gmv_per_buyer", "partial"]
    return pd.DataFrame(records, columns=columns)


# ---------------------------------------------------------------- recall lists


@dataclass(frozen=True, slots=True)
class Recall:
    """
    The buyers to contact, as of the report day.

    ``buyers`` columns: list (``recall_due`` | ``sleeping_high_value``), buyer_key,
    last_order_id, last_paid_at (datetime), last_amount (Decimal 元), days_since (天),
    orders (笔, 365 days), gmv (Decimal 元, 365 days), m_score (1–5). A buyer can be on both
    lists when recall_days falls in the sleeping range.
    """

    day: date
    recall_days: int
    buyers: pd.DataFrame

    def count(self, name: str) -> int:
        """Return the buyers on one list (人)."""
        return int((self.buyers["list"] == name).sum())


def recall(con: duckdb.DuckDBPyConnection, day: date, *, recall_days: int = 30,
           sleeping_days: int = 30, lost_days: int = 50,
           high_score: int = HIGH_SCORE) -> Recall | None:
    """
    List the buyers due for the recall and the high-value sleepers.

    Parameters
    ----------
    con : duckdb connection
        The store's warehouse.
    day : date
        Report day.
    recall_days : int
        到期召回: the last effective order was exactly this many days before ``day``.
    sleeping_days, lost_days : int
        高价值沉睡: sleeping (sleeping_days < days since ≤ lost_days) with an RFM M score
        ≥ ``high_score`` (365-day window).
    high_score : int
        M score threshold (1–5).

    Returns
    -------
    Recall or None
        None when no paid order carries a buyer key.
    """
    if not _has_keys(con, day):
        return None
    rows = warehouse.query_rows(con, "cust_recall", day=day, recall=recall_days,
                                sleeping=sleeping_days, lost=lost_days, high=high_score,
                                window=WINDOW_DAYS)
    columns = ["list", "buyer_key", "last_order_id", "last_paid_at", "last_amount",
               "days_since", "orders", "gmv", "m_score"]
    frame = pd.DataFrame([[r[c] for c in columns] for r in rows], columns=columns)
    return Recall(day, recall_days, frame)


# ---------------------------------------------------------------- figures


def figures(day: date, life: Lifecycle | None, segs: Rfm | None, rep: Repurchase | None,
            calls: Recall | None) -> dict[str, Any]:
    """
    Return the headline figures for ``customers.metrics.json`` (None when absent).

    Keys: report_date, active, sleeping, lost (人), active_change, sleeping_change,
    lost_change (人 since 30 days before), recall_due, sleeping_high_value (人),
    repurchase_rate (fraction), value_at_risk (元, rounded to 0.01), segments (name -> 人),
    segments_gmv (name -> 元).
    """
    out: dict[str, Any] = {"report_date": day}
    for state in STATES:
        out[state] = life.now[state] if life else None
        out[f"{state}_change"] = life.change(state) if life else None
    out["recall_due"] = calls.count("recall_due") if calls else None
    out["sleeping_high_value"] = calls.count("sleeping_high_value") if calls else None
    out["repurchase_rate"] = rep.rate if rep else None
    out["value_at_risk"] = metrics.round_money(life.value_at_risk) if life else None
    out["segments"] = segs.counts() if segs else None
    out["segments_gmv"] = ({s: metrics.round_money(g) for s, g in
                            zip(segs.segments["segment"], segs.segments["gmv"], strict=True)}
                           if segs else None)
    return out
