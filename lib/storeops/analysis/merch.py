"""The daily review's 流量, 商品 and 数据核对 (cross-source checks) sections.

Each function reads the warehouse for the report day and returns a small frozen result, or
None when the export that fills it is absent (:data:`SOURCES` names it). Rules
(DATA_CONTRACT.md §2, §10):

* 访客数 is a distinct count: visitors of different sources overlap, so the sum over
  sources (来源访客合计) is larger than the shop's 访客数 and is never presented as adding
  up to it. A first-level source row (``source_l2 = '(合计)'``) is a subtotal of its detail
  rows and is never added to them; devices are summed.
* Ratios are sum-then-divide (商品支付转化率 = 支付买家数 ÷ 商品访客数 of the item).
* Item GMV comes from the order lines (宝贝报表) by pay time, with the order's paid amount
  allocated pro rata to price × qty when a line has none (``sql/gmv_by_item.sql``); item
  traffic and conversion only from 生意参谋 商品_全部 (item_daily).
* 动销率 = items with sales in the last 30 days ÷ items on sale; items on sale are the
  items of the latest inventory snapshot with stock > 0, else the items seen in order lines
  or item_daily over 90 days (:attr:`ActiveItems.basis` says which).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from storeops import metrics, warehouse
from storeops.analysis.ads import TOTAL as AD_TOTAL
from storeops.analysis.daily import DailyKpis, change

logger = logging.getLogger(__name__)

SOURCES = {
    "traffic": "生意参谋 流量来源（店铺，按天）",
    "items": "宝贝报表（订单明细）",
    "item_daily": "生意参谋 商品_全部（按天）",
    "inventory": "聚水潭 商品库存",
    "shop_daily": "生意参谋 店铺整体（按天）",
    "ads": "万相台/直通车 报表",
}
"""The export that fills each part, named when the part has no data."""

EXPLAIN_COVER = 0.8
"""Drivers are listed until they cover this share of the sources' move in one direction."""

MAX_DRIVERS = 3

ACTIVE_DAYS = 30
SEEN_DAYS = 90
NO_SALE_DAYS = 7

MIN_CVR_VISITORS = 50
"""商品访客数 an item needs on both days before its conversion is compared (人)."""

CVR_DROP = 0.3
"""An item's conversion "fell" when it is below (1 − CVR_DROP) × last week's."""

NO_SALE_VISITORS = 100
"""Σ日访客 over the last NO_SALE_DAYS days above which an item without a sale is listed."""

CHECK_PCT = 0.01
CHECK_FLOOR = Decimal(10)
"""Cross-source money tolerance: within 1 % of the reference or ¥10, whichever is larger."""

LINE_CENT = Decimal("0.01")
"""Per-line rounding allowed when order lines are summed against their order (元)."""

ORDER_SHARE = 0.01
"""Share of the day's paid orders allowed to fail a line check (download timing)."""


def _int(x: Any) -> int | None:
    return None if x is None or pd.isna(x) else int(x)


def _json_money(x: Decimal | None) -> float | None:
    return None if x is None else float(metrics.round_money(x))


# ---------------------------------------------------------------- 流量 (§2.3)


@dataclass(frozen=True, slots=True)
class TrafficDay:
    """
    访客数 by traffic source on the day and the same weekday last week.

    ``sources`` columns: source_l1 (流量来源), source (来源明细, or the first-level name when
    that source has no details), visitors and visitors_base (人, base None when the base day
    has no export), change (人), change_pct (fraction), share and share_base (fraction of
    来源访客合计), pay_buyers (人), pay_cvr (支付买家数 ÷ 访客数), move_share (this source's
    change ÷ all changes in the shop's direction; None for the others), is_driver (bool).
    Sorted by visitors, most first.
    """

    day: date
    base: date
    sources: pd.DataFrame
    source_total: int
    source_total_base: int | None
    shop_uv: int | None
    shop_uv_base: int | None
    drivers: tuple[str, ...] = ()

    @property
    def has_base(self) -> bool:
        """True when the comparison day has a 流量来源 export."""
        return self.source_total_base is not None

    @property
    def shop_change(self) -> int | None:
        """Change of the shop's 访客数 (人), from 生意参谋 店铺 (shop_daily)."""
        if self.shop_uv is None or self.shop_uv_base is None:
            return None
        return self.shop_uv - self.shop_uv_base

    @property
    def source_change(self) -> int | None:
        """Change of 来源访客合计 (人); never equal to the shop's change (overlap)."""
        if self.source_total_base is None:
            return None
        return self.source_total - self.source_total_base


