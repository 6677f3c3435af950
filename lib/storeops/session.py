"""One store, for ad-hoc questions in JupyterLab: ``shop = storeops.open("demo")``.

Every method is one line in a notebook cell::

    >>> import storeops
    >>> shop = storeops.open("demo")
    >>> shop.tables()                                   # what is loaded, and up to when
    >>> shop.metric("gmv", "2026-11-01", "2026-11-26")  # one number, as the reports show it
    >>> shop.metric("gmv", "2026-11-01", "2026-11-26", by="item").head(10)
    >>> shop.sql("SELECT receiver_province, count(*) AS n FROM orders GROUP BY 1")
    >>> shop.plot(shop.metric("conversion_rate", "2026-10-01", "2026-11-26", by="week"))
    >>> shop.metric("new_buyer_share", "2026-09-28", "2026-11-22", by=["week", "province"])
    >>> shop.compare_items("search_visitors", shop.price_changes("2026-10-13", "2026-11-26"))

Definitions are the reports' own: totals, days and provinces come from
:func:`storeops.metrics.compute`; weeks and months call it once per period (ratios are
sum-then-divide over each period, buyers distinct within it); ``by=["week", "province"]``
(or day / month with province) calls it by province once per period; items, traffic sources, ad
channels and 客服 agents come from the ``sql/explore_*.sql`` queries, which follow the same
rules as the daily review (pro-rata item allocation, source detail rows without subtotals,
one ad report level and one attribution window, sub-account agents).

Money is exact: money columns hold ``Decimal`` yuan in an ``object`` column (summed in SQL,
never float). Ratios are ``float`` fractions (0.0352, NaN when undefined); counts are
nullable integers (``Int64``, ``<NA>`` when absent — e.g. 访客数 without a 生意参谋 export).
Each frame carries ``frame.attrs`` with ``metric``, ``label``, ``unit``, ``by``, ``start``,
``end`` and ``note`` (what the figure means for that breakdown), which :meth:`Store.plot`
reads.

Read-only: :meth:`Store.sql` runs only SELECT-like statements (SELECT, WITH, DESCRIBE, SHOW,
SUMMARIZE, EXPLAIN), on a connection opened ``read_only``; anything else raises
:class:`ReadOnlyError`. The Store holds no connection between calls: DuckDB allows readers
only while no ingest writes, so an open JupyterLab kernel never blocks the morning
``storeops ingest``, and a call made while an ingest is writing raises
:class:`~storeops.errors.WarehouseBusyError` (wait for it and run the cell again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd
from matplotlib.figure import Figure

from storeops import config, metrics, warehouse
from storeops.errors import StoreopsError

logger = logging.getLogger(__name__)

BREAKDOWNS: dict[str, str] = {
    "total": "合计",
    "day": "按天",
    "week": "按周",
    "month": "按月",
    "province": "按收货省份",
    "item": "按商品",
    "source": "按流量来源",
    "channel": "按推广渠道",
    "agent": "按客服",
}
"""``by`` values of :meth:`Store.metric`, with their Chinese labels."""

CALENDAR = ("day", "week", "month")
"""Breakdowns that are periods of time; each can be crossed with ``province``."""

SERIES = ("province",)
"""Second breakdowns a calendar breakdown can be crossed with: ``by=["week", "province"]``."""

NO_PROVINCE = ("uv", "conversion_rate", "uv_value")
"""Metrics built on 访客数, which the exports do not split by province."""

BY_METRICS: dict[str, tuple[str, ...]] = {
    "item": ("gmv", "paid_orders", "paid_buyers", "aov"),
    "source": ("gmv", "uv", "paid_buyers", "conversion_rate", "uv_value"),
    "channel": ("gmv", "paid_orders"),
    "agent": ("gmv", "paid_buyers", "conversion_rate"),
}
"""Metrics each non-calendar breakdown can give; day, week, month, total give every metric,
province every metric but the 访客数-based ones (traffic is not split by province)."""

NOTES: dict[tuple[str, str], str] = {
    ("item", "gmv"): "订单实付金额按 价格×数量 比例分摊到商品；没有宝贝明细的订单不计入",
    ("item", "paid_orders"): "含该商品的已付款订单数",
    ("item", "paid_buyers"): "购买该商品的不同买家数",
    ("item", "aov"): "分摊到该商品的支付金额 ÷ 购买该商品的买家数",
    ("source", "gmv"): "生意参谋 流量来源 的支付金额（来源明细行，不含一级汇总行）",
    ("source", "uv"): "Σ日访客：各来源每天访客数之和，一个访客可经多个来源，不能相加成全店访客",
    ("source", "paid_buyers"): "Σ日支付买家数（生意参谋 流量来源）",
    ("source", "conversion_rate"): "Σ支付买家数 ÷ Σ访客数（同一来源）",
    ("source", "uv_value"): "Σ支付金额 ÷ Σ访客数（同一来源）",
    ("channel", "gmv"): (
        "推广报表 总成交金额（按点击日归因，同一归因窗口；每渠道每天只取一个报表层级）"),
    ("channel", "paid_orders"): "推广报表 总成交笔数（同上口径）",
    ("agent", "gmv"): "客服绩效 销售额（询单后付款的金额，按客服子账号）",
    ("agent", "paid_buyers"): "客服绩效 询单最终付款人数（Σ日）",
    ("agent", "conversion_rate"): "询单转化率 = Σ询单最终付款人数 ÷ Σ询单人数",
}
"""What a metric means under a breakdown that does not come from metrics.compute."""

ITEM_METRICS: dict[str, tuple[str, str, str, str | None]] = {
    "visitors": ("商品访客数", "人", "visitors", None),
    "search_visitors": ("搜索引导访客数", "人", "search_visitors", None),
    "pageviews": ("商品浏览量", "次", "pageviews", None),
    "cart_users": ("商品加购人数", "人", "cart_users", None),
    "pay_buyers": ("支付买家数", "人", "pay_buyers", None),
    "pay_qty": ("支付件数", "件", "pay_qty", None),
    "pay_amount": ("支付金额", "元", "pay_amount", None),
    "unit_price": ("支付件单价", "元", "pay_amount", "pay_qty"),
    "pay_cvr": ("商品支付转化率", "%", "pay_buyers", "visitors"),
    "search_share": ("搜索访客占比", "%", "search_visitors", "visitors"),
}
"""Metrics of :meth:`Store.compare_items` (生意参谋 商品, item_daily): name -> (label, unit,
numerator column, denominator column). Without a denominator the figure is a daily average
(Σ ÷ report days of the window); with one it is Σ numerator ÷ Σ denominator over the window."""

READ_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})
"""Statement types :meth:`Store.sql` runs (DESCRIBE, SHOW, SUMMARIZE parse as SELECT)."""


class ReadOnlyError(StoreopsError):
    """A statement would change the warehouse (or a file); ``Store.sql`` only reads."""


class MetricNotAvailableError(StoreopsError):
    """The metric cannot be split by that breakdown (the exports do not carry it)."""


def as_date(value: str | date, *, name: str = "date") -> date:
    """
    Parse an ISO date string (``"2026-11-26"``) or pass a ``date`` through.

    Raises
    ------
    ValueError
        When the text is not an ISO date, with the parameter's name.
    """
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValueError(f"{name} 应是 ISO 日期（如 2026-11-26），收到 {value!r}") from exc


def periods(start: date, end: date, by: str) -> list[tuple[str, date, date]]:
    """
    Split ``[start, end]`` into calendar weeks (Monday first) or months, clipped to the range.

    Returns
    -------
    list of (key, first day, last day)
        Week keys are the Monday (``2026-11-23``), month keys ``2026-11``. The first and last
        period may be partial; their key still names the whole week or month.
    """
    out = []
    lo = start
    while lo <= end:
        if by == "week":
            monday = lo - timedelta(days=lo.weekday())
            key, hi = monday.isoformat(), monday + timedelta(days=6)
        elif by == "month":
            key = f"{lo.year:04d}-{lo.month:02d}"
            nxt = date(lo.year + (lo.month == 12), lo.month % 12 + 1, 1)
            hi = nxt - timedelta(days=1)
        else:
            raise ValueError(f"by must be 'week' or 'month', not {by!r}")
        hi = min(hi, end)
        out.append((key, lo, hi))
        lo = hi + timedelta(days=1)
    return out


def parse_by(by: str | Sequence[str]) -> tuple[str, str | None]:
    """
    Read a ``by`` argument: one breakdown, or a calendar one crossed with province.

    Parameters
    ----------
    by : str or sequence of str
        ``"week"``; ``["week", "province"]``, ``("province", "week")`` or
        ``"week,province"`` for the two-way split.

    Returns
    -------
    (str, str or None)
        The breakdown and the second one (``"province"``) or None.

    Raises
    ------
    ValueError
        For an unknown name or a pair other than day / week / month with province.
    """
    parts = [p.strip() for p in by.split(",")] if isinstance(by, str) else [str(p) for p in by]
    for part in parts:
        if part not in BREAKDOWNS:
            raise ValueError(f"by 只能是 {', '.join(BREAKDOWNS)}，收到 {part!r}")
    if len(parts) == 1:
        return parts[0], None
    pair = sorted(parts, key=lambda p: p not in CALENDAR)
    if len(pair) != 2 or pair[0] not in CALENDAR or pair[1] not in SERIES:
        raise ValueError(
            f"两个拆分只能是 按天/按周/按月 之一加 按收货省份（如 by=['week', 'province']），"
            f"收到 {by!r}")
    return pair[0], pair[1]


def _value_dtype(name: str) -> str:
    unit = metrics.METRICS[name].unit
    if unit == "元":
        return "object"
    return "float64" if unit == "%" else "Int64"


def _frame(rows: list[dict[str, Any]], name: str, *, by: str, start: date, end: date,
           note: str) -> pd.DataFrame:
    """Build the result frame: ``key`` (+ extra columns) and the metric's value column."""
    m = metrics.METRICS[name]
    frame = pd.DataFrame(rows, columns=list(rows[0]) if rows else ["key", name])
    for part in frame.columns:
        if part != name and part in metrics.METRICS and metrics.METRICS[part].unit == "人":
            frame = frame.assign(**{part: pd.array(
                [None if v is None else int(v) for v in frame[part]], dtype="Int64")})
    if m.unit == "元":
        values = [None if v is None else Decimal(v) for v in frame[name]]
        frame = frame.assign(**{name: pd.Series(values, index=frame.index, dtype=object)})
    else:
        numbers = [None if v is None else (float(v) if m.unit == "%" else int(v))
                   for v in frame[name]]
        frame = frame.assign(**{name: pd.array(numbers, dtype=_value_dtype(name))})
    frame.attrs.update(metric=name, label=m.label, unit=m.unit, by=by, start=start.isoformat(),
                       end=end.isoformat(), note=note)
    return frame


