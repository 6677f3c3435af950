"""The explore panel: ipywidgets over :class:`storeops.session.Store`, testable without a browser.

``Panel(shop)`` builds the widgets — store, date range, metric (Chinese labels from
``metrics.METRICS``), breakdown, compare-to, chart type, sort order and a drill-down row —
and recomputes on every change: ``panel.frame`` holds the current table (a pure function of
the widget values, :func:`view`), the output area shows the chart and an HTML table
(escaped, ¥ and % formatted). Tests set ``panel.metric.value = "aov"`` and read
``panel.frame``; nothing needs a browser.

In JupyterLab ``panel.show()`` displays the widgets. Run headless (papermill, the morning
batch) there is no widget frontend, and nbconvert cannot draw widgets: ``show()`` then
displays the current chart and table as static output instead. JupyterLab is recognised by
``JPY_SESSION_NAME``, which jupyter_server sets for the kernels it starts; set
``STOREOPS_INTERACTIVE=1`` or ``0`` to force either way.
"""

from __future__ import annotations

import logging
import math
import os
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from storeops import config, metrics
from storeops.errors import StoreopsError
from storeops.report import charts, tables
from storeops.session import BREAKDOWNS, BY_METRICS, Store, as_date, open
from storeops.timeutil import resolve_day

logger = logging.getLogger(__name__)

PANEL_BREAKDOWNS = {
    **{k: v for k, v in BREAKDOWNS.items() if k != "total"},
    "week,province": "按周 × 省份",
    "month,province": "按月 × 省份",
}
"""Breakdowns offered by the panel (the total is the table's first line); the last two
cross a calendar breakdown with the buyers' province (one line per province)."""

SERIES_LINES = 6
"""Lines drawn at most for a breakdown crossed with province (the provinces with the most
paying buyers, else the largest values)."""

COMPARES = {"none": "不对比", "previous": "上一周期", "last_year": "去年同期"}
CHART_KINDS = {"auto": "自动", "line": "折线图", "bar": "柱状图"}
SORTS = {"default": "默认顺序", "value_desc": "数值从高到低", "value_asc": "数值从低到高",
         "change_desc": "变化从高到低", "change_asc": "变化从低到高"}
CALENDAR = ("day", "week", "month")
DEFAULT_DAYS = 30
"""Period length when ``start`` is empty: the 30 days ending at ``end``."""


def interactive() -> bool:
    """Return True in a JupyterLab / Notebook kernel (widgets can render), False headless."""
    forced = os.environ.get("STOREOPS_INTERACTIVE")
    if forced in ("0", "1"):
        return forced == "1"
    return bool(os.environ.get("JPY_SESSION_NAME"))


def resolve_period(shop: Store, start: str | date = "", end: str | date = "") -> tuple[date,
                                                                                       date]:
    """
    Turn the notebook's ``start`` / ``end`` parameters into dates.

    ``end`` empty: yesterday (Asia/Shanghai), or the last day with orders when the data ends
    earlier (a demo store, a store not ingested this morning).
    ``start`` empty: ``DEFAULT_DAYS`` days ending at ``end``.
    """
    if end:
        hi = as_date(end, name="end")
    else:
        last = shop.last_day()
        hi = resolve_day("") if last is None else min(resolve_day(""), last)
    lo = as_date(start, name="start") if start else hi - timedelta(days=DEFAULT_DAYS - 1)
    if hi < lo:
        raise ValueError(f"end {hi} 早于 start {lo}")
    return lo, hi


def compare_period(start: date, end: date, to: str) -> tuple[date, date] | None:
    """
    Return the period to compare ``[start, end]`` with.

    Parameters
    ----------
    to : {"none", "previous", "last_year"}
        ``previous``: the same number of days just before ``start``; ``last_year``: the same
        dates one year earlier (29 Feb becomes 28 Feb).

    Returns
    -------
    (date, date) or None
        None for ``none``.
    """
    if to == "none":
        return None
    if to == "previous":
        days = (end - start).days + 1
        return start - timedelta(days=days), start - timedelta(days=1)
    if to == "last_year":
        def back(d: date) -> date:
            return d.replace(year=d.year - 1, day=min(d.day, 28 if d.month == 2 else d.day))
        return back(start), back(end)
    raise ValueError(f"compare 只能是 {', '.join(COMPARES)}，收到 {to!r}")