def explain_change(changes: pd.Series, shop_change: int | None, *,
                   cover: float = EXPLAIN_COVER, limit: int = MAX_DRIVERS
                   ) -> tuple[list[Any], pd.Series]:
    """
    Pick the sources whose visitor change explains the shop's 访客数 change.

    Parameters
    ----------
    changes : Series
        Visitor change by source (人), indexed by source.
    shop_change : int or None
        The shop's 访客数 change (人); its sign gives the direction. When None or 0, the
        direction of the sources' net change is used.
    cover : float
        Sources are taken, largest move first, until they cover this share of all moves in
        that direction.
    limit : int
        At most this many sources.

    Returns
    -------
    tuple
        (drivers in order; each source's share of the moves in that direction, fraction,
        NaN for sources that moved the other way or not at all).
    """
    direction = 0
    if shop_change:
        direction = 1 if shop_change > 0 else -1
    elif changes.sum() != 0:
        direction = 1 if changes.sum() > 0 else -1
    same = changes.loc[lambda s: s * direction > 0] if direction else changes.iloc[:0]
    gross = same.abs().sum()
    shares = (same.abs() / gross if gross else same.abs()).reindex(changes.index)
    drivers: list[Any] = []
    covered = 0.0
    for name, share in shares.dropna().sort_values(ascending=False).items():
        if covered >= cover or len(drivers) >= limit:
            break
        drivers.append(name)
        covered += float(share)
    return drivers, shares.astype(float)


def traffic_day(con: duckdb.DuckDBPyConnection, k: DailyKpis, *,
                cover: float = EXPLAIN_COVER, limit: int = MAX_DRIVERS) -> TrafficDay | None:
    """
    Return 访客数 by source on the day vs the same weekday last week, and the drivers.

    Parameters
    ----------
    con : DuckDBPyConnection
        The store's warehouse.
    k : DailyKpis
        From :func:`storeops.analysis.daily.kpis` (the shop's 访客数 of both days).
    cover, limit
        As in :func:`explain_change`.

    Returns
    -------
    TrafficDay or None
        None when the day has no shop-level 流量来源 export.
    """
    base = k.last_week_date
    rows = pd.DataFrame(warehouse.query_rows(con, "merch_traffic_sources", day=k.day,
                                             base=base),
                        columns=["day", "source_l1", "source", "is_subtotal", "visitors",
                                 "pay_buyers", "pay_amount"])
    now = rows.loc[lambda d: d["day"] == k.day]
    if now.empty:
        return None
    before = rows.loc[lambda d: d["day"] == base]
    has_base = not before.empty
    keys = ["source_l1", "source"]
    merged = now[[*keys, "visitors", "pay_buyers"]].merge(
        before[[*keys, "visitors"]].rename(columns={"visitors": "visitors_base"}),
        on=keys, how="outer")
    visitors = merged["visitors"].fillna(0).astype(int)
    base_visitors = (merged["visitors_base"].fillna(0).astype(int) if has_base
                     else pd.Series([None] * len(merged), dtype=object))
    total = int(visitors.sum())
    total_base = int(base_visitors.sum()) if has_base else None
    frame = pd.DataFrame({
        "source_l1": merged["source_l1"],
        "source": merged["source"],
        "visitors": visitors,
        "visitors_base": base_visitors,
        "pay_buyers": [_int(x) for x in merged["pay_buyers"]],
    }, index=merged.index)
    frame = frame.assign(
        change=[v - b if b is not None else None
                for v, b in zip(frame["visitors"], frame["visitors_base"], strict=True)],
        change_pct=[change(v, b) for v, b in
                    zip(frame["visitors"], frame["visitors_base"], strict=True)],
        share=[metrics.ratio(v, total) for v in frame["visitors"]],
        share_base=[metrics.ratio(b, total_base) if has_base else None
                    for b in frame["visitors_base"]],
        pay_cvr=[metrics.ratio(p, v) if p is not None else None
                 for p, v in zip(frame["pay_buyers"], frame["visitors"], strict=True)],
    )
    drivers: list[Any] = []
    shop_uv, shop_uv_base = k.today["uv"], k.last_week["uv"]
    if has_base:
        shop_change = None if shop_uv is None or shop_uv_base is None else shop_uv - shop_uv_base
        changes = pd.Series(frame["change"].astype(int).to_numpy(), index=frame["source"])
        drivers, shares = explain_change(changes, shop_change, cover=cover, limit=limit)
        move = [None if pd.isna(s) else float(s) for s in shares]
    else:
        move = [None] * len(frame)
    frame = frame.assign(move_share=move, is_driver=frame["source"].isin(drivers))
    frame = frame.sort_values(["visitors", "source"], ascending=[False, True],
                              ignore_index=True)
    return TrafficDay(day=k.day, base=base, sources=frame, source_total=total,
                      source_total_base=total_base, shop_uv=shop_uv, shop_uv_base=shop_uv_base,
                      drivers=tuple(drivers))


