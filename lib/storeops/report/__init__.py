"""What notebooks call to show and record things: one call per cell.

``start`` checks the parameters, opens the warehouse read-only and sets the chart theme;
the ``show_*`` functions format (¥, %, escaped text) and display; ``record`` writes the
headline figures next to the HTML.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from storeops import config, metrics, warehouse
from storeops.analysis.anomaly import Anomaly
from storeops.analysis.decompose import FactorSplit
from storeops.report import charts, narrative, tables
from storeops.report.record import write_metrics
from storeops.timeutil import SHANGHAI, resolve_day

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReportContext:
    """One report run: the store, the day and the warehouse connection."""

    store: config.StoreConfig
    day: date
    notebook: str
    con: duckdb.DuckDBPyConnection


def start(store: str, report_date: str | date = "", *, notebook: str) -> ReportContext:
    """
    Begin a report: validate parameters, open the store's warehouse read-only, set the theme.

    Parameters
    ----------
    store : str
        Store id (from stores.toml or a data/raw folder). Must be a string: papermill's CLI
        turns ``-p store 001`` into the integer 1, which is refused here.
    report_date : str or date
        ISO date; ``""`` means yesterday in Asia/Shanghai.
    notebook : str
        The notebook's name, used for the metrics file.
    """
    if not isinstance(store, str):
        raise config.ConfigError(
            f"参数 store 必须是字符串，收到 {type(store).__name__} {store!r}：请用引号传入"
        )
    cfg = config.get_store(store)
    day = resolve_day(report_date)
    charts.set_theme()
    con = warehouse.connect(store, read_only=True)
    return ReportContext(store=cfg, day=day, notebook=notebook, con=con)


def show_title(ctx: ReportContext, title: str) -> None:
    """Show the report's heading: title, store name and day."""
    weekday = "一二三四五六日"[ctx.day.weekday()]
    made = datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    tables.show_html(
        f'<h1 class="so-title">{tables.escape(title)}</h1>'
        f'<p class="so-subtitle">{tables.escape(ctx.store.name)} · '
        f"{ctx.day.isoformat()}（周{weekday}）· 生成于 {made}</p>"
    )


def show_heading(text: str) -> None:
    """Show a section heading."""
    tables.show_html(f"<h2>{tables.escape(text)}</h2>")


def show_note(text: str) -> None:
    """Show a short paragraph (escaped)."""
    tables.show_html(f'<p class="so-note">{tables.escape(text)}</p>')


PRECISE_MONEY = frozenset({"aov", "uv_value"})


def _value_text(value: Any, unit: str, name: str = "") -> str:
    if unit == "元":
        return tables.fmt_money(value, decimals=2 if name in PRECISE_MONEY else 0)
    if unit == "%":
        return tables.fmt_pct(value, decimals=2)
    return tables.fmt_int(value)


def _change_text(value: float | None, is_ratio: bool) -> str:
    return tables.fmt_pp(value) if is_ratio else tables.fmt_change(value)


def show_conclusion(lines: list[str]) -> None:
    """Show the conclusion sentences as a short list."""
    items = "".join(f"<li>{tables.escape(line)}</li>" for line in lines)
    tables.show_html(f'<ul class="so-conclusion">{items}</ul>')


def show_bridge(split: FactorSplit, today: dict[str, Any], last_week: dict[str, Any]) -> None:
    """Show the GMV change vs last week as a waterfall (UV, conversion, AOV) and a sentence."""
    show_note(narrative.bridge_sentence(split, today, last_week))
    if not split.complete or today["gmv"] is None or last_week["gmv"] is None:
        return
    steps = [("访客数", float(split.uv)), ("转化率", float(split.conversion)),
             ("客单价", float(split.aov))]
    charts.show(charts.waterfall(steps, start=("上周同日", float(last_week["gmv"])),
                                 end=("当日", float(today["gmv"])),
                                 title="支付金额变化拆解（对比上周同日）"))


def _signed_money_cell(x: Any) -> str:
    if x is None:
        return "—"
    if x == 0:
        return tables.fmt_money(x)
    return ("▲ +" if x > 0 else "▼ −") + tables.fmt_money(abs(x))