def _num(value: Any) -> float:
    if value is None or value is pd.NA:
        return math.nan
    return float(value)


def _change(now: Any, base: Any, unit: str) -> float | None:
    """Relative change of money and counts; difference (percentage points) of ratios."""
    if now is None or base is None or now is pd.NA or base is pd.NA:
        return None
    if math.isnan(_num(now)) or math.isnan(_num(base)):
        return None
    if unit == "%":
        return float(now) - float(base)
    if base == 0:
        return None
    return float(Decimal(str(now)) / Decimal(str(base)) - 1)


def view(shop: Store, metric: str, start: date, end: date, *, by: str,
         compare: str = "none") -> pd.DataFrame:
    """
    Compute the panel's table: the metric by ``by``, with the comparison period when asked.

    Returns
    -------
    DataFrame
        ``key``, the metric column (as :meth:`Store.metric`), and with a comparison:
        ``base`` (same type), ``base_key`` (calendar breakdowns: the compared day / week /
        month, matched by position) and ``change`` (fraction for money and counts,
        percentage-point difference as a fraction for ratios; None when undefined).
        ``attrs`` as :meth:`Store.metric` plus ``compare`` and ``base_start`` / ``base_end``.
    """
    frame = shop.metric(metric, start, end, by=by)
    attrs = dict(frame.attrs)
    period = compare_period(start, end, compare)
    if period is None:
        frame.attrs.update(attrs, compare="none")
        return frame
    base = shop.metric(metric, period[0], period[1], by=by)
    unit = metrics.METRICS[metric].unit
    series = attrs.get("series")
    if series:
        # the n-th period of each province against the n-th period of the same province
        def cells(f: pd.DataFrame) -> list[tuple[int, str]]:
            order = {k: i for i, k in enumerate(dict.fromkeys(f["key"]))}
            return [(order[k], s) for k, s in zip(f["key"], f[series], strict=True)]

        lookup = dict(zip(cells(base), zip(base["key"], base[metric], strict=True),
                          strict=True))
        found = [lookup.get(c, (None, None)) for c in cells(frame)]
        merged = frame.assign(base_key=[k for k, _ in found],
                              base=pd.Series([v for _, v in found], dtype=object,
                                             index=frame.index))
    elif by in CALENDAR:
        base_values = list(base[metric])[: len(frame)]
        base_keys = list(base["key"])[: len(frame)]
        pad = len(frame) - len(base_values)
        merged = frame.assign(base_key=base_keys + [None] * pad,
                              base=pd.Series(base_values + [None] * pad, dtype=object,
                                             index=frame.index))
    else:
        lookup = dict(zip(base["key"], base[metric], strict=True))
        merged = frame.assign(base=pd.Series([lookup.get(k) for k in frame["key"]],
                                             dtype=object, index=frame.index))
    merged = merged.assign(change=pd.Series(
        [_change(n, b, unit) for n, b in zip(merged[metric], merged["base"], strict=True)],
        dtype=object, index=merged.index))
    merged.attrs.update(attrs, compare=compare, base_start=period[0].isoformat(),
                        base_end=period[1].isoformat())
    return merged


def sort_frame(frame: pd.DataFrame, order: str) -> pd.DataFrame:
    """Sort the panel's table by value or change (missing last); ``default`` keeps it."""
    if order == "default" or frame.empty:
        return frame
    column = frame.attrs.get("metric") if order.startswith("value") else "change"
    if column not in frame.columns:
        return frame
    keyed = frame.assign(_s=[_num(v) for v in frame[column]])
    out = keyed.sort_values("_s", ascending=order.endswith("asc"), na_position="last",
                            kind="stable", ignore_index=True).drop(columns="_s")
    out.attrs.update(frame.attrs)
    return out


# ---------------------------------------------------------------- formatting and charts