def traffic_figures(t: TrafficDay | None) -> dict[str, Any]:
    """
    Return the 流量 figures for ``daily_review.metrics.json`` (null without the export).

    Keys: ``traffic_source_visitors`` and ``traffic_source_visitors_last_week`` (来源访客合计,
    人; larger than the shop's 访客数 because sources overlap), ``traffic_drivers``: list of
    {``source``, ``visitors``, ``visitors_last_week``, ``change`` (人), ``move_share``
    (fraction of the sources' moves in the shop's direction)}.
    """
    if t is None:
        return {"traffic_source_visitors": None, "traffic_source_visitors_last_week": None,
                "traffic_drivers": None}
    rows = t.sources.set_index("source")
    return {
        "traffic_source_visitors": t.source_total,
        "traffic_source_visitors_last_week": t.source_total_base,
        "traffic_drivers": [
            {"source": s, "visitors": int(rows.loc[s, "visitors"]),
             "visitors_last_week": _int(rows.loc[s, "visitors_base"]),
             "change": _int(rows.loc[s, "change"]),
             "move_share": None if pd.isna(rows.loc[s, "move_share"])
             else float(rows.loc[s, "move_share"])}
            for s in t.drivers
        ],
    }


# ---------------------------------------------------------------- 商品


@dataclass(frozen=True, slots=True)
class ItemSales:
    """
    支付金额 by item on the day and the same weekday last week (order lines, by pay time).

    ``items`` columns: item (key: 商品ID, else title, else 商家编码), title, gmv and
    gmv_base (Decimal 元; base None when the base day has no order lines), change (Decimal
    元), change_pct (fraction). Sorted by gmv, most first.
    """

    day: date
    base: date
    items: pd.DataFrame
    has_base: bool

    @property
    def gmv(self) -> Decimal:
        """Σ item GMV of the day (元): the day's orders that have lines."""
        return sum(self.items["gmv"], Decimal(0))

    @property
    def gmv_base(self) -> Decimal | None:
        """Σ item GMV of the base day (元); None without its lines."""
        return sum(self.items["gmv_base"], Decimal(0)) if self.has_base else None

    def top(self, n: int = 10) -> pd.DataFrame:
        """Return the ``n`` items with the most GMV on the day (items without sales left out)."""
        return self.items.loc[lambda d: d["gmv"] > 0].head(n)

    def fallers(self, n: int = 5) -> pd.DataFrame:
        """Return the ``n`` items whose GMV fell most vs last week."""
        if not self.has_base:
            return self.items.iloc[:0]
        return self.items.loc[lambda d: d["change"] < 0].sort_values(
            ["change", "item"], ignore_index=True).head(n)

    def risers(self, n: int = 5) -> pd.DataFrame:
        """Return the ``n`` items whose GMV rose most vs last week."""
        if not self.has_base:
            return self.items.iloc[:0]
        return self.items.loc[lambda d: d["change"] > 0].sort_values(
            ["change", "item"], ascending=[False, True], ignore_index=True).head(n)


