"""推广 (ads) for the daily review: spend and ROI by channel, keyword rules, their backtest.

Conventions (DATA_CONTRACT.md §3): ROI = 总成交金额 ÷ 花费; 推广费比 = Σ花费 of all channels
(淘宝客 = its commission) ÷ the shop's 支付金额 of the same day. Ad sales are attributed to the
click date within an attribution window chosen at download time: one window is picked per
question (the one with the most rows) and figures of different windows are never summed.
Spend is summed within ONE report level per channel (plan, else item, else keyword, else
crowd), because the item, keyword and crowd reports show the same spend cut three ways.

The keyword rules come from the seeds (直通车 optimisation notes):

* 换创意 — the keyword's CTR on the day is below ``ctr_ratio`` × the median CTR of the
  keywords of its plan (keywords with at least ``min_impressions`` 展现 only, so a keyword
  with 20 impressions neither fires nor moves the median);
* 暂停关键词 — spend on each of the last ``no_sale_days`` days up to the day and 0 orders
  (总成交笔数) on every one of them;
* 降价或降预算 — ROI over the last ``roi_days`` days (Σ成交 ÷ Σ花费) below break-even
  (1 ÷ 毛利率 from stores.toml), with at least ``min_spend`` of spend and spend on the day.

Recent days' sales keep growing until the attribution window closes (a 15-day window is
complete 15 days after the click), so the rules lean towards firing on fresh data: the
backtest shows what following them would have cost.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import duckdb
import pandas as pd

from storeops import metrics, warehouse
from storeops.errors import ConfigError

logger = logging.getLogger(__name__)

RULE_CTR = "换创意"
RULE_NO_SALE = "暂停关键词"
RULE_ROI = "降价或降预算"
RULES = (RULE_NO_SALE, RULE_ROI, RULE_CTR)
"""The keyword rules, strongest first (a keyword to pause needs no new creative)."""

LEVELS = ("plan", "item", "keyword", "crowd")
"""Report levels in the order preferred for spend: the first one a channel has is summed."""

COST_RATIO_CEILING = 0.20
"""推广费比 ceiling from the seeds (年度推广成本控制在 20% 以内)."""

MIN_IMPRESSIONS = 500
"""展现 a keyword needs on the day before its CTR is judged (件 of impressions)."""

MIN_SPEND = Decimal("50")
"""Spend (元) over the ROI period below which the ROI rule does not judge a keyword."""

TOTAL = "合计"
"""Channel name of the total row of :func:`channel_summary`."""

KeywordKey = tuple[str, str, str, str]
"""(channel, plan_id, unit_key, entity_key): one keyword of one item in one unit."""


@dataclass(frozen=True, slots=True)
class RuleHit:
    """
    One keyword that a rule fired on, with the figures that triggered it.

    ``figures`` by rule — 换创意: ``ctr``, ``plan_median_ctr``, ``ctr_ratio`` (fractions),
    ``impressions``, ``clicks``; 暂停关键词: ``days``, ``spend`` (元), ``clicks``;
    降价或降预算: ``days``, ``roi``, ``break_even`` (plain numbers such as 2.22), ``spend``
    and ``gmv`` (元). ``cost`` is the money at stake (元): the day's spend for 换创意, the
    spend of the rule's period for the others.
    """

    rule: str
    channel: str
    plan_name: str
    keyword: str
    figures: dict[str, Any]
    cost: Decimal
    item_id: str | None = None
    plan_id: str = ""
    unit_key: str = ""
    window_days: int | None = None


@dataclass(frozen=True, slots=True)
class PausedKeyword:
    """A keyword the backtest would have paused on ``paused_on``, and what followed."""

    rule: str
    channel: str
    plan_name: str
    keyword: str
    item_id: str | None
    paused_on: date
    saved: Decimal  # 元 spent after paused_on, up to the report day
    at_risk: Decimal  # 元 of 总成交金额 attributed to clicks after paused_on


@dataclass(frozen=True, slots=True)
class RuleBacktest:
    """Backtest totals of one rule (keywords counted under the rule that fired first)."""

    rule: str
    keywords: int
    saved: Decimal
    at_risk: Decimal


@dataclass(frozen=True, slots=True)
class Backtest:
    """
    What following the pause rules over the last ``days`` days would have meant.

    ``saved`` is the spend after each keyword's first pause day (元), ``at_risk`` the
    总成交金额 of those later clicks (元) — sales the pause would have put at risk.
    ``window_days`` is None and ``last_day`` None when there is no keyword report at all.
    """

    day: date
    start: date
    days: int
    window_days: int | None
    last_day: date | None
    saved: Decimal = Decimal(0)
    at_risk: Decimal = Decimal(0)
    keywords: int = 0
    by_rule: tuple[RuleBacktest, ...] = ()
    paused: tuple[PausedKeyword, ...] = field(default=())

    @property
    def has_data(self) -> bool:
        """True when the keyword report covers at least one day of the period."""
        return self.window_days is not None


# ---------------------------------------------------------------- helpers


def pick_window(con: duckdb.DuckDBPyConnection, start: date, end: date,
                levels: Iterable[str] = LEVELS) -> int | None:
    """
    Return the attribution window (days) with the most ad rows in ``[start, end]``.

    Ties go to 15 days (the platform default), then to the shorter window.

    Returns
    -------
    int or None
        Window in days (1, 3, 7, 15, 30); None when there is no ad row at those levels.
    """
    rows = warehouse.query_rows(con, "ads_windows", start=start, end=end, levels=list(levels))
    return int(rows[0]["window_days"]) if rows else None


def break_even_roi(gross_margin: float) -> float:
    """
    Return the ROI at which ad-driven sales just pay for the ads: 1 ÷ 毛利率.

    Raises
    ------
    ConfigError
        When the margin is not in (0, 1].
    """
    return float(1 / _margin(gross_margin))


def _margin(gross_margin: float) -> Decimal:
    margin = Decimal(str(gross_margin))
    if not Decimal(0) < margin <= Decimal(1):
        raise ConfigError(
            f"gross_margin = {gross_margin} 不在 (0, 1] 内：请在 stores.toml 中把毛利率写成小数，"
            "例如 gross_margin = 0.45"
        )
    return margin


def display_keyword(entity_key: str, item_id: str | None) -> str:
    """Return the keyword of an entity key without its ``|<item id>`` suffix."""
    suffix = f"|{item_id}" if item_id else None
    if suffix and entity_key.endswith(suffix) and len(entity_key) > len(suffix):
        return entity_key[: -len(suffix)]
    return entity_key


def _money(value: Any) -> Decimal:
    return Decimal(0) if value is None else warehouse.to_decimal(value)


def _span(end: date, n: int) -> list[date]:
    """Return the ``n`` days ending at ``end``, oldest first."""
    return [end - timedelta(days=i) for i in range(n - 1, -1, -1)]


# ---------------------------------------------------------------- channels


def channel_summary(con: duckdb.DuckDBPyConnection, day: date,
                    shop_gmv: Decimal | None) -> pd.DataFrame | None:
    """
    Sum the day's ads per channel: spend, attributed sales, ROI, clicks, CTR, 推广费比.

    Parameters
    ----------
    con : DuckDBPyConnection
        The store's warehouse.
    day : date
        Report day (click date of the ad rows).
    shop_gmv : Decimal or None
        The shop's 支付金额 of the day (元); None when there are no orders for the day.

    Returns
    -------
    DataFrame or None
        One row per channel, most spend first, then a ``合计`` row. Columns: ``channel``,
        ``report_level`` (the level summed), ``window_days`` (the one attribution window
        used), ``cost`` and ``gmv_total`` (Decimal 元), ``orders_total``, ``impressions``,
        ``clicks``, ``ctr`` (fraction), ``roi`` (plain number), ``cost_ratio`` (推广费比,
        fraction of ``shop_gmv``). The total row has no ``gmv_total``/``roi``/``ctr``: ad
        sales overlap across channels and are never added. None when there is no ad data.
    """
    window = pick_window(con, day, day)
    if window is None:
        return None
    rows = warehouse.query_rows(con, "ads_channel_day", day=day, window=window)
    records = [
        {
            "channel": r["channel"],
            "report_level": r["report_level"],
            "window_days": window,
            "cost": _money(r["cost"]),
            "gmv_total": r["gmv_total"],
            "orders_total": r["orders_total"],
            "impressions": r["impressions"],
            "clicks": r["clicks"],
            "ctr": metrics.ratio(r["clicks"], r["impressions"]),
            "roi": metrics.ratio(r["gmv_total"], r["cost"]),
            "cost_ratio": metrics.ratio(_money(r["cost"]), shop_gmv),
        }
        for r in rows
    ]
    cost = sum((r["cost"] for r in records), Decimal(0))
    records.append({
        "channel": TOTAL, "report_level": "", "window_days": window, "cost": cost,
        "gmv_total": None, "orders_total": None, "impressions": None, "clicks": None,
        "ctr": None, "roi": None, "cost_ratio": metrics.ratio(cost, shop_gmv),
    })
    # object columns: money stays Decimal and a missing ratio stays None (never NaN)
    return pd.DataFrame(records, dtype=object)


# ---------------------------------------------------------------- keyword rules


def _keyword_days(con: duckdb.DuckDBPyConnection, start: date, end: date, window: int
                  ) -> dict[KeywordKey, dict[date, dict[str, Any]]]:
    """Return the keyword rows of ``[start, end]`` grouped by keyword, then by day."""
    out: dict[KeywordKey, dict[date, dict[str, Any]]] = {}
    for r in warehouse.query_rows(con, "ads_keyword_days", start=start, end=end, window=window):
        key = (r["channel"], r["plan_id"], r["unit_key"], r["entity_key"])
        out.setdefault(key, {})[r["day"]] = r
    return out


def no_sale(rows: Mapping[date, Mapping[str, Any]], day: date, days: int
            ) -> dict[str, Any] | None:
    """
    Apply the no-sale rule to one keyword as of ``day``.

    Parameters
    ----------
    rows : mapping of date to row
        The keyword's daily rows (``cost`` 元, ``orders_total``, ``clicks``).
    day : date
        Last day of the period.
    days : int
        Consecutive days that must each have spend > 0 and 0 orders.

    Returns
    -------
    dict or None
        ``days``, ``spend`` (元, Σ over the period), ``clicks``; None when the rule does not
        fire (a day without spend, an order, or an unknown order count).
    """
    picked = [rows.get(d) for d in _span(day, days)]
    for r in picked:
        if r is None or r["cost"] is None or r["cost"] <= 0 or r["orders_total"] != 0:
            return None
    return {"days": days, "spend": sum((r["cost"] for r in picked), Decimal(0)),
            "clicks": sum(int(r["clicks"] or 0) for r in picked)}


def roi_below(rows: Mapping[date, Mapping[str, Any]], day: date, days: int, *,
              margin: Decimal, min_spend: Decimal) -> dict[str, Any] | None:
    """
    Apply the ROI rule to one keyword as of ``day``: Σ成交 ÷ Σ花费 < 1 ÷ ``margin``.

    The keyword must have spend on ``day`` itself (a keyword already stopped needs no
    advice) and at least ``min_spend`` 元 over the ``days`` days. The comparison is exact:
    ROI < 1/margin ⇔ Σ成交 × margin < Σ花费.

    Returns
    -------
    dict or None
        ``days``, ``roi``, ``break_even`` (plain numbers), ``spend``, ``gmv`` (元); None
        when the rule does not fire or a day's 总成交金额 is unknown.
    """
    today = rows.get(day)
    if today is None or today["cost"] is None or today["cost"] <= 0:
        return None
    picked = [r for d in _span(day, days) if (r := rows.get(d)) is not None]
    if any(r["gmv_total"] is None and r["cost"] for r in picked):
        return None
    spend = sum((_money(r["cost"]) for r in picked), Decimal(0))
    gmv = sum((_money(r["gmv_total"]) for r in picked), Decimal(0))
    if spend < min_spend or gmv * margin >= spend:
        return None
    return {"days": days, "roi": float(gmv / spend), "break_even": float(1 / margin),
            "spend": spend, "gmv": gmv}


def _ctr_hits(keywords: dict[KeywordKey, dict[date, dict[str, Any]]], day: date, *,
              ctr_ratio: float, min_impressions: int) -> list[tuple[KeywordKey, dict]]:
    """Return the keywords whose CTR on ``day`` is below ``ctr_ratio`` × their plan median."""
    by_plan: dict[tuple[str, str], list[tuple[KeywordKey, Fraction, dict]]] = {}
    for key, rows in keywords.items():
        r = rows.get(day)
        if r is None or r["clicks"] is None or not r["impressions"]:
            continue
        if r["impressions"] < min_impressions:
            continue
        ctr = Fraction(int(r["clicks"]), int(r["impressions"]))
        by_plan.setdefault((key[0], key[1]), []).append((key, ctr, r))
    factor = Fraction(str(ctr_ratio))
    out = []
    for members in by_plan.values():
        median = statistics.median(ctr for _, ctr, _ in members)
        for key, ctr, r in members:
            if ctr < factor * median:
                out.append((key, {
                    "ctr": float(ctr), "plan_median_ctr": float(median),
                    "ctr_ratio": float(ctr_ratio), "impressions": int(r["impressions"]),
                    "clicks": int(r["clicks"]),
                }))
    return out


def _hit(rule: str, key: KeywordKey, rows: Mapping[date, Mapping[str, Any]],
         figures: dict[str, Any], cost: Decimal, window: int) -> RuleHit:
    latest = rows[max(rows)]
    item = latest["item_id"]
    return RuleHit(
        rule=rule, channel=key[0], plan_name=latest["plan_name"] or key[1],
        keyword=display_keyword(key[3], item), figures=figures, cost=cost, item_id=item,
        plan_id=key[1], unit_key=key[2], window_days=window,
    )


def keyword_rules(con: duckdb.DuckDBPyConnection, day: date, *, gross_margin: float,
                  ctr_ratio: float = 0.5, no_sale_days: int = 7, roi_days: int = 7,
                  min_impressions: int = MIN_IMPRESSIONS,
                  min_spend: Decimal = MIN_SPEND) -> list[RuleHit]:
    """
    Apply the three keyword rules as of ``day``.

    Parameters
    ----------
    con : DuckDBPyConnection
        The store's warehouse (keyword-level rows of ``ad_reports``).
    day : date
        Report day.
    gross_margin : float
        毛利率 from stores.toml (0.45); break-even ROI = 1 ÷ gross_margin.
    ctr_ratio : float
        换创意 fires below this fraction of the plan's median CTR.
    no_sale_days : int
        Days of spend without an order before 暂停关键词 fires.
    roi_days : int
        Days of the ROI of 降价或降预算.
    min_impressions : int
        展现 a keyword needs on the day to be judged (and to count in the plan median).
    min_spend : Decimal
        元 of spend over ``roi_days`` a keyword needs before its ROI is judged.

    Returns
    -------
    list of RuleHit
        Most money at stake first. A keyword may be hit by several rules. Empty when no
        keyword report covers ``day`` (one attribution window: the day's most common).
    """
    margin = _margin(gross_margin)
    window = pick_window(con, day, day, ("keyword",))
    if window is None:
        return []
    start = day - timedelta(days=max(no_sale_days, roi_days) - 1)
    keywords = _keyword_days(con, start, day, window)
    hits: list[RuleHit] = []
    for key, rows in keywords.items():
        found = no_sale(rows, day, no_sale_days)
        if found is not None:
            hits.append(_hit(RULE_NO_SALE, key, rows, found, found["spend"], window))
        found = roi_below(rows, day, roi_days, margin=margin, min_spend=min_spend)
        if found is not None:
            hits.append(_hit(RULE_ROI, key, rows, found, found["spend"], window))
    for key, figures in _ctr_hits(keywords, day, ctr_ratio=ctr_ratio,
                                  min_impressions=min_impressions):
        rows = keywords[key]
        hits.append(_hit(RULE_CTR, key, rows, figures, _money(rows[day]["cost"]), window))
    return sorted(hits, key=lambda h: (-h.cost, RULES.index(h.rule), h.plan_name, h.keyword))


# ---------------------------------------------------------------- backtest


def backtest(con: duckdb.DuckDBPyConnection, day: date, *, gross_margin: float,
             days: int = 30, no_sale_days: int = 7, roi_days: int = 7,
             min_spend: Decimal = MIN_SPEND) -> Backtest:
    """
    Replay the pause rules (暂停关键词, 降价或降预算) over the last ``days`` days.

    For each day ``t`` of the period, both rules are applied as of ``t`` with the data up to
    ``t``. A keyword is "paused" on the first day a rule fires (暂停关键词 wins a tie) and
    counted under that rule only. What followed the pause, up to ``day``: ``saved`` = its
    spend after ``t`` (元), ``at_risk`` = its 总成交金额 attributed to those later clicks (元).
    Treating 降价或降预算 as a pause gives the upper bound of both.

    Parameters
    ----------
    con : DuckDBPyConnection
        The store's warehouse.
    day : date
        Report day (last day of the period).
    gross_margin : float
        毛利率 (break-even ROI = 1 ÷ gross_margin).
    days : int
        Length of the period (days ending at ``day``).
    no_sale_days, roi_days, min_spend
        As in :func:`keyword_rules`.

    Returns
    -------
    Backtest
        Totals, per-rule numbers and the paused keywords (most spend saved first). One
        attribution window: the most common among the keyword rows read.
    """
    margin = _margin(gross_margin)
    start = day - timedelta(days=days - 1)
    first = start - timedelta(days=max(no_sale_days, roi_days) - 1)
    window = pick_window(con, first, day, ("keyword",))
    if window is None:
        return Backtest(day=day, start=start, days=days, window_days=None, last_day=None)
    keywords = _keyword_days(con, first, day, window)
    last_day = max((d for rows in keywords.values() for d in rows), default=None)
    paused: list[PausedKeyword] = []
    for key, rows in keywords.items():
        for t in _span(day, days):
            rule = None
            if no_sale(rows, t, no_sale_days) is not None:
                rule = RULE_NO_SALE
            elif roi_below(rows, t, roi_days, margin=margin, min_spend=min_spend) is not None:
                rule = RULE_ROI
            if rule is None:
                continue
            after = [r for d, r in rows.items() if t < d <= day]
            latest = rows[max(rows)]
            paused.append(PausedKeyword(
                rule=rule, channel=key[0], plan_name=latest["plan_name"] or key[1],
                keyword=display_keyword(key[3], latest["item_id"]), item_id=latest["item_id"],
                paused_on=t,
                saved=sum((_money(r["cost"]) for r in after), Decimal(0)),
                at_risk=sum((_money(r["gmv_total"]) for r in after), Decimal(0)),
            ))
            break
    paused.sort(key=lambda p: (-p.saved, p.paused_on, p.plan_name, p.keyword))
    by_rule = tuple(
        RuleBacktest(rule=rule, keywords=len(picked),
                     saved=sum((p.saved for p in picked), Decimal(0)),
                     at_risk=sum((p.at_risk for p in picked), Decimal(0)))
        for rule in (RULE_NO_SALE, RULE_ROI)
        for picked in [[p for p in paused if p.rule == rule]]
    )
    return Backtest(
        day=day, start=start, days=days, window_days=window, last_day=last_day,
        saved=sum((p.saved for p in paused), Decimal(0)),
        at_risk=sum((p.at_risk for p in paused), Decimal(0)),
        keywords=len(paused), by_rule=by_rule, paused=tuple(paused),
    )


# ---------------------------------------------------------------- recorded figures


def _json_money(x: Decimal | None) -> float | None:
    return None if x is None else float(metrics.round_money(x))


def figures(summary: pd.DataFrame | None, hits: list[RuleHit], bt: Backtest
            ) -> dict[str, Any]:
    """
    Return the ad figures recorded in ``daily_review.metrics.json`` (plain JSON values).

    Keys: ``ad_cost`` (元), ``ad_cost_ratio`` (fraction), ``ad_window_days``, ``ad_rule_hits``
    {rule: count}, ``ad_backtest_saved`` and ``ad_backtest_at_risk`` (元), all null when
    there is no ad data.
    """
    total = None
    if summary is not None:
        total = summary.loc[summary["channel"] == TOTAL].iloc[0]
    return {
        "ad_cost": None if total is None else _json_money(total["cost"]),
        "ad_cost_ratio": None if total is None else total["cost_ratio"],
        "ad_window_days": None if total is None else int(total["window_days"]),
        "ad_rule_hits": {rule: sum(h.rule == rule for h in hits) for rule in RULES},
        "ad_backtest_saved": _json_money(bt.saved) if bt.has_data else None,
        "ad_backtest_at_risk": _json_money(bt.at_risk) if bt.has_data else None,
    }