def _values(row: dict[str, Any], name: str) -> dict[str, Any]:
    """Pick the metric's value from a ``metrics.compute`` row (新客占比: with its parts)."""
    if name == "new_buyer_share":
        return {"new_buyers": row["new_buyers"], "paid_buyers": row["paid_buyers"],
                name: row[name]}
    return {name: row[name]}


def _extra(name: str) -> tuple[str, ...]:
    return (name,) if name in metrics.ON_REQUEST else ()


def _sum_ratio(num: Any, den: Any) -> float | None:
    return metrics.ratio(num, den)


def _from_items(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        keyed = r["lines_keyed"] == r["lines"]
        buyers = r["paid_buyers_distinct"] if keyed else None
        value = {
            "gmv": r["gmv"],
            "paid_orders": r["paid_orders"],
            "paid_buyers": buyers,
            "aov": metrics.money_ratio(r["gmv"], buyers),
        }[name]
        out.append({"key": r["key"], "title": r["title"], "qty": r["qty"], name: value})
    return out


def _from_sources(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        value = {
            "gmv": r["gmv"],
            "uv": r["visitors"],
            "paid_buyers": r["pay_buyers"],
            "conversion_rate": _sum_ratio(r["pay_buyers"], r["visitors"]),
            "uv_value": metrics.money_ratio(r["gmv"], r["visitors"]),
        }[name]
        out.append({"key": r["key"], "uv_sum_of_days": r["visitors"], name: value})
    return out


def _from_channels(rows: list[dict[str, Any]], name: str, window: int) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        value = {"gmv": r["gmv_total"], "paid_orders": r["orders_total"]}[name]
        out.append({"key": r["key"], "cost": r["cost"],
                    "roi": _sum_ratio(r["gmv_total"], r["cost"]),
                    "clicks": r["clicks"], "window_days": window, name: value})
    return out


def _from_agents(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        value = {
            "gmv": r["sales_amount"],
            "paid_buyers": r["inquiry_paid_users"],
            "conversion_rate": _sum_ratio(r["inquiry_paid_users"], r["inquiry_users"]),
        }[name]
        out.append({"key": r["key"], "inquiry_users": r["inquiry_users"], name: value})
    return out


@dataclass(frozen=True)
class Store:
    """
    One store's warehouse, opened for reading: ``shop = storeops.open("demo")``.

    Attributes
    ----------
    id : str
        Store id.
    name : str
        Display name from stores.toml.

    Examples
    --------
    >>> shop = storeops.open("demo")
    >>> shop.metric("gmv", "2026-11-20", "2026-11-26")                  # total, Decimal
    >>> shop.metric("aov", "2026-09-01", "2026-11-26", by="month")
    >>> shop.metric("gmv", "2026-11-01", "2026-11-26", by="source")
    >>> shop.sql("SELECT * FROM item_daily WHERE stat_date >= $d", d="2026-11-01")
    """

    id: str
    name: str

    def __repr__(self) -> str:
        return f"<storeops.Store {self.id!r} {self.name}>"

    def _read(self, work: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
        """Open the warehouse read-only, run ``work`` on it, close it (no lock is kept)."""
        with warehouse.open_store(self.id, read_only=True) as con:
            return work(con)

    # -- SQL --------------------------------------------------------------------------------

    def sql(self, query: str, **params: Any) -> pd.DataFrame:
        """
        Run DuckDB SQL on the warehouse, read-only, and return a DataFrame.

        Parameters
        ----------
        query : str
            One or more SELECT-like statements (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE,
            EXPLAIN); the result of the last one is returned. Tables: ``shop.tables()``;
            columns: DATA_CONTRACT.md §9 or ``shop.sql("DESCRIBE orders")``.
        **params
            Values bound to ``$name`` placeholders (never paste values into the text).

        Returns
        -------
        DataFrame
            DECIMAL money columns arrive as float64 here (DuckDB's ``.df()``): fine for a
            look, but sum money in SQL (``sum(paid_amount)``) and cast it to VARCHAR or use
            :meth:`metric` when the cents matter.

        Raises
        ------
        ReadOnlyError
            For INSERT, UPDATE, DELETE, CREATE, DROP, COPY, ATTACH, SET, … — the warehouse is
            rebuilt only by ``storeops ingest``.

        Examples
        --------
        >>> shop.sql("SELECT receiver_province AS p, sum(paid_amount) AS gmv FROM orders "
        ...          "WHERE paid_at >= $d GROUP BY p ORDER BY gmv DESC", d="2026-11-01")
        """
        statements = duckdb.extract_statements(query)
        if not statements:
            raise ValueError("空的 SQL：请写一条 SELECT 语句")
        for st in statements:
            if st.type not in READ_STATEMENTS:
                kind = st.type.name
                raise ReadOnlyError(
                    f"shop.sql 只读：不能执行 {kind} 语句。数据仓库只由 storeops ingest 写入；"
                    "要保存结果，请把返回的 DataFrame 另存（如 frame.to_csv(...)）"
                )

        def work(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
            for st in statements[:-1]:
                con.execute(st)
            last = statements[-1]
            used = {k: v for k, v in params.items() if f"${k}" in last.query}
            return con.execute(last, used).df() if used else con.execute(last).df()

        try:
            return self._read(work)
        except duckdb.Error as exc:
            if "read-only" in str(exc).lower() or "read only" in str(exc).lower():
                raise ReadOnlyError(f"shop.sql 只读：{exc}") from exc
            raise

    # -- tables ------------------------------------------------------------------------------

    def tables(self) -> pd.DataFrame:
        """
        List the warehouse tables with row counts and date coverage.

        Returns
        -------
        DataFrame
            ``table_name``, ``rows``, ``first_day``, ``last_day``, ``daily`` (one export per
            day expected), ``missing_days`` and ``gaps`` (list of {gap_start, gap_end}) —
            the same figures as ``storeops status`` (``sql/table_status.sql``).

        Examples
        --------
        >>> shop.tables().query("rows > 0")
        """
        return self._read(lambda con: warehouse.query_df(con, "table_status"))

    def last_day(self) -> date | None:
        """Return the last day with paid or created orders (None when there are none)."""
        rows = self._read(lambda con: warehouse.query_rows(con, "coverage"))
        found = [r["last_day"] for r in rows if r["source"] == "orders"]
        return found[0] if found else None

    # -- metrics -----------------------------------------------------------------------------

    def metric(self, name: str, start: str | date, end: str | date, *,
               by: str | Sequence[str] = "total") -> pd.DataFrame:
        """
        Compute one metric over a period, in total or split, with the reports' definitions.

        Parameters
        ----------
        name : str
            A name of ``storeops.metrics.METRICS``: gmv, paid_orders, paid_buyers,
            orders_created, order_pay_rate, aov, refund_amount, refund_rate, net_sales, uv,
            conversion_rate, uv_value, new_buyers, new_buyer_share.
        start, end : str or date
            The period, both inclusive (``"2026-11-01"``).
        by : str or list of str
            ``total`` | ``day`` | ``week`` | ``month`` | ``province`` (metrics.compute) |
            ``item`` | ``source`` | ``channel`` | ``agent`` (see ``BY_METRICS`` for the
            metrics each gives; ``frame.attrs["note"]`` says what the figure means there);
            or a calendar breakdown crossed with province: ``["week", "province"]``
            (also ``"week,province"``; day and month too).

        Returns
        -------
        DataFrame
            ``key`` (day ``2026-11-26``, week = its Monday, month ``2026-11``, province,
            item title or id, ``一级 / 二级`` source, channel, agent), breakdown columns
            (week / month: ``start``, ``end``, ``days``; crossed with province:
            ``province``; item: ``title``, ``qty`` 件; source: ``uv_sum_of_days``; channel:
            ``cost`` 元, ``roi``, ``clicks``, ``window_days``; agent: ``inquiry_users``;
            新客占比: ``new_buyers`` and ``paid_buyers`` 人, its numerator and denominator)
            and the metric's column named ``name``: money as ``Decimal`` 元 (object column),
            ratios float fractions, counts ``Int64``. Calendar breakdowns are in time order
            (crossed with province: then by value, largest first); the others by value,
            largest first. ``attrs["by"]`` is the breakdown, ``attrs["series"]`` the second
            one (None when there is none).

        Raises
        ------
        MetricNotAvailableError
            When the breakdown does not carry that metric (e.g. 访客数 by province).

        Examples
        --------
        >>> shop.metric("gmv", "2026-11-20", "2026-11-26")["gmv"].iloc[0]
        Decimal('123456.78')
        >>> shop.metric("gmv", "2026-11-01", "2026-11-26", by="item").head(10)
        >>> shop.metric("conversion_rate", "2026-10-01", "2026-11-26", by="week")

        新客占比 by week and province over the eight weeks to Sunday 2026-11-22, one column
        per province:

        >>> shop.metric("new_buyer_share", "2026-09-28", "2026-11-22",
        ...             by=["week", "province"]).pivot(index="key", columns="province",
        ...                                            values="new_buyer_share")
        """
        if name not in metrics.METRICS:
            raise ValueError(f"没有指标 {name!r}：可用的有 {', '.join(metrics.METRICS)}")
        by, series = parse_by(by)
        lo, hi = as_date(start, name="start"), as_date(end, name="end")
        if hi < lo:
            raise ValueError(f"end {hi} 早于 start {lo}")
        if by in BY_METRICS and name not in BY_METRICS[by]:
            raise MetricNotAvailableError(
                f"{metrics.METRICS[name].label}（{name}）不能{BREAKDOWNS[by]}拆分："
                f"{BREAKDOWNS[by]}可看 {', '.join(BY_METRICS[by])}")
        if "province" in (by, series) and name in NO_PROVINCE:
            raise MetricNotAvailableError(
                f"{metrics.METRICS[name].label} 不能按省份拆分：生意参谋 访客数不分省份")
        if series is not None:
            rows = self._read(lambda con: self._crossed_rows(con, name, lo, hi, by))
            frame = _frame(rows, name, by=by, start=lo, end=hi,
                           note=metrics.METRICS[name].formula)
            frame.attrs["series"] = series
            return _sort_within(frame, name, series)
        rows, note = self._read(lambda con: self._metric_rows(con, name, lo, hi, by))
        frame = _frame(rows, name, by=by, start=lo, end=hi,
                       note=note or metrics.METRICS[name].formula)
        frame.attrs["series"] = None
        if by in BY_METRICS or by == "province":
            frame = frame.sort_values(name, ascending=False, ignore_index=True,
                                      key=_sort_key, na_position="last")
        return frame

    def _crossed_rows(self, con: duckdb.DuckDBPyConnection, name: str, lo: date, hi: date,
                      by: str) -> list[dict[str, Any]]:
        """
        Compute a calendar breakdown crossed with province.

        ``metrics.compute`` by province once per day / week / month, so every ratio is
        sum-then-divide within its cell.
        """
        if by == "day":
            spans = [(d.isoformat(), d, d) for d in metrics.period_days(lo, hi)]
        else:
            spans = periods(lo, hi, by)
        out = []
        for key, a, b in spans:
            span = {} if by == "day" else {"start": a, "end": b, "days": (b - a).days + 1}
            for r in metrics.compute(con, a, b, by="province", extra=_extra(name)):
                out.append({"key": key, **span, "province": r["key"], **_values(r, name)})
        return out

    def _metric_rows(self, con: duckdb.DuckDBPyConnection, name: str, lo: date, hi: date,
                     by: str) -> tuple[list[dict[str, Any]], str]:
        if by in ("total", "day", "province"):
            rows = metrics.compute(con, lo, hi, by=by, extra=_extra(name))
            return [{"key": r["key"], **_values(r, name)} for r in rows], ""
        if by in ("week", "month"):
            out = []
            for key, a, b in periods(lo, hi, by):
                row = metrics.compute(con, a, b, extra=_extra(name))[0]
                out.append({"key": key, "start": a, "end": b, "days": (b - a).days + 1,
                            **_values(row, name)})
            return out, ""
        note = NOTES[(by, name)]
        if by == "item":
            rows = warehouse.query_rows(con, "explore_items", start=lo, end=hi, item=None,
                                        daily=False)
            return _from_items(rows, name), note
        if by == "source":
            rows = warehouse.query_rows(con, "explore_sources", start=lo, end=hi, source=None,
                                        daily=False)
            return _from_sources(rows, name), note
        if by == "channel":
            from storeops.analysis.ads import pick_window

            window = pick_window(con, lo, hi)
            if window is None:
                return [], note
            rows = warehouse.query_rows(con, "explore_channels", start=lo, end=hi,
                                        window=window, daily=False)
            return _from_channels(rows, name, window), f"{note}；归因窗口 {window} 天"
        rows = warehouse.query_rows(con, "explore_agents", start=lo, end=hi, daily=False)
        return _from_agents(rows, name), note

    def daily(self, name: str, start: str | date, end: str | date, *, by: str,
              key: str) -> pd.DataFrame:
        """
        Return the daily series of one row of a breakdown (the explore drill-down).

        Parameters
        ----------
        name : str
            Metric, one of ``BY_METRICS[by]``.
        start, end : str or date
            The period, inclusive.
        by : {"item", "source", "channel", "agent"}
            The breakdown the row comes from.
        key : str
            The row's ``key`` (item title or id, ``一级 / 二级`` source, …).

        Returns
        -------
        DataFrame
            ``key`` = each day of the period (ISO text, days without data included, value
            missing) and the metric column, typed as in :meth:`metric`.

        Examples
        --------
        >>> shop.daily("gmv", "2026-11-01", "2026-11-26", by="item",
        ...            key="重磅纯棉卫衣女秋季休闲连帽外套")
        """
        if by not in BY_METRICS or name not in BY_METRICS[by]:
            raise MetricNotAvailableError(f"{by} 没有指标 {name} 的每日序列")
        lo, hi = as_date(start, name="start"), as_date(end, name="end")

        def work(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
            if by == "item":
                rows = warehouse.query_rows(con, "explore_items", start=lo, end=hi, item=key,
                                            daily=True)
                return _dated(rows, _from_items(rows, name))
            if by == "source":
                rows = warehouse.query_rows(con, "explore_sources", start=lo, end=hi,
                                            source=key, daily=True)
                return _dated(rows, _from_sources(rows, name))
            if by == "channel":
                from storeops.analysis.ads import pick_window

                window = pick_window(con, lo, hi)
                if window is None:
                    return []
                rows = [r for r in warehouse.query_rows(con, "explore_channels", start=lo,
                                                        end=hi, window=window, daily=True)
                        if r["key"] == key]
                return _dated(rows, _from_channels(rows, name, window))
            rows = [r for r in warehouse.query_rows(con, "explore_agents", start=lo, end=hi,
                                                    daily=True) if r["key"] == key]
            return _dated(rows, _from_agents(rows, name))

        found = {r["key"]: r[name] for r in self._read(work)}
        days = [d.isoformat() for d in metrics.period_days(lo, hi)]
        rows = [{"key": d, name: found.get(d)} for d in days]
        frame = _frame(rows, name, by="day", start=lo, end=hi, note=NOTES[(by, name)])
        frame.attrs["title"] = key
        return frame

    # -- items around a day (price changes) --------------------------------------------------

    def price_changes(self, start: str | date, end: str | date, *, min_change: float = 0.05,
                      window: int = 7, min_units: int = 5) -> pd.DataFrame:
        """
        Find items whose average paid unit price stepped up or down, and on which day.

        For every report day in ``[start, end]`` and every item, the unit price is
        Σ支付金额 ÷ Σ支付件数 (生意参谋 商品, item_daily) over the ``window`` days before the
        day and over the ``window`` days from it; an item is listed once, on the day its
        price moved most, when that move is at least ``min_change``.

        Parameters
        ----------
        start, end : str or date
            Days a change may fall on, inclusive. A day needs ``window`` report days on both
            sides, so the first and last ``window`` days of the report are never picked.
        min_change : float
            Smallest move, as a fraction of the price before (0.05 = 5 %), up or down.
        window : int
            Days on each side of the day (7 = a week before vs the week from the day).
        min_units : int
            Pieces (件) each window must hold; fewer make the average price noise.

        Returns
        -------
        DataFrame
            ``item_id``, ``item_name``, ``day`` (date, the first day at the new price),
            ``price_before`` and ``price_after`` (Decimal 元 per piece, after discounts),
            ``change`` (fraction, +0.2 = 20 % dearer), ``units_before``, ``units_after``
            (件); largest move first. Empty when item_daily has no rows in the period.

        Examples
        --------
        >>> shop.price_changes("2026-10-13", "2026-11-26")                  # every move ≥ 5 %
        >>> shop.price_changes("2026-11-01", "2026-11-26", min_change=0.1).query("change > 0")
        """
        lo, hi = as_date(start, name="start"), as_date(end, name="end")
        if window < 1 or min_units < 1:
            raise ValueError(f"window 和 min_units 须 ≥ 1，收到 {window}、{min_units}")
        rows = self._read(lambda con: warehouse.query_rows(
            con, "session_price_changes", start=lo, end=hi, window=window,
            min_change=float(min_change), min_units=min_units))
        cols = ["item_id", "item_name", "day", "price_before", "price_after", "change",
                "units_before", "units_after"]
        frame = pd.DataFrame(rows, columns=cols)
        frame = frame.assign(
            price_before=pd.Series(list(frame["price_before"]), index=frame.index,
                                   dtype=object),
            price_after=pd.Series(list(frame["price_after"]), index=frame.index, dtype=object),
            change=frame["change"].astype("float64"),
            units_before=frame["units_before"].astype("Int64"),
            units_after=frame["units_after"].astype("Int64"),
        )
        frame.attrs.update(metric="unit_price", label="支付件单价", unit="元",
                           start=lo.isoformat(), end=hi.isoformat(),
                           note=f"Σ支付金额 ÷ Σ支付件数：前 {window} 天 vs 当天起 {window} 天")
        return frame

    def compare_items(self, metric: str, day: str | date | pd.DataFrame, *,
                      days: int = 14) -> pd.DataFrame:
        """
        Compare each item's metric in the ``days`` before a day with the ``days`` from it.

        Parameters
        ----------
        metric : str
            A name of ``ITEM_METRICS`` (生意参谋 商品, item_daily): visitors,
            search_visitors, pageviews, cart_users, pay_buyers, pay_qty, pay_amount
            (daily averages), unit_price, pay_cvr, search_share (ratios, sum-then-divide
            over each window).
        day : str, date or DataFrame
            One day for every item with a row around it; or a frame with ``item_id`` and
            ``day`` columns — e.g. :meth:`price_changes` — to look at each item around its
            own day.
        days : int
            Days in each window: ``[day − days, day − 1]`` vs ``[day, day + days − 1]``.

        Returns
        -------
        DataFrame
            ``item_id``, ``item_name``, ``day``, ``before``, ``after`` (daily average: Σ ÷
            report days of the window — an item without a row on a report day counts 0;
            money as Decimal 元, counts float), ``change`` (after − before), ``change_pct``
            (fraction of before; NaN when before is 0 or missing), ``days_before``,
            ``days_after`` (report days each window covers); the biggest fall first.
            ``attrs`` hold ``metric``, ``label``, ``unit``, ``days`` and ``note``.

        Examples
        --------
        Which items lost search traffic since their price change?

        >>> shop.compare_items("search_visitors", shop.price_changes("2026-10-13", "2026-11-26"))

        Every item's visitors, two weeks before 2026-11-12 vs two weeks from it:

        >>> shop.compare_items("visitors", "2026-11-12").head(10)
        """
        if metric not in ITEM_METRICS:
            raise ValueError(f"没有商品指标 {metric!r}：可用的有 {', '.join(ITEM_METRICS)}")
        if days < 1:
            raise ValueError(f"days 须 ≥ 1，收到 {days}")
        label, unit, num, den = ITEM_METRICS[metric]

        def work(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
            if isinstance(day, pd.DataFrame):
                items = [str(i) for i in day["item_id"]]
                when = [as_date(d, name="day") for d in day["day"]]
            else:
                at = as_date(day, name="day")
                found = warehouse.query_rows(con, "session_item_ids", day=at, days=days)
                items = [r["item_id"] for r in found]
                when = [at] * len(items)
            if not items:
                return []
            return warehouse.query_rows(con, "session_item_windows", items=items,
                                        days_at=when, days=days)

        rows = [_item_window(r, metric) for r in self._read(work)]
        cols = ["item_id", "item_name", "day", "before", "after", "change", "change_pct",
                "days_before", "days_after"]
        frame = pd.DataFrame(rows, columns=cols)
        if unit != "元":
            frame = frame.assign(**{c: frame[c].astype("float64")
                                    for c in ("before", "after", "change")})
        frame = frame.assign(change_pct=frame["change_pct"].astype("float64"),
                             days_before=frame["days_before"].astype("Int64"),
                             days_after=frame["days_after"].astype("Int64"))
        frame = frame.sort_values(["change_pct", "item_id"], na_position="last",
                                  ignore_index=True)
        how = f"Σ{num} ÷ Σ{den}" if den else "日均（Σ ÷ 窗口内报表天数）"
        frame.attrs.update(metric=metric, label=label, unit=unit, days=days,
                           note=f"生意参谋 商品：{how}；前 {days} 天 vs 当天起 {days} 天")
        return frame

    # -- charts ------------------------------------------------------------------------------

    def plot(self, frame: pd.DataFrame, *, kind: str = "auto", y: str | None = None,
             title: str | None = None, top: int = 15) -> Figure:
        """
        Draw a metric frame in the house style (CJK font, ¥ and % axes) and return the Figure.

        Parameters
        ----------
        frame : DataFrame
            From :meth:`metric` or :meth:`daily` (its ``attrs`` give the label and unit), or
            any frame with a ``key`` column and a numeric ``y`` column.
        kind : {"auto", "line", "bar"}
            ``auto``: a line for day / week / month, horizontal bars otherwise.
        y : str, optional
            Value column; default ``frame.attrs["metric"]``.
        title : str, optional
            Default: the metric's Chinese label and the breakdown.
        top : int
            Bars drawn at most (the largest values).

        Returns
        -------
        Figure
            A ``matplotlib.figure.Figure`` (no pyplot): the notebook shows it as the cell's
            value, ``storeops.report.charts.show(fig)`` embeds it as a PNG.

        Examples
        --------
        >>> shop.plot(shop.metric("gmv", "2026-10-01", "2026-11-26", by="day"))
        >>> shop.plot(shop.metric("gmv", "2026-11-01", "2026-11-26", by="item"), top=10)
        """
        from storeops import explore

        return explore.chart(frame, kind=kind, y=y, title=title, top=top)


def _item_window(row: dict[str, Any], metric: str) -> dict[str, Any]:
    """Shape one ``session_item_windows`` row into before / after / change of ``metric``."""
    _, unit, num, den = ITEM_METRICS[metric]
    money = unit == "元"
    values = []
    for side in ("before", "after"):
        top, n_days = row[f"{num}_{side}"], row[f"days_{side}"]
        bottom = row[f"{den}_{side}"] if den else n_days
        if den and not money:
            values.append(metrics.ratio(top, bottom))
        elif money:
            part = top if den else (top or Decimal(0))  # no row on a report day: ¥0
            values.append(metrics.round_money(metrics.money_ratio(part, bottom)))
        else:
            values.append(None if not n_days else (top or 0) / n_days)
    before, after = values
    change = None if before is None or after is None else after - before
    pct = None if change is None or not before else float(change) / float(before)
    return {"item_id": row["item_id"], "item_name": row["item_name"], "day": row["day"],
            "before": before, "after": after, "change": change, "change_pct": pct,
            "days_before": row["days_before"], "days_after": row["days_after"]}


def _dated(rows: list[dict[str, Any]], shaped: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Key each shaped row by its day (ISO text) instead of the breakdown key."""
    return [{**s, "key": r["day"].isoformat()} for r, s in zip(rows, shaped, strict=True)]


def _sort_within(frame: pd.DataFrame, name: str, series: str) -> pd.DataFrame:
    """Keep the calendar order of ``key``; within each period, largest value first."""
    if frame.empty:
        return frame
    order = {k: i for i, k in enumerate(dict.fromkeys(frame["key"]))}
    ranked = frame.assign(_p=[order[k] for k in frame["key"]],
                          _v=[-v for v in _sort_key(frame[name])],
                          _s=frame[series])
    out = ranked.sort_values(["_p", "_v", "_s"], na_position="last", kind="stable",
                             ignore_index=True).drop(columns=["_p", "_v", "_s"])
    out.attrs.update(frame.attrs)
    return out


def _sort_key(column: pd.Series) -> pd.Series:
    """Sort money (Decimal objects) and numbers alike; missing last."""
    return pd.Series([float("nan") if v is None or v is pd.NA else float(v) for v in column],
                     index=column.index)


def open(store: str) -> Store:
    """
    Open a store for ad-hoc questions: ``shop = storeops.open("demo")``.

    Parameters
    ----------
    store : str
        Store id (stores.toml or a folder under data/raw); ``storeops.config.list_stores()``
        lists them.

    Returns
    -------
    Store
        Methods ``sql``, ``metric``, ``daily``, ``tables``, ``plot``, ``price_changes``,
        ``compare_items``. No connection is held
        between calls.

    Raises
    ------
    UnknownStoreError
        For an unknown id (with the closest match).
    NoDataError
        When the store has no warehouse yet (run ``storeops ingest``).
    """
    cfg = config.get_store(store)
    shop = Store(id=cfg.id, name=cfg.name)
    shop._read(lambda con: None)  # fail now, not on the first question, if nothing is loaded
    return shop
