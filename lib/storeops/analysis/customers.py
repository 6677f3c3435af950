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

新客90天复购率 (90-day repurchase of first-time buyers): of the buyers whose first effective
order was paid on a day in [D − 180, D − 90] (so every one of them has had 90 full days), the
share whose second effective order was paid at most 90 days after the first (pay dates; a
second order on the 90th day counts). "First" is the first order the warehouse holds.

首次到二次购买间隔 (days to the second order): second pay date − first pay date (天) for the
buyers whose first effective order falls in the 365 days ending D and who have a second by D;
quantiles by nearest rank (the smallest d with at least q of the buyers at or below d).

新客 vs 老客 by month: a buyer is new (新客) in the calendar month of their first effective
order and returning (老客) in any later month; GMV and orders of each group are those of its
buyers' effective orders paid in the month; 客单价 = 支付金额 ÷ 订单数.

Speed: the orders table is grouped by buyer once per connection and report day, into the
temp table ``cust_buyers`` (``sql/cust_build_buyers.sql``: first, last, counts, 支付金额, window
totals, RFM scores, months with orders); the buyers whose first order is recent get their
whole order history copied into ``cust_new_orders`` and their first two orders into
``cust_new_buyers``. Every function answers from these. Temp tables are private to the
connection and allowed on a read-only one; there they are reused by later calls (nothing can
write the warehouse while it is open read-only). On a writable connection they are rebuilt
by every call, so a function never answers from orders that have changed since.
"""

from __future__ import annotations

import logging
import weakref
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

RECALL_LISTS = {
    "entering_sleeping": "本周转入沉睡",
    "sleeping_high_value": "高价值沉睡",
    "first_order_25_30": "首单25–30天未复购",
    "recall_due": "到期召回",
}
"""Recall list id -> display name; the first three are ``recall_counts`` in the metrics JSON."""

RECALL_SEGMENTS = ("entering_sleeping", "sleeping_high_value", "first_order_25_30")
"""The three recall lists of the report (each written to ``recall_<id>.csv``)."""

ENTERING_DAYS = 7
"""本周转入沉睡: the sleeping threshold was crossed in this many days up to the report day."""

FIRST_ORDER_DAYS = (25, 30)
"""首单25–30天未复购: days since the only effective order (both ends inclusive)."""

REPURCHASE_WITHIN = 90
"""新客90天复购率: the second order within this many days of the first (days)."""

FIRST_LOOKBACK = 180
"""新客90天复购率: first orders paid from this many days before the report day."""

MAX_MONTHS = 63
"""新客 vs 老客: at most this many calendar months (``cust_buyers.months_active`` holds 63)."""


# ---------------------------------------------------------------- per-buyer facts (temp tables)


@dataclass(slots=True)
class _Built:
    """What the temp tables of one connection were built for (cache state)."""

    read_only: bool
    buyers: tuple[date, int, date] | None = None  # (day, window_days, before)
    newcomers: tuple[date, date] | None = None  # (day, since)


_STATE: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, _Built] = (
    weakref.WeakKeyDictionary())


def _state(con: duckdb.DuckDBPyConnection) -> _Built:
    """Return the cache state of ``con``; a writable connection never reuses its tables."""
    state = _STATE.get(con)
    if state is None:
        row = warehouse.query_rows(con, "cust_access_mode")[0]
        state = _Built(read_only=bool(row["read_only"]))
        _STATE[con] = state
    if not state.read_only:
        state.buyers = state.newcomers = None
    return state


def default_since(day: date) -> date:
    """
    Return the first day of the recent first orders kept by default (``cust_new_orders``).

    The earliest day any function needs with its default parameters: the first cohort month
    of 12, the 365-day window of the days to the second order, the 新客90天复购率 first orders.
    """
    return min(first_cohort_month(day, 12), day - timedelta(days=WINDOW_DAYS - 1),
               day - timedelta(days=FIRST_LOOKBACK))


def quintile_positions(n: int) -> list[float]:
    """
    Return the quantile positions of the four RFM cut values among ``n`` buyers.

    The score 1 + floor(5 k / n) (k = buyers strictly worse) is at least j + 1 exactly when
    the value is above the c_j-th smallest, c_j = ceil(j n / 5). ``quantile_disc`` at
    (c_j - 0.5) / n returns that value (the ceil(q n)-th smallest, away from rounding edges).

    Returns
    -------
    list of float
        Four positions in (0, 1); arbitrary valid positions when ``n`` is 0.
    """
    if n <= 0:
        return [0.2, 0.4, 0.6, 0.8]
    return [((j * n + 4) // 5 - 0.5) / n for j in range(1, 5)]


def prepare(con: duckdb.DuckDBPyConnection, day: date, *, window_days: int | None = None,
            before: date | None = None, since: date | None = None) -> None:
    """
    Build the per-buyer temp tables of ``day`` on ``con`` unless they are there already.

    Parameters
    ----------
    con : duckdb connection
        The store's warehouse (read-only connections keep the tables between calls).
    day : date
        Report day.
    window_days : int or None
        Window of ``cust_buyers`` (days); None: any, :data:`WINDOW_DAYS` when building.
    before : date or None
        Day of ``cust_buyers.last_before_at``; None: any, ``day - COMPARE_DAYS`` when building.
    since : date or None
        Also build ``cust_new_orders`` / ``cust_new_buyers`` for the buyers whose first
        effective order was paid on or after this day; None: not needed.
    """
    state = _state(con)
    have = state.buyers
    fits = (have is not None and have[0] == day
            and (window_days is None or have[1] == window_days)
            and (before is None or have[2] == before))
    if not fits:
        window = WINDOW_DAYS if window_days is None else window_days
        cut = day - timedelta(days=COMPARE_DAYS) if before is None else before
        if window < 1:
            raise ValueError(f"需要 window_days ≥ 1，收到 {window}")
        warehouse.query_rows(con, "cust_build_buyers", day=day, window=window, before=cut)
        buyers = int(warehouse.query_rows(con, "cust_window_buyers")[0]["buyers"])
        warehouse.query_rows(con, "cust_build_rfm_cuts", positions=quintile_positions(buyers))
        if have is None or have[0] != day:
            state.newcomers = None
        state.buyers = (day, window, cut)
    if since is None:
        return
    kept = state.newcomers
    if kept is None or kept[0] != day or kept[1] > since:
        start = min(since, default_since(day))
        warehouse.query_rows(con, "cust_build_new_orders", day=day, since=start)
        warehouse.query_rows(con, "cust_build_new_buyers")
        state.newcomers = (day, start)


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
    prepare(con, day)
    row = warehouse.query_rows(con, "cust_identity", day=day)[0]
    return Identity(int(row["paid_orders"]), int(row["keyed_orders"]), int(row["buyers"]))


def _has_keys(con: duckdb.DuckDBPyConnection, day: date) -> bool:
    return bool(warehouse.query_rows(con, "cust_has_keys", day=day)[0]["has_keys"])


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
    prepare(con, day, window_days=WINDOW_DAYS, before=before)
    rows = warehouse.query_rows(con, "cust_lifecycle", day=day, before=before,
                                sleeping=sleeping_days, lost=lost_days)
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
    prepare(con, day, window_days=window_days)
    rows = warehouse.query_rows(con, "cust_rfm_segments", day=day, high=high_score)
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
    prepare(con, day, window_days=window_days)
    row = warehouse.query_rows(con, "cust_repurchase")[0]
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
    prepare(con, day, since=first)
    rows = warehouse.query_rows(con, "cust_cohorts", first_month=first)
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


# ---------------------------------------------------------------- 新客90天复购, second-order gap


@dataclass(frozen=True, slots=True)
class FirstRepurchase:
    """
    新客90天复购率: first-time buyers of [first_start, first_end] who bought again within 90 days.

    Attributes
    ----------
    day, first_start, first_end : date
        Report day and the first-order window (both ends inclusive).
    within_days : int
        The second order counts when paid at most this many days after the first (days).
    buyers : int
        Buyers whose first effective order was paid in the window (人).
    repeat_buyers : int
        Of them, buyers with a second effective order within ``within_days`` (人).
    rate : float or None
        repeat_buyers ÷ buyers (fraction); None without buyers.
    by_item : DataFrame
        One row per main item of the first order (largest line): ``item_key``, ``title``,
        ``buyers``, ``repeat_buyers`` (人), ``rate`` (fraction); most buyers first;
        ``item_key`` and ``title`` missing (NaN) for first orders without order lines.
    """

    day: date
    first_start: date
    first_end: date
    within_days: int
    buyers: int
    repeat_buyers: int
    rate: float | None
    by_item: pd.DataFrame


def first_repurchase(con: duckdb.DuckDBPyConnection, day: date, *,
                     within_days: int = REPURCHASE_WITHIN,
                     lookback_days: int = FIRST_LOOKBACK) -> FirstRepurchase | None:
    """
    Compute the 90-day repurchase of first-time buyers, overall and by first item.

    Parameters
    ----------
    con : duckdb connection
        The store's warehouse.
    day : date
        Report day; orders after it are ignored.
    within_days : int
        Days after the first order in which a second order counts (inclusive).
    lookback_days : int
        First orders paid from ``day - lookback_days`` to ``day - within_days`` (inclusive),
        so every buyer counted has had ``within_days`` full days to come back.

    Returns
    -------
    FirstRepurchase or None
        None when no paid order carries a buyer key.
    """
    if not lookback_days >= within_days > 0:
        raise ValueError(f"需要 lookback_days ≥ within_days > 0，收到 {lookback_days}, "
                         f"{within_days}")
    if not _has_keys(con, day):
        return None
    start, end = day - timedelta(days=lookback_days), day - timedelta(days=within_days)
    prepare(con, day, since=start)
    row = warehouse.query_rows(con, "cust_first_repurchase", first_start=start,
                               first_end=end, within=within_days)[0]
    items = warehouse.query_rows(con, "cust_first_item_repurchase", first_start=start,
                                 first_end=end, within=within_days)
    by_item = pd.DataFrame(
        [(r["item_key"], r["title"], int(r["buyers"]), int(r["repeat_buyers"]),
          metrics.ratio(int(r["repeat_buyers"]), int(r["buyers"]))) for r in items],
        columns=["item_key", "title", "buyers", "repeat_buyers", "rate"],
    )
    buyers, repeat = int(row["buyers"]), int(row["repeat_buyers"])
    return FirstRepurchase(day, start, end, within_days, buyers, repeat,
                           metrics.ratio(repeat, buyers), by_item)


QUANTILES = {"p25": 0.25, "median": 0.5, "p75": 0.75, "p90": 0.9}
"""Quantiles of the days to the second order shown and recorded (name -> q)."""


def nearest_rank(counts: pd.DataFrame, q: float) -> int | None:
    """
    Return the nearest-rank quantile of a distribution given as (days, buyers) rows.

    Parameters
    ----------
    counts : DataFrame
        ``days`` (天) and ``buyers`` (人) per distinct number of days.
    q : float
        Quantile in (0, 1].

    Returns
    -------
    int or None
        The smallest ``days`` with at least ``q`` of the buyers at or below it; None without
        buyers.
    """
    ordered = counts.sort_values("days")
    total = int(ordered["buyers"].sum())
    if total == 0:
        return None
    need = q * total
    running = 0
    for days, buyers in zip(ordered["days"], ordered["buyers"], strict=True):
        running += int(buyers)
        if running >= need:
            return int(days)
    return int(ordered["days"].iloc[-1])


@dataclass(frozen=True, slots=True)
class SecondOrderGap:
    """
    Days from the first to the second effective order.

    Attributes
    ----------
    day, since : date
        Report day and the first day of the first-order window (first orders paid from
        ``since`` to ``day``).
    counts : DataFrame
        ``days`` (天, 0 = same day) and ``buyers`` (人), ascending days.
    buyers : int
        Buyers with a second order (人).
    quantiles : dict of str to int or None
        ``p25``, ``median``, ``p75``, ``p90`` (天, nearest rank); None without buyers.
    """

    day: date
    since: date
    counts: pd.DataFrame
    buyers: int
    quantiles: dict[str, int | None]

    def histogram(self, *, width: int = 7, cap: int = 91) -> pd.DataFrame:
        """
        Bin the days into ``width``-day bins up to ``cap`` and one open bin beyond.

        Returns
        -------
        DataFrame
            ``label`` (e.g. ``0–6``, ``91+``), ``low`` (天), ``buyers`` (人), ``share``
            (fraction of the buyers; None without buyers); every bin, empty ones as 0.
        """
        lows = list(range(0, cap, width))
        labels = [f"{lo}–{min(lo + width, cap) - 1}" for lo in lows] + [f"{cap}+"]
        lows.append(cap)
        bins = [min(d // width, len(lows) - 1) if d < cap else len(lows) - 1
                for d in self.counts["days"]]
        totals = [0] * len(lows)
        for b, n in zip(bins, self.counts["buyers"], strict=True):
            totals[b] += int(n)
        return pd.DataFrame({
            "label": labels, "low": lows, "buyers": totals,
            "share": [metrics.ratio(n, self.buyers) for n in totals],
        })


def second_order_gap(con: duckdb.DuckDBPyConnection, day: date, *,
                     window_days: int = WINDOW_DAYS) -> SecondOrderGap | None:
    """
    Count the buyers by days from their first to their second effective order.

    Parameters
    ----------
    con : duckdb connection
        The store's warehouse.
    day : date
        Report day; orders after it are ignored.
    window_days : int
        First orders paid in the ``window_days`` days ending ``day`` (days).

    Returns
    -------
    SecondOrderGap or None
        None when no paid order carries a buyer key.
    """
    if not _has_keys(con, day):
        return None
    since = day - timedelta(days=window_days - 1)
    prepare(con, day, since=since)
    rows = warehouse.query_rows(con, "cust_second_order_days", since=since)
    counts = pd.DataFrame([(int(r["days"]), int(r["buyers"])) for r in rows],
                          columns=["days", "buyers"])
    quantiles = {name: nearest_rank(counts, q) for name, q in QUANTILES.items()}
    return SecondOrderGap(day, since, counts, int(counts["buyers"].sum()), quantiles)


# ---------------------------------------------------------------- 新客 vs 老客


@dataclass(frozen=True, slots=True)
class NewReturning:
    """
    New vs returning buyers by month, and the items that bring them.

    Attributes
    ----------
    day, first_month : date
        Report day and the first month shown (first of a month).
    months : DataFrame
        One row per month with orders, oldest first: ``month`` (date, first of month),
        ``new_buyers``, ``returning_buyers`` (人), ``new_orders``, ``returning_orders`` (笔),
        ``new_gmv``, ``returning_gmv`` (Decimal 元), ``new_aov``, ``returning_aov`` (Decimal
        元, 支付金额 ÷ 订单数; None without orders), ``new_share`` (new ÷ all buyers of the
        month), ``new_gmv_share`` (fraction of the month's 支付金额), ``partial`` (the report
        day's month, still running).
    new_items, return_items : DataFrame
        Top items of first orders (bring new buyers) and of later orders (bring buyers back)
        in the months shown: ``item_key``, ``title``, ``buyers`` (人), ``orders`` (笔),
        ``gmv`` (Decimal 元, the lines' share of 支付金额); most buyers first.
    """

    day: date
    first_month: date
    months: pd.DataFrame
    new_items: pd.DataFrame
    return_items: pd.DataFrame


def new_vs_returning(con: duckdb.DuckDBPyConnection, day: date, *, months: int = 12,
                     top: int = 10) -> NewReturning | None:
    """
    Split each month's buyers, orders and 支付金额 into new and returning buyers.

    Parameters
    ----------
    con : duckdb connection
        The store's warehouse.
    day : date
        Report day; orders after it are ignored.
    months : int
        Calendar months shown, the report day's month included (1 to :data:`MAX_MONTHS`).
    top : int
        Items listed in each of the two item tables.

    Returns
    -------
    NewReturning or None
        None when no paid order carries a buyer key.
    """
    if not 0 < months <= MAX_MONTHS:
        raise ValueError(f"需要 0 < months ≤ {MAX_MONTHS}，收到 {months}")
    if not _has_keys(con, day):
        return None
    first = first_cohort_month(day, months)
    prepare(con, day, since=first)
    rows = warehouse.query_rows(con, "cust_new_returning", day=day, first_month=first,
                                months=months)
    table: dict[date, dict[str, Any]] = {}
    for r in rows:
        side = "new" if r["is_new"] else "returning"
        entry = table.setdefault(r["month"], {})
        entry[f"{side}_buyers"] = int(r["buyers"])
        entry[f"{side}_orders"] = int(r["orders"])
        entry[f"{side}_gmv"] = r["gmv"]
    records = []
    this_month = date(day.year, day.month, 1)
    for month in sorted(table):
        e = table[month]
        rec: dict[str, Any] = {"month": month}
        for side in ("new", "returning"):
            rec[f"{side}_buyers"] = e.get(f"{side}_buyers", 0)
            rec[f"{side}_orders"] = e.get(f"{side}_orders", 0)
            rec[f"{side}_gmv"] = e.get(f"{side}_gmv", Decimal(0))
        for side in ("new", "returning"):
            rec[f"{side}_aov"] = metrics.money_ratio(rec[f"{side}_gmv"], rec[f"{side}_orders"])
        rec["new_share"] = metrics.ratio(rec["new_buyers"],
                                         rec["new_buyers"] + rec["returning_buyers"])
        rec["new_gmv_share"] = metrics.ratio(rec["new_gmv"],
                                             rec["new_gmv"] + rec["returning_gmv"])
        rec["partial"] = month == this_month
        records.append(rec)
    columns = ["month", "new_buyers", "returning_buyers", "new_orders", "returning_orders",
               "new_gmv", "returning_gmv", "new_aov", "returning_aov", "new_share",
               "new_gmv_share", "partial"]
    frame = pd.DataFrame(records, columns=columns)
    shared = bool(warehouse.query_rows(con, "cust_unpaid_lines")[0]["shared"])
    items = warehouse.query_rows(con, "cust_item_new_returning", day=day, start=first,
                                 shared=shared)
    item_cols = ["item_key", "title", "buyers", "orders", "gmv"]

    def _top(is_first: bool) -> pd.DataFrame:
        picked = [r for r in items if bool(r["is_first"]) is is_first]
        picked.sort(key=lambda r: (-int(r["buyers"]), -r["gmv"], str(r["item_key"])))
        return pd.DataFrame([[r["item_key"], r["title"], int(r["buyers"]), int(r["orders"]),
                              r["gmv"]] for r in picked[:top]], columns=item_cols)

    return NewReturning(day, first, frame, _top(True), _top(False))


# ---------------------------------------------------------------- recall lists


@dataclass(frozen=True, slots=True)
class Recall:
    """
    The buyers to contact, as of the report day.

    ``buyers`` columns: list (a key of :data:`RECALL_LISTS`), buyer_key, last_order_id,
    last_paid_at (datetime), last_amount (Decimal 元), days_since (天), orders (笔, 365 days),
    gmv (Decimal 元, 365 days), orders_ever (笔, every effective order), m_score (1–5). A buyer
    can be on several lists (a high-value buyer who turned sleeping this week is on two).
    """

    day: date
    recall_days: int
    buyers: pd.DataFrame

    def count(self, name: str) -> int:
        """Return the buyers on one list (人)."""
        return int((self.buyers["list"] == name).sum())

    def counts(self) -> dict[str, int]:
        """Return the three recall lists of the report -> buyers (人)."""
        return {name: self.count(name) for name in RECALL_SEGMENTS}

    def rows(self, name: str) -> pd.DataFrame:
        """Return one list's rows (largest 365-day 支付金额 first)."""
        return self.buyers.loc[lambda d: d["list"] == name].reset_index(drop=True)


def recall(con: duckdb.DuckDBPyConnection, day: date, *, recall_days: int = 30,
           sleeping_days: int = 30, lost_days: int = 50, high_score: int = HIGH_SCORE,
           first_days: tuple[int, int] = FIRST_ORDER_DAYS) -> Recall | None:
    """
    List the buyers to contact, one row per (list, buyer).

    The lists: turned sleeping this week, high-value sleepers, first-time buyers at day 25–30
    without a second order, and the daily 30-day recall.

    Parameters
    ----------
    con : duckdb connection
        The store's warehouse.
    day : date
        Report day.
    recall_days : int
        到期召回: the last effective order was exactly this many days before ``day``.
    sleeping_days, lost_days : int
        本周转入沉睡: sleeping_days < days since ≤ sleeping_days + 7 (the threshold was
        crossed on one of the 7 days ending ``day``). 高价值沉睡: sleeping
        (sleeping_days < days since ≤ lost_days) with an RFM M score ≥ ``high_score``
        (365-day window).
    high_score : int
        M score threshold (1–5).
    first_days : tuple of int
        首单25–30天未复购: exactly one effective order ever, paid this many days before
        ``day`` (both ends inclusive).

    Returns
    -------
    Recall or None
        None when no paid order carries a buyer key.
    """
    if not _has_keys(con, day):
        return None
    prepare(con, day, window_days=WINDOW_DAYS)
    rows = warehouse.query_rows(con, "cust_recall", day=day, recall=recall_days,
                                sleeping=sleeping_days, lost=lost_days, high=high_score,
                                entering=ENTERING_DAYS,
                                first_min=first_days[0],
                                first_max=first_days[1])
    columns = ["list", "buyer_key", "last_order_id", "last_paid_at", "last_amount",
               "days_since", "orders", "gmv", "orders_ever", "m_score"]
    return Recall(day, recall_days, pd.DataFrame(rows, columns=columns))


# ---------------------------------------------------------------- figures


def figures(day: date, life: Lifecycle | None, segs: Rfm | None, rep: Repurchase | None,
            calls: Recall | None, *, first: FirstRepurchase | None = None,
            gap: SecondOrderGap | None = None,
            mix: NewReturning | None = None) -> dict[str, Any]:
    """
    Return the headline figures for ``customers.metrics.json`` (None when absent).

    Keys: report_date, active, sleeping, lost (人), active_change, sleeping_change,
    lost_change (人 since 30 days before), recall_due, sleeping_high_value (人),
    repurchase_rate (fraction), value_at_risk (元, rounded to 0.01), segments (name -> 人),
    segments_gmv (name -> 元), rfm_segments (name -> {count 人, gmv 元});
    repurchase_90d_first_time (fraction) with repurchase_90d_cohort (first_from, first_to,
    within_days, buyers 人, repeat_buyers 人); days_to_second_order (buyers 人, p25, median,
    p75, p90 天); new_vs_returning ("YYYY-MM" -> new_buyers, returning_buyers 人, new_gmv,
    returning_gmv, new_aov, returning_aov 元, new_share fraction of buyers); recall_counts
    (entering_sleeping, sleeping_high_value, first_order_25_30 -> 人).
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
    out["rfm_segments"] = ({s: {"count": int(n), "gmv": metrics.round_money(g)} for s, n, g in
                            zip(segs.segments["segment"], segs.segments["buyers"],
                                segs.segments["gmv"], strict=True)}
                           if segs else None)
    out["repurchase_90d_first_time"] = first.rate if first else None
    out["repurchase_90d_cohort"] = ({
        "first_from": first.first_start.isoformat(), "first_to": first.first_end.isoformat(),
        "within_days": first.within_days, "buyers": first.buyers,
        "repeat_buyers": first.repeat_buyers} if first else None)
    out["days_to_second_order"] = ({"buyers": gap.buyers, **gap.quantiles} if gap else None)
    out["new_vs_returning"] = ({
        f"{r.month:%Y-%m}": {
            "new_buyers": r.new_buyers, "returning_buyers": r.returning_buyers,
            "new_gmv": metrics.round_money(r.new_gmv),
            "returning_gmv": metrics.round_money(r.returning_gmv),
            "new_aov": metrics.round_money(r.new_aov),
            "returning_aov": metrics.round_money(r.returning_aov),
            "new_share": r.new_share,
        } for r in mix.months.itertuples(index=False)} if mix else None)
    out["recall_counts"] = calls.counts() if calls else None
    return out
