"""Every metric storeops reports, defined once: name, Chinese label, unit, formula, source.

Reports, the CLI (``storeops metrics``), the index page and tests all take their figures
from here. Conventions (DESIGN.md): GMV by pay time, created orders by creation time;
ratios are sum-then-divide over the period; 访客数 comes from 生意参谋 shop_daily and is
*absent* (None, shown as 无流量数据) when that export is missing — never 0. Money is
``Decimal`` yuan, summed in SQL; ratios are fractions (0.0352).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

from storeops import warehouse


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric's definition."""

    name: str
    label: str  # shown in reports
    unit: str  # 元 | % | 人 | 笔 | 件
    kind: str  # simple | ratio | derived
    formula: str  # plain words, Chinese
    source: str  # canonical table(s)
    numerator: str | None = None
    denominator: str | None = None


METRICS: dict[str, Metric] = {m.name: m for m in [
    Metric("gmv", "支付金额", "元", "simple",
           "订单付款时间落在期间内的订单的买家实付金额之和（含之后退款的订单）", "orders"),
    Metric("paid_orders", "支付订单数", "笔", "simple",
           "订单付款时间落在期间内的订单数", "orders"),
    Metric("paid_buyers", "支付买家数", "人", "simple",
           "期间内付款订单的不同买家数（按买家会员名去重）；导出不含买家信息时为空", "orders"),
    Metric("orders_created", "下单订单数", "笔", "simple",
           "订单创建时间落在期间内的订单数", "orders"),
    Metric("order_pay_rate", "下单-支付转化率", "%", "ratio",
           "期间内下单的买家中已付款的买家数 ÷ 下单买家数；"
           "无买家信息时按订单：已付款订单 ÷ 下单订单",
           "orders", numerator="created_paid", denominator="created"),
    Metric("aov", "客单价", "元", "ratio",
           "支付金额 ÷ 支付买家数；无买家信息时 ÷ 支付订单数（标签注明“按订单”）",
           "orders", numerator="gmv", denominator="paid_buyers"),
    Metric("refund_amount", "退款金额", "元", "simple",
           "期间内付款订单的已退款金额之和（按付款日归属；订单报表导出时的退款金额）", "orders"),
    Metric("refund_rate", "退款率", "%", "ratio",
           "退款金额 ÷ 支付金额（同一批按付款日归属的订单）", "orders",
           numerator="refund_amount", denominator="gmv"),
    Metric("net_sales", "净销售额", "元", "derived", "支付金额 − 退款金额", "orders"),
    Metric("uv", "访客数", "人", "simple",
           "生意参谋店铺访客数；多天为每日访客数之和（Σ日访客，同一访客多天来访会重复计）",
           "shop_daily"),
    Metric("conversion_rate", "支付转化率", "%", "ratio",
           "支付买家数 ÷ 访客数", "orders, shop_daily",
           numerator="paid_buyers", denominator="uv"),
    Metric("uv_value", "UV价值", "元", "ratio", "支付金额 ÷ 访客数", "orders, shop_daily",
           numerator="gmv", denominator="uv"),
    Metric("new_buyers", "新客数", "人", "simple",
           "期间内付款、且首笔付款订单落在期间内的不同买家数（首单 = 数据仓库中该买家最早的"
           "付款订单，按付款时间；仓库历史之前买过的买家也会算作新客）；导出不含买家信息时为空",
           "orders"),
    Metric("new_buyer_share", "新客占比", "%", "ratio",
           "新客数 ÷ 支付买家数（同一期间、同一拆分内先求和再相除）", "orders",
           numerator="new_buyers", denominator="paid_buyers"),
]}

HEADLINE = (
    "gmv", "paid_orders", "paid_buyers", "orders_created", "order_pay_rate", "aov",
    "refund_amount", "refund_rate", "net_sales", "uv", "conversion_rate", "uv_value",
)
"""The metrics ``compute`` always returns, in display order (the CLI, the daily review)."""