def _fmt_value(unit: str, name: str) -> Any:
    if unit == "元":
        places = 2 if name in ("aov", "uv_value") else 0
        return lambda v: tables.fmt_money(None if v is pd.NA else v, decimals=places)
    if unit == "%":
        return lambda v: tables.fmt_pct(None if v is pd.NA else v, decimals=2)
    return lambda v: tables.fmt_int(None if v is pd.NA else v)


def table_html(frame: pd.DataFrame, *, limit: int = 50) -> str:
    """
    Build the panel's HTML table: Chinese headers, ¥ / % / counts formatted, text escaped.

    Parameters
    ----------
    frame : DataFrame
        From :func:`view` (or :meth:`Store.metric`).
    limit : int
        Rows shown at most (the caption says how many there are).
    """
    name, unit = frame.attrs["metric"], frame.attrs["unit"]
    by = frame.attrs.get("by", "day")
    label = metrics.label(name)
    fmt = _fmt_value(unit, name)
    shown = pd.DataFrame({PANEL_BREAKDOWNS.get(by, "项目").removeprefix("按"):
                          frame.get("title", frame["key"]).where(
                              frame.get("title", frame["key"]).notna(), frame["key"])})
    series = frame.attrs.get("series")
    if series and series in frame.columns:
        shown[BREAKDOWNS[series].removeprefix("按")] = list(frame[series])
    if name == "new_buyer_share" and "paid_buyers" in frame.columns:
        shown[metrics.label("new_buyers")] = [tables.fmt_int(None if v is pd.NA else v)
                                              for v in frame["new_buyers"]]
        shown[metrics.label("paid_buyers")] = [tables.fmt_int(None if v is pd.NA else v)
                                               for v in frame["paid_buyers"]]
    shown[label] = [fmt(v) for v in frame[name]]
    if "base" in frame.columns:
        shown["对比期"] = [fmt(v) for v in frame["base"]]
        change = tables.fmt_pp if unit == "%" else tables.fmt_change
        shown["变化"] = [change(v) for v in frame["change"]]
    if "cost" in frame.columns:
        shown["花费"] = [tables.fmt_money(v) for v in frame["cost"]]
        shown["ROI"] = [tables.MISSING if v is None else f"{v:.2f}" for v in frame["roi"]]
    caption = f"{label}（{frame.attrs['start']} 至 {frame.attrs['end']}）"
    if frame.attrs.get("compare", "none") != "none":
        caption += f"，对比 {frame.attrs['base_start']} 至 {frame.attrs['base_end']}"
    if len(frame) > limit:
        caption += f"；共 {len(frame)} 行，显示前 {limit} 行"
    first = 2 if series and series in frame.columns else 1
    return tables.html_table(shown.head(limit), caption=caption,
                             align_right=set(shown.columns[first:]))


def _mathtext_safe(text: str) -> str:
    return str(text).replace("$", r"\$")