def item_sales(con: duckdb.DuckDBPyConnection, k: DailyKpis) -> ItemSales | None:
    """
    Return GMV by item on the day and the same weekday last week.

    Uses ``sql/gmv_by_item.sql`` (shared with :func:`storeops.analysis.daily.item_split`).

    Returns
    -------
    ItemSales or None
        None when the day's paid orders have no order lines (宝贝报表 missing).
    """
    base = k.last_week_date
    rows = warehouse.query_rows(con, "gmv_by_item", day=k.day, base=base)
    days = {r["day"] for r in rows}
    if k.day not in days:
        return None
    has_base = base in days
    titles: dict[str, str] = {}
    now: dict[str, Decimal] = {}
    before: dict[str, Decimal] = {}
    for r in rows:
        titles.setdefault(r["part"], r["title"] or r["part"])
        (now if r["day"] == k.day else before)[r["part"]] = Decimal(r["gmv"] or 0)
    keys = sorted(set(now) | set(before))
    items = pd.DataFrame({
        "item": keys,
        "title": [titles[x] for x in keys],
        "gmv": [now.get(x, Decimal(0)) for x in keys],
        "gmv_base": [before.get(x, Decimal(0)) if has_base else None for x in keys],
    }, dtype=object)
    items = items.assign(
        change=[g - b if b is not None else None
                for g, b in zip(items["gmv"], items["gmv_base"], strict=True)],
        change_pct=[change(g, b) for g, b in zip(items["gmv"], items["gmv_base"], strict=True)],
    )
    order = sorted(range(len(items)), key=lambda i: (-items["gmv"].iloc[i], items["item"].iloc[i]))
    return ItemSales(day=k.day, base=base, items=items.iloc[order].reset_index(drop=True),
                     has_base=has_base)


@dataclass(frozen=True, slots=True)
class ItemTraffic:
    """
    Item traffic and conversion from 生意参谋 商品_全部 (item_daily).

    ``cvr_fell`` columns: item_id, name, visitors, visitors_base (人), pay_buyers,
    pay_buyers_base (人), cvr, cvr_base (fraction), cvr_change (fraction points),
    lost_buyers (人: (cvr_base − cvr) × today's visitors); most lost buyers first.
    ``no_sales`` columns: item_id, name, visitors (Σ日访客 of the window, 人), cart_users
    (Σ日加购人数); most visitors first.
    """

    day: date
    base: date
    window_days: int  # days of the no-sale window
    covered_days: int  # days of that window item_daily has
    has_base: bool
    cvr_fell: pd.DataFrame
    no_sales: pd.DataFrame
    items: int  # items in item_daily on the day


def conversion_fell(items: pd.DataFrame, *, min_visitors: int = MIN_CVR_VISITORS,
                    drop: float = CVR_DROP) -> pd.DataFrame:
    """
    Keep the items whose 商品支付转化率 fell by more than ``drop`` (relative) vs last week.

    Parameters
    ----------
    items : DataFrame
        Rows of ``sql/merch_item_daily.sql``: visitors, pay_buyers, visitors_base,
        pay_buyers_base (人).
    min_visitors : int
        Both days need at least this many 商品访客数 (small numbers are noise).
    drop : float
        Relative fall: cvr < (1 − drop) × cvr_base.

    Returns
    -------
    DataFrame
        See :class:`ItemTraffic` ``cvr_fell``.
    """
    cols = ["item_id", "name", "visitors", "visitors_base", "pay_buyers", "pay_buyers_base",
            "cvr", "cvr_base", "cvr_change", "lost_buyers"]
    known = items.dropna(subset=["visitors", "visitors_base", "pay_buyers", "pay_buyers_base"])
    known = known.loc[lambda d: (d["visitors"] >= min_visitors)
                      & (d["visitors_base"] >= min_visitors)]
    if known.empty:
        return pd.DataFrame(columns=cols)
    out = known.assign(
        cvr=lambda d: d["pay_buyers"].astype(float) / d["visitors"].astype(float),
        cvr_base=lambda d: d["pay_buyers_base"].astype(float) / d["visitors_base"].astype(float),
    ).assign(
        cvr_change=lambda d: d["cvr"] - d["cvr_base"],
        lost_buyers=lambda d: (d["cvr_base"] - d["cvr"]) * d["visitors"].astype(float),
    ).loc[lambda d: d["cvr"] < (1 - drop) * d["cvr_base"]]
    return out[cols].sort_values(["lost_buyers", "item_id"], ascending=[False, True],
                                 ignore_index=True)