def show_split(split: pd.DataFrame | None, *, by: str, missing: str) -> None:
    """
    Show a GMV change split into parts (sources or items) whose changes add up to the total.

    Parameters
    ----------
    split : DataFrame or None
        From ``analysis.daily.source_split`` / ``item_split``; None when the data is absent.
    by : str
        Column title for the parts (来源 / 商品).
    missing : str
        What to upload to fill this table, shown when ``split`` is None.
    """
    if split is None:
        show_note(f"按{by}拆分暂无数据：{missing}")
        return
    names = split["title"] if "title" in split else split["part"]
    frame = pd.DataFrame({
        by: names,
        "当日": [tables.fmt_money(v) for v in split["now"]],
        "上周同日": [tables.fmt_money(v) for v in split["before"]],
        "变化": [_signed_money_cell(v) for v in split["change"]],
    })
    tables.show_html(tables.html_table(frame, align_right={"当日", "上周同日", "变化"},
                                       caption=f"按{by}拆分：各行变化相加等于支付金额的变化"))


def show_month(mtd: Any) -> None:
    """Show month-to-date GMV vs target, the pace needed and the seeds' UV gap."""
    if mtd.mtd_gmv is None:
        show_note("本月暂无订单数据。")
        return
    if mtd.target is None:
        show_note(f"本月至今支付金额 {tables.fmt_money(mtd.mtd_gmv)}；未设置本月目标："
                  "在 stores.toml 写 monthly_target = 金额，或导入目标表，即可显示进度与缺口。")
        return
    rows = [
        ("本月目标", f"{tables.fmt_money(mtd.target)}（来源：{mtd.target_source}）"),
        ("本月至今支付金额", tables.fmt_money(mtd.mtd_gmv)),
        ("完成进度", f"{tables.fmt_pct(mtd.progress)}（按星期加权应完成 "
                 f"{tables.fmt_pct(mtd.expected_share)}）"),
        ("剩余每天需完成", tables.fmt_money(mtd.required_daily)),
        ("本月所需UV", tables.fmt_int(mtd.uv_needed)),
        ("UV缺口", tables.fmt_int(mtd.uv_gap)),
        ("本月退款率", tables.fmt_pct(mtd.refund_rate)),
    ]
    frame = pd.DataFrame(rows, columns=["项目", "数值"])
    tables.show_html(tables.html_table(frame))
    behind = mtd.progress is not None and mtd.progress < mtd.expected_share
    show_note(("进度落后于应完成比例：" if behind else "进度正常：")
              + f"剩余 {(mtd.days_in_month - mtd.day.day)} 天，每天需 "
              f"{tables.fmt_money(mtd.required_daily)}。")


def show_customers(status: Any, *, recall_days: int = 30) -> None:
    """Show active / sleeping / lost buyers and today's recall list size."""
    if status is None:
        show_note("订单导出不含买家会员名（或已脱敏），无法统计客户；"
                  "上传含买家会员名的订单报表即可显示本节。")
        return
    frame = pd.DataFrame([("活跃（30天内购买）", status.active),
                          ("沉睡（31–50天）", status.sleeping),
                          ("流失（超过50天）", status.lost),
                          (f"今日待召回（恰好{recall_days}天前购买）", status.recall_due)],
                         columns=["客户", "人数"])
    tables.show_html(tables.html_table(frame, formats={"人数": tables.fmt_int}))


def show_anomalies(found: list[Anomaly]) -> None:
    """List the day's anomalies: metric, value, 4-week median, change, severity, mute."""
    if not found:
        show_note("核心指标都在近4周同日中位数的正常范围内（相对变化与绝对金额两个门槛都未触发）。")
        return
    frame = pd.DataFrame({
        "指标": [a.label for a in found],
        "当日": [_value_text(a.value, metrics.METRICS[a.metric].unit, a.metric) for a in found],
        "近4周同日中位数": [_value_text(a.baseline, metrics.METRICS[a.metric].unit, a.metric)
                      for a in found],
        "变化": [tables.fmt_change(a.change_pct) for a in found],
        "级别": ["高" if a.severity == "high" else "中" for a in found],
        "说明": [f"已静音：{a.muted_reason}" if a.muted_reason else "" for a in found],
    })
    tables.show_html(tables.html_table(frame, align_right={"当日", "近4周同日中位数", "变化"}))


def show_actions(todo: list[str]) -> None:
    """Show the day's action list, numbered, in the order given (most money at stake first)."""
    if not todo:
        show_note("今天没有需要特别处理的事项：按日常节奏运营即可。")
        return
    items = "".join(f"<li>{tables.escape(line)}</li>" for line in dict.fromkeys(todo))
    tables.show_html(f'<ol class="so-actions">{items}</ol>')