def chart(frame: pd.DataFrame, *, kind: str = "auto", y: str | None = None,
          title: str | None = None, top: int = 15) -> Figure:
    """
    Draw a metric frame in the house style and return the Figure (see :meth:`Store.plot`).

    Lines for day / week / month (the comparison period dashed grey when present),
    horizontal bars of the ``top`` largest rows otherwise; money axes ``¥12,345`` /
    ``¥1.2万``, ratio axes ``3.5%``, counts ``1,234``.
    """
    charts.set_theme()
    name = y or frame.attrs.get("metric")
    if name is None or name not in frame.columns:
        raise KeyError(f"plot: 没有数值列 {name!r}（已有列：{list(frame.columns)}）")
    unit = frame.attrs.get("unit") or (metrics.METRICS[name].unit
                                       if name in metrics.METRICS else "")
    by = frame.attrs.get("by", "")
    if kind == "auto":
        kind = "line" if by in CALENDAR else "bar"
    label = metrics.METRICS[name].label if name in metrics.METRICS else name
    series = frame.attrs.get("series")
    if title is None:
        title = f"{label}（{BREAKDOWNS.get(by, by).removeprefix('按')}）" if by else label
        if series:
            title = (f"{label}（{BREAKDOWNS.get(by, by).removeprefix('按')} × "
                     f"{BREAKDOWNS.get(series, series).removeprefix('按')}）")
        if frame.attrs.get("title"):
            title = f"{frame.attrs['title']} · {label}"
    fig = Figure(figsize=charts.FIGSIZE, layout="constrained")
    ax = fig.subplots()
    if series and series in frame.columns:
        _series_lines(ax, frame, name, series, top=min(top, SERIES_LINES))
        _value_axis(ax, ax.yaxis, unit, "line")
        ax.set(title=_mathtext_safe(title), xlabel="", ylabel="")
        return fig
    names = [str(v) for v in frame.get("title", frame["key"]).where(
        frame.get("title", frame["key"]).notna(), frame["key"])]
    values = [_num(v) for v in frame[name]]
    if kind == "line":
        xs = range(len(values))
        ax.plot(xs, values, color=charts.LINE_COLOR, linewidth=2.2, marker="o" if len(xs) < 20
                else None, ms=4, label="本期")
        if "base" in frame.columns:
            ax.plot(xs, [_num(v) for v in frame["base"]], color="#868e96", linewidth=1.6,
                    linestyle="--", label="对比期")
            ax.legend(loc="best", fontsize="small", frameon=False)
        step = max(1, len(names) // 6)
        ticks = list(range(0, len(names), step))
        ax.set_xticks(ticks, [names[i][5:] if by in ("day", "week") else names[i]
                             for i in ticks])
        value_axis = ax.yaxis
        if all(not math.isnan(v) and v >= 0 for v in values if not math.isnan(v)):
            ax.set_ylim(bottom=0)
    else:
        pairs = [(n, v) for n, v in zip(names, values, strict=True)][:top]
        labels = [_mathtext_safe(n if len(n) <= 14 else n[:13] + "…") for n, _ in pairs]
        ax.barh(range(len(pairs)), [v for _, v in pairs], color=charts.LINE_COLOR)
        ax.set_yticks(range(len(pairs)), labels)
        ax.invert_yaxis()
        value_axis = ax.xaxis
    _value_axis(ax, value_axis, unit, kind)
    ax.set(title=_mathtext_safe(title), xlabel="", ylabel="")
    return fig


def _value_axis(ax: Any, value_axis: Any, unit: str, kind: str) -> None:
    """Format the value axis: ``¥12,345`` / ``¥1.2万``, ``3.5%`` or ``1,234``."""
    if unit == "元":
        def money(v: float, _pos: Any) -> str:
            low, high = (ax.get_ylim() if kind == "line" else ax.get_xlim())
            return charts.fmt_yuan_axis(v, unit=charts.axis_unit(max(abs(low), abs(high))))
        value_axis.set_major_formatter(FuncFormatter(money))
    elif unit == "%":
        value_axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=1))
    else:
        value_axis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))