def traffic_without_sales(items: pd.DataFrame, *, min_visitors: int = NO_SALE_VISITORS
                          ) -> pd.DataFrame:
    """
    Keep the items with at least ``min_visitors`` Σ日访客 in the window and no sale.

    "No sale" is 0 支付买家数 (or, when the export has no buyers column, 0 支付金额).
    """
    buyers = items["window_pay_buyers"]
    amount = items["window_pay_amount"]
    no_sale = buyers.fillna(-1).eq(0) | (buyers.isna() & amount.notna()
                                         & amount.fillna(0).eq(0))
    picked = items.loc[no_sale & (items["window_visitors"].fillna(0) >= min_visitors)]
    return pd.DataFrame({
        "item_id": picked["item_id"],
        "name": picked["name"],
        "visitors": picked["window_visitors"].astype(int),
        "cart_users": [_int(x) for x in picked["window_cart_users"]],
    }).sort_values(["visitors", "item_id"], ascending=[False, True], ignore_index=True)


def item_traffic(con: duckdb.DuckDBPyConnection, day: date, *, days: int = NO_SALE_DAYS,
                 min_visitors: int = MIN_CVR_VISITORS, drop: float = CVR_DROP,
                 no_sale_visitors: int = NO_SALE_VISITORS) -> ItemTraffic | None:
    """
    Return the items whose conversion fell and the items with traffic but no sale.

    Conversion compares the day with the same weekday last week; "no sale" looks at the
    ``days`` days ending at ``day``.

    Returns
    -------
    ItemTraffic or None
        None when item_daily (生意参谋 商品_全部) has no row for the day.
    """
    base = day - timedelta(days=7)
    start = day - timedelta(days=days - 1)
    cover = warehouse.query_rows(con, "merch_item_daily_days", day=day, base=base,
                                 start=start)[0]
    if not cover["has_day"]:
        return None
    items = pd.DataFrame(warehouse.query_rows(con, "merch_item_daily", day=day, base=base,
                                              start=start))
    items = items.assign(window_pay_amount=[None if x is None else float(x)
                                            for x in items["window_pay_amount"]])
    return ItemTraffic(
        day=day, base=base, window_days=days, covered_days=cover["window_days"],
        has_base=cover["has_base"],
        cvr_fell=conversion_fell(items, min_visitors=min_visitors, drop=drop),
        no_sales=traffic_without_sales(items, min_visitors=no_sale_visitors),
        items=int(items["visitors"].notna().sum()),
    )


@dataclass(frozen=True, slots=True)
class ActiveItems:
    """
    动销率 as of the day: items with sales in the last ``days`` days ÷ items on sale.

    ``basis`` is ``inventory`` (items of the latest inventory snapshot with stock > 0; the
    numerator counts those of them that sold) or ``seen`` (items in order lines or
    item_daily over ``seen_days`` days).
    """

    day: date
    days: int
    seen_days: int
    basis: str
    on_sale: int
    active: int
    sold_items: int  # every item with sales in the period, on sale or not
    snapshot_date: date | None

    @property
    def rate(self) -> float | None:
        """动销率 (fraction); None without items on sale."""
        return metrics.ratio(self.active, self.on_sale)

    @property
    def basis_label(self) -> str:
        """The denominator, in words."""
        if self.basis == "inventory":
            return f"在售 = 库存快照 {self.snapshot_date.isoformat()} 可用库存 > 0 的款"
        return f"在售 = 近{self.seen_days}天订单或商品报表出现过的商品（无库存数据）"


def active_items(con: duckdb.DuckDBPyConnection, day: date, *, days: int = ACTIVE_DAYS,
                 seen_days: int = SEEN_DAYS) -> ActiveItems | None:
    """
    Compute 动销率: items with sales in the last ``days`` days ÷ items on sale.

    Returns
    -------
    ActiveItems or None
        None when there is neither an inventory snapshot with stock nor any item seen in
        order lines / item_daily over ``seen_days`` days.
    """
    row = warehouse.query_rows(con, "merch_active_items", day=day,
                               sold_start=day - timedelta(days=days - 1),
                               seen_start=day - timedelta(days=seen_days - 1))[0]
    if row["snapshot_date"] is not None and row["stock_on_sale"]:
        return ActiveItems(day, days, seen_days, "inventory", int(row["stock_on_sale"]),
                           int(row["stock_sold"]), int(row["sold_items"]), row["snapshot_date"])
    if row["seen_items"]:
        return ActiveItems(day, days, seen_days, "seen", int(row["seen_items"]),
                           int(row["sold_items"]), int(row["sold_items"]), None)
    return None