def show_kpis(rows: pd.DataFrame, *, missing_traffic: bool = False) -> None:
    """
    Show the headline table: each metric today, the day before, last week, and the changes.

    Parameters
    ----------
    rows : DataFrame
        From ``analysis.daily.kpi_rows``.
    missing_traffic : bool
        When True, say that 访客数-based metrics are absent (no 生意参谋 export for the day).
    """
    def values(col: str) -> list[str]:
        return [_value_text(v, u, n) for v, u, n in
                zip(rows[col], rows["unit"], rows["name"], strict=True)]

    def changes(col: str) -> list[str]:
        return [_change_text(v, r) for v, r in zip(rows[col], rows["is_ratio"], strict=True)]

    shown = pd.DataFrame({
        "指标": rows["label"],
        "当日": values("today"),
        "较前一日": changes("vs_prev"),
        "较上周同日": changes("vs_last_week"),
        "较4周同日中位数": changes("vs_median_4w"),
        "前一日": values("prev_day"),
        "上周同日": values("last_week"),
        "4周同日中位数": values("median_4w"),
    })
    tables.show_html(tables.html_table(shown, align_right=set(shown.columns[1:])))
    if missing_traffic:
        show_note("无流量数据：当日没有生意参谋店铺日报，访客数、支付转化率、UV价值显示为 —。")


def show_gmv_trend(trend: pd.DataFrame, day: date, *, days: int = 60) -> None:
    """Show the daily GMV line of the last ``days`` days with the report day marked."""
    charts.show(charts.gmv_trend(trend, highlight=day, title=f"支付金额（近{days}天）"))


def show_provinces(frame: pd.DataFrame) -> None:
    """Show GMV by receiver province with shares."""
    shown = pd.DataFrame({
        "省份": frame["province"],
        "支付金额": [tables.fmt_money(v) for v in frame["gmv"]],
        "占比": [tables.fmt_pct(v) for v in frame["share"]],
        "支付订单数": [tables.fmt_int(v) for v in frame["paid_orders"]],
    })
    tables.show_html(tables.html_table(shown, align_right={"支付金额", "占比", "支付订单数"}))


STAMP_SOURCES = {
    "orders": ("订单报表", True), "shop_daily": ("生意参谋 店铺日报", True),
    "traffic_sources": ("生意参谋 流量来源", True), "ad_reports": ("推广报表", True),
    "cs_agents": ("客服绩效", True), "refunds": ("退款单", False), "reviews": ("评价", False),
    "dsr": ("店铺DSR", False), "inventory": ("库存", False),
}
"""Sources named in the data stamp: label, and whether a missing day is a gap."""


def _span_text(days: list[date]) -> str:
    """``[11-20, 11-23, 11-24, 11-25]`` -> ``11-20、11-23~11-25``."""
    runs: list[list[date]] = []
    for d in days:
        if runs and (d - runs[-1][-1]).days == 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return "、".join(r[0].strftime("%m-%d") + (f"~{r[-1].strftime('%m-%d')}" if len(r) > 1
                                                else "") for r in runs)


def data_stamp(con: duckdb.DuckDBPyConnection, day: date) -> tuple[list[str], list[str]]:
    """
    Return (one line per source present: last day and gaps in the last 30 days, sources absent).

    A daily source's gap is a day between its first day in the window and the report day
    without data; a source that has not reached the report day says so.
    """
    rows = {r["source"]: r for r in warehouse.query_rows(con, "stamp", day=day)}
    present, absent = [], []
    for source, (label, daily) in STAMP_SOURCES.items():
        row = rows.get(source)
        if row is None or row["last_day"] is None:
            absent.append(label)
            continue
        text = f"{label}：截至 {row['last_day'].strftime('%m-%d')}"
        if row["last_day"] < day:
            text += "（未覆盖报告日）"
        recent = row["recent"] or []
        if daily and recent:
            have = set(recent)
            span = [recent[0] + timedelta(days=i) for i in range((day - recent[0]).days + 1)]
            missing = [d for d in span if d not in have and d <= row["last_day"]]
            if missing:
                text += f"，缺 {_span_text(missing)}"
        present.append(text)
    return present, absent


def show_data_stamp(con: duckdb.DuckDBPyConnection, day: date) -> None:
    """Show, for each source, the last day available and its gaps, and which are absent."""
    present, absent = data_stamp(con, day)
    line = "数据截至 — " + "；".join(present) if present else "没有任何数据"
    if absent:
        line += f"。本报告没有：{'、'.join(absent)}（相应部分显示为缺失，不是 0）"
    tables.show_html(f'<p class="so-stamp">{tables.escape(line)}</p>')


def record(ctx: ReportContext, figures: dict[str, Any]) -> None:
    """Write the headline figures to ``<notebook>.metrics.json`` in the report folder."""
    path = write_metrics(ctx.store.id, ctx.day, ctx.notebook, figures)
    logger.info("recorded %s", path)