def _series_lines(ax: Any, frame: pd.DataFrame, name: str, series: str, *, top: int) -> None:
    """One line per value of ``series`` (the ``top`` biggest), periods on the x axis."""
    keys = list(dict.fromkeys(frame["key"]))
    weight = "paid_buyers" if "paid_buyers" in frame.columns and name != "paid_buyers" else name
    sizes: dict[str, float] = {}
    for s, v in zip(frame[series], frame[weight], strict=True):
        x = _num(v)
        sizes[s] = sizes.get(s, 0.0) + (0.0 if math.isnan(x) else x)
    chosen = sorted(sizes, key=lambda s: -sizes[s])[:top]
    by_cell = {(k, s): _num(v) for k, s, v in zip(frame["key"], frame[series], frame[name],
                                                   strict=True)}
    xs = range(len(keys))
    for s in chosen:
        ax.plot(xs, [by_cell.get((k, s), math.nan) for k in keys], linewidth=1.8,
                marker="o" if len(keys) < 20 else None, ms=3, label=_mathtext_safe(s))
    step = max(1, len(keys) // 6)
    ticks = list(range(0, len(keys), step))
    ax.set_xticks(ticks, [keys[i][5:] if len(keys[i]) == 10 else keys[i] for i in ticks])
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
    values = [v for v in by_cell.values() if not math.isnan(v)]
    if values and min(values) >= 0:
        ax.set_ylim(bottom=0)


# ---------------------------------------------------------------- the panel


class Panel:
    """
    The explore widget panel over one store.

    Parameters
    ----------
    shop : Store
        From ``storeops.open(store)``.
    start, end : str or date
        The initial period (``""``: see :func:`resolve_period`).
    metric, by, compare : str
        Initial metric, breakdown and comparison.

    Attributes
    ----------
    frame : DataFrame
        The current table (:func:`view` then :func:`sort_frame`); recomputed on every change.
    drill_frame : DataFrame or None
        The daily series of the row picked in the drill-down.
    error : str or None
        The last message shown instead of a table (e.g. a metric the breakdown lacks).

    Examples
    --------
    >>> panel = Panel(storeops.open("demo"))
    >>> panel.by.value = "item"      # recomputes
    >>> panel.frame.head()
    >>> panel.show()
    """

    def __init__(self, shop: Store, *, start: str | date = "", end: str | date = "",
                 metric: str = "gmv", by: str = "day", compare: str = "none") -> None:
        import ipywidgets as w

        self.shop = shop
        lo, hi = resolve_period(shop, start, end)
        self.frame: pd.DataFrame = pd.DataFrame()
        self.drill_frame: pd.DataFrame | None = None
        self.error: str | None = None
        self._busy = False
        style = {"description_width": "4em"}
        layout = w.Layout(width="auto", min_width="12em")
        stores = config.list_stores() or [shop.id]
        self.store = w.Dropdown(options=stores, value=shop.id if shop.id in stores else stores[0],
                                description="店铺", style=style, layout=layout)
        self.start = w.DatePicker(value=lo, description="开始", style=style, layout=layout)
        self.end = w.DatePicker(value=hi, description="结束", style=style, layout=layout)
        self.metric = w.Dropdown(options=[(m.label, k) for k, m in metrics.METRICS.items()],
                                 value=metric, description="指标", style=style, layout=layout)
        self.by = w.Dropdown(options=[(v, k) for k, v in PANEL_BREAKDOWNS.items()], value=by,
                             description="拆分", style=style, layout=layout)
        self.compare = w.Dropdown(options=[(v, k) for k, v in COMPARES.items()], value=compare,
                                  description="对比", style=style, layout=layout)
        self.kind = w.Dropdown(options=[(v, k) for k, v in CHART_KINDS.items()], value="auto",
                               description="图表", style=style, layout=layout)
        self.sort = w.Dropdown(options=[(v, k) for k, v in SORTS.items()], value="default",
                               description="排序", style=style, layout=layout)
        self.drill = w.Dropdown(options=[("—", "")], value="", description="明细",
                                style=style, layout=layout)
        self.status = w.HTML(value="")
        self.out = w.Output()
        self.drill_out = w.Output()
        controls = [self.store, self.start, self.end, self.metric, self.by, self.compare,
                    self.kind, self.sort]
        self.box = w.VBox([
            w.HBox(controls[:4], layout=w.Layout(flex_flow="row wrap")),
            w.HBox(controls[4:], layout=w.Layout(flex_flow="row wrap")),
            self.status, self.out,
            w.HBox([self.drill], layout=w.Layout(flex_flow="row wrap")), self.drill_out,
        ])
        for widget in controls:
            widget.observe(self._on_change, names="value")
        self.drill.observe(self._on_drill, names="value")
        self.refresh()

    # -- recomputation --------------------------------------------------------------------

    def _on_change(self, change: dict[str, Any]) -> None:
        if change["owner"] is self.store and change["new"] != self.shop.id:
            self.shop = open(change["new"])
        self.refresh()

    def _on_drill(self, _change: dict[str, Any]) -> None:
        self.refresh_drill()

    def refresh(self) -> pd.DataFrame:
        """Recompute ``frame`` from the widget values and redraw the chart and the table."""
        if self._busy:
            return self.frame
        self._busy = True
        self.status.value = "⏳ 计算中…"
        try:
            self.error = None
            try:
                frame = view(self.shop, self.metric.value, self.start.value, self.end.value,
                             by=self.by.value, compare=self.compare.value)
                self.frame = sort_frame(frame, self.sort.value)
            except (StoreopsError, ValueError) as exc:
                self.error = str(exc)
                self.frame = pd.DataFrame()
            self._render()
            self._update_drill_options()
        finally:
            self._busy = False
            self.status.value = ""
        return self.frame

    def _update_drill_options(self) -> None:
        keys = list(self.frame["key"]) if self.by.value in BY_METRICS and not self.frame.empty \
            else []
        titles = list(self.frame["title"]) if "title" in self.frame.columns else keys
        options = [("—", ""), *((str(t or k), k) for t, k in zip(titles, keys, strict=True))]
        keep = self.drill.value if self.drill.value in keys else ""
        self._busy = True
        try:
            self.drill.options = options
            self.drill.value = keep
        finally:
            self._busy = False
        self.refresh_drill()

    def refresh_drill(self) -> pd.DataFrame | None:
        """Recompute ``drill_frame``: the daily series of the picked row, and redraw it."""
        key = self.drill.value
        self.drill_out.clear_output()
        if not key or self.by.value not in BY_METRICS:
            self.drill_frame = None
            return None
        self.drill_frame = self.shop.daily(self.metric.value, self.start.value,
                                           self.end.value, by=self.by.value, key=key)
        with self.drill_out:
            charts.show(chart(self.drill_frame, kind="line"))
        return self.drill_frame

    def _render(self) -> None:
        self.out.clear_output()
        with self.out:
            self._show_static()

    def _show_static(self) -> None:
        if self.error:
            tables.show_html(f'<p class="so-note">{tables.escape(self.error)}</p>')
            return
        if self.frame.empty:
            tables.show_html('<p class="so-note">所选期间没有数据。</p>')
            return
        charts.show(chart(self.frame, kind=self.kind.value))
        tables.show_html(table_html(self.frame))
        note = self.frame.attrs.get("note")
        if note:
            tables.show_html(f'<p class="so-note">口径：{tables.escape(note)}</p>')

    def show(self) -> None:
        """Display the panel; headless (papermill), display the current chart and table."""
        from IPython.display import display

        if interactive():
            display(self.box)
        else:
            self._show_static()

    def figures(self) -> dict[str, Any]:
        """Return the headline figures of the current view for ``explore.metrics.json``."""
        name = self.metric.value
        total = self.shop.metric(name, self.start.value, self.end.value)[name].iloc[0]
        return {
            "store": self.shop.id,
            "start": self.start.value.isoformat(),
            "end": self.end.value.isoformat(),
            "metric": name,
            "by": self.by.value,
            "rows": len(self.frame),
            "total": metrics.to_json_value(name, None if total is pd.NA else total),
        }


def finish(ctx: Any, p: Panel) -> None:
    """
    Record the current view's figures to ``explore.metrics.json``; close the report's connection.

    Closing it means an open JupyterLab kernel holds no lock on the warehouse.
    """
    from storeops import report

    report.record(ctx, p.figures())
    ctx.con.close()


def panel(store: str, start: str = "", end: str = "") -> Panel:
    """Open ``store`` and build its explore panel (the notebook's one call)."""
    return Panel(open(store), start=start, end=end)


def show_period(p: Panel) -> None:
    """Show one line naming the store and the period the panel opened with."""
    tables.show_html(
        f'<p class="so-subtitle">{tables.escape(p.shop.name)} · {p.start.value.isoformat()} 至 '
        f"{p.end.value.isoformat()}（改动上方控件即可重新计算）</p>")


def show_tables(shop: Store) -> None:
    """Show the warehouse tables: rows, first and last day, missing days (phone-width table)."""
    t = shop.tables()

    def day_text(v: Any) -> str:
        return tables.MISSING if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d")

    shown = pd.DataFrame({
        "表": t["table_name"],
        "行数": [tables.fmt_int(v) for v in t["rows"]],
        "最早": [day_text(v) for v in t["first_day"]],
        "最晚": [day_text(v) for v in t["last_day"]],
        "缺失天数": [tables.fmt_int(v) if d else tables.MISSING
                 for v, d in zip(t["missing_days"], t["daily"], strict=True)],
    })
    tables.show_html(tables.html_table(shown, align_right={"行数", "最早", "最晚", "缺失天数"}))