@dataclass(frozen=True, slots=True)
class MerchDay:
    """The 商品 section of one day; a None part has no data (see SOURCES)."""

    day: date
    sales: ItemSales | None
    traffic: ItemTraffic | None
    active: ActiveItems | None


def merch_day(con: duckdb.DuckDBPyConnection, k: DailyKpis) -> MerchDay:
    """Return every part of the 商品 section (one call for the notebook)."""
    return MerchDay(day=k.day, sales=item_sales(con, k), traffic=item_traffic(con, k.day),
                    active=active_items(con, k.day))


def merch_figures(m: MerchDay) -> dict[str, Any]:
    """
    Return the 商品 figures for ``daily_review.metrics.json`` (null when a part has no data).

    Keys: ``items_sold`` (items with GMV on the day), ``top_item`` and ``top_item_gmv`` (元),
    ``items_cvr_fell``, ``items_traffic_no_sales`` (items), ``active_item_rate`` (动销率,
    fraction), ``active_items``, ``on_sale_items`` and ``active_item_basis``
    (``inventory`` | ``seen``).
    """
    s, t, a = m.sales, m.traffic, m.active
    top = s.top(1) if s is not None else None
    has_top = top is not None and len(top)
    return {
        "items_sold": None if s is None else int((s.items["gmv"] > 0).sum()),
        "top_item": top["title"].iloc[0] if has_top else None,
        "top_item_gmv": _json_money(top["gmv"].iloc[0]) if has_top else None,
        "items_cvr_fell": None if t is None else len(t.cvr_fell),
        "items_traffic_no_sales": None if t is None else len(t.no_sales),
        "active_item_rate": None if a is None else a.rate,
        "active_items": None if a is None else a.active,
        "on_sale_items": None if a is None else a.on_sale,
        "active_item_basis": None if a is None else a.basis,
    }


# ---------------------------------------------------------------- 数据核对


@dataclass(frozen=True, slots=True)
class Check:
    """
    One cross-source check.

    ``ok`` is None when it could not be run (a source is missing: ``detail`` says which).
    ``figures`` holds the numbers compared (Decimal 元, int, fraction); ``tolerance`` and
    ``detail`` are plain Chinese (not escaped).
    """

    name: str
    label: str
    ok: bool | None
    tolerance: str
    detail: str
    figures: dict[str, Any] = field(default_factory=dict)


def money_tolerance(reference: Decimal, *, pct: float = CHECK_PCT,
                    floor: Decimal = CHECK_FLOOR) -> Decimal:
    """Return the allowed gap (元) against a reference: max(pct × |reference|, floor)."""
    return max(abs(reference) * Decimal(str(pct)), floor)


def _tolerance_text(pct: float, floor: Decimal) -> str:
    return f"差额 ≤ {pct * 100:g} % 或 ¥{floor:,.0f}（取大者）"


def gmv_check(sycm: Decimal | None, orders: Decimal | None, *, pct: float = CHECK_PCT,
              floor: Decimal = CHECK_FLOOR) -> Check:
    """
    Compare 生意参谋 店铺 支付金额 with the 订单报表's (元), within 1 % or ¥10.

    Parameters
    ----------
    sycm : Decimal or None
        shop_daily 支付金额 of the day; None without that export.
    orders : Decimal or None
        Σ买家实付金额 of the orders paid that day; None without the order export.
    """
    name, label = "gmv_sycm_vs_orders", "支付金额：生意参谋 vs 订单报表"
    tol = _tolerance_text(pct, floor)
    if sycm is None or orders is None:
        missing = SOURCES["shop_daily"] if sycm is None else "订单报表"
        return Check(name, label, None, tol, f"无法核对：缺少当日的{missing}。",
                     {"sycm_gmv": sycm, "orders_gmv": orders})
    gap = orders - sycm
    allowed = money_tolerance(sycm, pct=pct, floor=floor)
    return Check(name, label, abs(gap) <= allowed, tol,
                 f"生意参谋 ¥{sycm:,.2f}，订单报表 ¥{orders:,.2f}，相差 ¥{gap:,.2f}",
                 {"sycm_gmv": sycm, "orders_gmv": orders, "gap": gap, "allowed": allowed,
                  "gap_pct": metrics.ratio(gap, sycm)})