ON_REQUEST = ("new_buyers", "new_buyer_share")
"""Metrics ``compute`` adds only when asked (``extra=``): they read every order's history."""

BY_KEYS = ("total", "day", "province")


def ratio(numerator: Decimal | int | None, denominator: Decimal | int | None) -> float | None:
    """
    Divide two period sums (sum-then-divide).

    Returns
    -------
    float or None
        None when either part is missing or the denominator is 0.
    """
    if numerator is None or denominator is None or denominator == 0:
        return None
    return float(Decimal(numerator) / Decimal(denominator))


def money_ratio(numerator: Decimal | None, denominator: Decimal | int | None) -> Decimal | None:
    """Divide money by a count (客单价, UV价值) exactly; None when undefined."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def round_money(yuan: Decimal | None) -> Decimal | None:
    """Round yuan half-up (四舍五入) to 0.01 for output."""
    return None if yuan is None else Decimal(yuan).quantize(Decimal("0.01"), ROUND_HALF_UP)


def from_parts(row: dict[str, Any], *, start: date, end: date) -> dict[str, Any]:
    """
    Compute the headline metrics of one key from its additive parts.

    Parameters
    ----------
    row : dict
        A row of ``sql/metrics_base.sql``.
    start, end : date
        The period of this row (one day for ``by=day``). Order metrics are None when the
        orders in the warehouse do not reach into it; 访客数 is present only when
        shop_daily covers every day of it.

    Returns
    -------
    dict
        Metric name -> value (Decimal 元, int, float fraction or None), plus
        ``aov_basis`` and ``order_pay_rate_basis`` ("buyers" | "orders").
    """
    first, last = row["orders_first_day"], row["orders_last_day"]
    has_orders = first is not None and not (end < first or start > last)
    days = (end - start).days + 1
    gmv = row["gmv"] if has_orders else None
    paid_orders = row["paid_orders"] if has_orders else None
    keyed = has_orders and row["paid_orders_keyed"] == row["paid_orders"]
    paid_buyers = row["paid_buyers_distinct"] if keyed and paid_orders else (
        0 if keyed else None)
    created_keyed = has_orders and row["orders_created_keyed"] == row["orders_created"]
    if created_keyed and row["orders_created"]:
        order_pay_rate = ratio(row["created_paid_buyers_distinct"],
                               row["created_buyers_distinct"])
        pay_basis = "buyers"
    else:
        order_pay_rate = ratio(row["orders_created_paid"], row["orders_created"]) \
            if has_orders else None
        pay_basis = "orders"
    if paid_buyers is not None:
        aov, aov_basis = money_ratio(gmv, paid_buyers), "buyers"
    else:
        aov, aov_basis = money_ratio(gmv, paid_orders), "orders"
    refund_amount = row["refund_amount"] if has_orders else None
    uv = row["visitors"] if row["traffic_days"] == days and row["visitors"] is not None \
        else None
    return {
        "gmv": gmv,
        "paid_orders": paid_orders,
        "paid_buyers": paid_buyers,
        "orders_created": row["orders_created"] if has_orders else None,
        "order_pay_rate": order_pay_rate,
        "aov": aov,
        "refund_amount": refund_amount,
        "refund_rate": ratio(refund_amount, gmv),
        "net_sales": None if gmv is None else gmv - (refund_amount or 0),
        "uv": int(uv) if uv is not None else None,
        "conversion_rate": ratio(paid_buyers, uv),
        "uv_value": money_ratio(gmv, uv),
        "aov_basis": aov_basis,
        "order_pay_rate_basis": pay_basis,
    }


def new_buyer_parts(row: dict[str, Any] | None, base: dict[str, Any]) -> dict[str, Any]:
    """
    Compute 新客数 and 新客占比 of one key.

    A buyer is *new* in a period when they paid in it and their first paid order ever —
    the earliest ``paid_at`` of that buyer in the warehouse, over every province — falls
    inside the same period. 新客占比 = new buyers ÷ paid buyers of the key, both distinct
    counts over the whole period (sum-then-divide: a week's share is not the mean of its
    daily shares, and a buyer new on Monday who buys again on Friday is one new buyer of
    that week). By province, a buyer counts in every province they paid an order to, and is
    new there when their first order ever falls in the period.

    Parameters
    ----------
    row : dict or None
        The key's row of ``sql/metrics_new_buyers.sql`` (None: no keyed paid order).
    base : dict
        The key's metrics from :func:`from_parts` (its ``paid_buyers`` is the denominator).

    Returns
    -------
    dict
        ``new_buyers`` (人, int) and ``new_buyer_share`` (fraction in [0, 1]); both None
        when the period has no order data or an order without buyer id (masked exports),
        the share also None when nobody paid.

    Notes
    -----
    "Ever" means as far back as the warehouse goes: buyers whose earlier orders predate the
    first export loaded count as new, so the share reads high in the first months of a
    store's history.
    """
    buyers = base["paid_buyers"]
    if buyers is None:
        return {"new_buyers": None, "new_buyer_share": None}
    new = int(row["new_buyers"]) if row is not None else 0
    return {"new_buyers": new, "new_buyer_share": ratio(new, buyers)}


def compute(
    con: duckdb.DuckDBPyConnection, start: date, end: date, *, by: str = "total",
    extra: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """
    Compute the headline metrics of a period, in total or per day / province.

    Parameters
    ----------
    con : duckdb connection
        The store's warehouse (read-only is enough).
    start, end : date
        The period, both inclusive.
    by : {"total", "day", "province"}
        Grouping; ``day`` returns every day of the period, including days without sales.
    extra : tuple of str
        Metrics of ``ON_REQUEST`` to add (``("new_buyer_share",)`` adds 新客数 and 新客占比,
        see :func:`new_buyer_parts`); they scan every order's history, so the daily review
        and the CLI do not ask for them.

    Returns
    -------
    list of dict
        One dict per key with ``key`` and the metrics of ``from_parts`` (plus the ``extra``
        ones). Province rows have no 访客数 (the exports do not split traffic by province).
    """
    if by not in BY_KEYS:
        raise ValueError(f"by must be one of {BY_KEYS}, not {by!r}")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    unknown = [n for n in extra if n not in ON_REQUEST]
    if unknown:
        raise ValueError(f"extra must be among {ON_REQUEST}, not {unknown!r}")
    rows = warehouse.query_rows(con, "metrics_base", start=start, end=end, by=by)
    new_rows: dict[str, dict[str, Any]] = {}
    if extra:
        new_rows = {r["key"]: r for r in warehouse.query_rows(
            con, "metrics_new_buyers", start=start, end=end, by=by)}
    out = []
    for r in rows:
        lo, hi = (date.fromisoformat(r["key"]),) * 2 if by == "day" else (start, end)
        parts = from_parts(r, start=lo, end=hi)
        if extra:
            parts.update(new_buyer_parts(new_rows.get(r["key"]), parts))
        out.append({"key": r["key"], **parts})
    return out


def day_metrics(con: duckdb.DuckDBPyConnection, day: date) -> dict[str, Any]:
    """Return the headline metrics of one day."""
    return compute(con, day, day)[0]


def label(name: str, basis: str | None = None) -> str:
    """Return a metric's display label, naming the basis when it is not the usual one."""
    text = METRICS[name].label
    if basis == "orders" and name in ("aov", "order_pay_rate"):
        return f"{text}（按订单）"
    return text


def to_json_value(name: str, value: Any) -> Any:
    """Return a metric value for JSON: money as a number rounded to 0.01, ratios as floats."""
    if value is None:
        return None
    if name in METRICS and METRICS[name].unit == "元":
        return float(round_money(value))
    if isinstance(value, Decimal):
        return float(value)
    return value


def period_days(start: date, end: date) -> list[date]:
    """Return every day from start to end inclusive."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