def ad_gmv_check(ad_summary: pd.DataFrame | None, shop_gmv: Decimal | None, *,
                 pct: float = CHECK_PCT, floor: Decimal = CHECK_FLOOR) -> Check:
    """
    Check that no ad channel's attributed 成交金额 exceeds the shop's 支付金额.

    Channels are compared one by one: their sales overlap and are never added.

    Parameters
    ----------
    ad_summary : DataFrame or None
        From :func:`storeops.analysis.ads.channel_summary` (None without ad data).
    shop_gmv : Decimal or None
        The shop's 支付金额 of the day (元).
    """
    name, label = "ad_gmv_within_shop", "推广成交金额 ≤ 店铺支付金额"
    tol = f"各渠道分别比较，超出 ≤ {pct * 100:g} % 或 ¥{floor:,.0f}"
    if ad_summary is None or shop_gmv is None:
        missing = SOURCES["ads"] if ad_summary is None else "订单报表"
        return Check(name, label, None, tol, f"无法核对：缺少当日的{missing}。",
                     {"shop_gmv": shop_gmv})
    channels = ad_summary.loc[(ad_summary["channel"] != AD_TOTAL)
                              & ad_summary["gmv_total"].notna()]
    if channels.empty:
        return Check(name, label, None, tol, "无法核对：推广报表没有成交金额。",
                     {"shop_gmv": shop_gmv})
    allowed = money_tolerance(shop_gmv, pct=pct, floor=floor)
    amounts = {c: Decimal(g) for c, g in zip(channels["channel"], channels["gmv_total"],
                                             strict=True)}
    over = {c: g for c, g in amounts.items() if g - shop_gmv > allowed}
    top = max(amounts, key=lambda c: amounts[c])
    window = int(ad_summary["window_days"].iloc[0])
    if over:
        detail = "；".join(f"{c} ¥{g:,.2f}" for c, g in over.items()) + \
            f" 超过店铺支付金额 ¥{shop_gmv:,.2f}（{window}天归因）"
    else:
        detail = (f"最大渠道 {top} ¥{amounts[top]:,.2f} ≤ 店铺支付金额 ¥{shop_gmv:,.2f}"
                  f"（{window}天归因）")
    return Check(name, label, not over, tol, detail,
                 {"shop_gmv": shop_gmv, "channel": top, "ad_gmv": amounts[top],
                  "channels_over": sorted(over), "window_days": window})


def line_problem(row: dict[str, Any], *, cent: Decimal = LINE_CENT) -> str | None:
    """
    Say why an order's lines do not sum to the order, or None when they do (or cannot tell).

    Compared, when both sides are known for every line: Σ line 买家实付金额 with the order's,
    else Σ 价格 × 数量 with the order's 总金额 (each with or without the order's 邮费); and
    Σ 数量 with 宝贝总数量. Money may differ by ``cent`` per line (rounding).

    Parameters
    ----------
    row : dict
        A row of ``sql/merch_order_lines_check.sql``.
    """
    n = row["n_lines"]
    allowed = cent * n
    if row["paid_known"] and row["paid_known"] == n and row["paid_amount"] is not None:
        paid = Decimal(row["paid_amount"])
        postage = Decimal(row["postage"] or 0)
        lines = Decimal(row["paid_sum"])
        if abs(lines - paid) > allowed and abs(lines - (paid - postage)) > allowed:
            return f"明细实付 ¥{lines:,.2f} ≠ 订单实付 ¥{paid:,.2f}"
    elif row["list_known"] and row["list_known"] == n and row["list_total"] is not None:
        listed = Decimal(row["list_total"])
        postage = Decimal(row["postage"] or 0)
        lines = Decimal(row["list_sum"])
        # 总金额 is price × qty in some files and price × qty + 邮费 in others (§1.5)
        if abs(lines - listed) > allowed and abs(lines - (listed - postage)) > allowed:
            return f"明细 价格×数量 ¥{lines:,.2f} ≠ 订单总金额 ¥{listed:,.2f}"
    if row["qty_known"] and row["qty_known"] == n and row["item_qty"] is not None \
            and int(row["qty"]) != int(row["item_qty"]):
        return f"明细数量 {int(row['qty'])} ≠ 宝贝总数量 {int(row['item_qty'])}"
    return None


def line_checks(rows: list[dict[str, Any]], *, share: float = ORDER_SHARE) -> list[Check]:
    """
    Check that the day's paid orders have lines and that the lines sum to their orders.

    Parameters
    ----------
    rows : list of dict
        Rows of ``sql/merch_order_lines_check.sql`` (one per order paid on the day).
    share : float
        Share of the day's paid orders allowed to fail (exports downloaded at other times).

    Returns
    -------
    list of Check
        ``order_lines_present`` and ``order_lines_sum``; both not run (ok None) when no
        paid order of the day has a line (宝贝报表 missing) or there is no paid order.
    """
    tol = f"不符订单 ≤ 当日支付订单的 {share * 100:g} %"
    present = ("order_lines_present", "支付订单都有宝贝明细")
    summed = ("order_lines_sum", "宝贝明细金额/数量与订单一致")
    orders = len(rows)
    with_lines = [r for r in rows if r["n_lines"]]
    if not orders or not with_lines:
        why = "当日没有支付订单" if not orders else f"缺少当日的{SOURCES['items']}"
        return [Check(*present, None, tol, f"无法核对：{why}。", {"paid_orders": orders}),
                Check(*summed, None, tol, f"无法核对：{why}。", {"paid_orders": orders})]
    missing = [r["order_id"] for r in rows if not r["n_lines"]]
    problems = {r["order_id"]: p for r in with_lines if (p := line_problem(r)) is not None}
    limit = share * orders
    first = next(iter(problems.items()), None)
    example = f"，例：订单 {first[0]} {first[1]}" if first else ""
    return [
        Check(*present, len(missing) <= limit, tol,
              f"{orders} 笔支付订单中 {len(missing)} 笔没有宝贝明细",
              {"paid_orders": orders, "orders_without_lines": len(missing),
               "examples": missing[:5]}),
        Check(*summed, len(problems) <= limit, tol,
              f"{len(with_lines)} 笔有明细的订单中 {len(problems)} 笔明细与订单不符{example}",
              {"orders_checked": len(with_lines), "orders_mismatched": len(problems),
               "examples": list(problems)[:5]}),
    ]


def cross_checks(con: duckdb.DuckDBPyConnection, k: DailyKpis,
                 ad_summary: pd.DataFrame | None = None) -> list[Check]:
    """
    Run the day's cross-source checks.

    1. 生意参谋 支付金额 vs the order export's, within 1 % or ¥10;
    2. each ad channel's 成交金额 ≤ the shop's 支付金额 (orders, else 生意参谋);
    3. every paid order has lines; 4. the lines sum to their orders.

    Parameters
    ----------
    con : DuckDBPyConnection
        The store's warehouse.
    k : DailyKpis
        The day's headline metrics (orders GMV).
    ad_summary : DataFrame or None
        From :func:`storeops.analysis.ads.channel_summary`.

    Returns
    -------
    list of Check
        In the order above; a check that could not run has ``ok`` None.
    """
    sycm = warehouse.query_rows(con, "merch_sycm_gmv", day=k.day)[0]["pay_amount"]
    orders_gmv = k.today["gmv"]
    shop_gmv = orders_gmv if orders_gmv is not None else sycm
    lines = warehouse.query_rows(con, "merch_order_lines_check", day=k.day)
    return [gmv_check(sycm, orders_gmv), ad_gmv_check(ad_summary, shop_gmv),
            *line_checks(lines)]


def checks_figures(checks: list[Check]) -> dict[str, Any]:
    """
    Return the check figures for ``daily_review.metrics.json``.

    Keys: ``checks`` {name: true | false | null (not run)}, ``checks_failed`` (count),
    ``gmv_sycm_gap`` (元, orders − 生意参谋; null when not compared).
    """
    by_name = {c.name: c for c in checks}
    gmv = by_name.get("gmv_sycm_vs_orders")
    gap = gmv.figures.get("gap") if gmv is not None else None
    return {
        "checks": {c.name: c.ok for c in checks},
        "checks_failed": sum(c.ok is False for c in checks),
        "gmv_sycm_gap": _json_money(gap),
    }
