"""Show the 年度计划 (annual plan) sections: one call per notebook cell.

Money goes through ``tables.fmt_money``, ratios through ``tables.fmt_pct``; every table is built
by ``tables.html_table`` (escaped, scrolls on a phone). Charts are built on
``matplotlib.figure.Figure`` with the theme set by ``report.start``.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from storeops import paths
from storeops.analysis import plan as pl
from storeops.report import charts, show_conclusion, show_note, tables

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
LAST_YEAR_COLOR = "#adb5bd"
CAP_COLOR = "#d9480f"


def _show(frame: pd.DataFrame, *, caption: str | None = None) -> None:
    tables.show_html(tables.html_table(frame, caption=caption,
                                       align_right=set(frame.columns[1:])))


def _month_label(month: str) -> str:
    return f"{int(month[5:7])}月"


# ---------------------------------------------------------------- charts


def months_chart(labels: list[str], values: list[float], *, title: str,
                 previous: list[float] | None = None, marked: list[bool] | None = None,
                 ax: Axes | None = None) -> Figure:
    """
    Draw monthly money as bars, optionally next to last year's bars.

    Parameters
    ----------
    labels : list of str
        Month labels (``1月`` …).
    values : list of float
        元 per month; NaN draws no bar.
    title : str
        Chart title.
    previous : list of float, optional
        Last year's values (元), drawn as grey bars on the left of each month.
    marked : list of bool, optional
        Months drawn in the highlight colour (e.g. where the ad cap binds).
    ax : Axes or None
        Draw into this axes; by default a new figure.
    """
    if ax is None:
        ax = Figure(figsize=charts.FIGSIZE, layout="constrained").subplots()
    x = np.arange(len(labels))
    width = 0.4 if previous is not None else 0.7
    colors = [CAP_COLOR if marked and marked[i] else charts.LINE_COLOR
              for i in range(len(labels))]
    if previous is not None:
        ax.bar(x - width / 2, previous, width=width, color=LAST_YEAR_COLOR, label="去年同月")
        ax.bar(x + width / 2, values, width=width, color=colors, label="计划")
        ax.figure.legend(loc="outside lower center", ncol=2, fontsize="small", frameon=False)
    else:
        ax.bar(x, values, width=width, color=colors)
    ax.set_xticks(list(x), labels, fontsize="small")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(charts.yuan_formatter(ax))
    ax.set(title=title, xlabel="", ylabel="")
    return ax.figure


def seasonality_chart(matrix: pd.DataFrame, *, title: str = "季节性指数（月 × 星期，平日=1）",
                      ax: Axes | None = None) -> Figure:
    """
    Draw the month × weekday seasonality index as a heat map with the values written in.

    Parameters
    ----------
    matrix : DataFrame
        12 rows (months 1–12) × 7 columns (weekday 0 = Monday); NaN where no day was seen.
    """
    if ax is None:
        ax = Figure(figsize=(7.2, 5.6), layout="constrained").subplots()
    values = matrix.to_numpy(dtype=float)
    shown = np.ma.masked_invalid(values)
    image = ax.imshow(shown, cmap="RdYlGn", vmin=0.5, vmax=1.5, aspect="auto")
    for (r, c), v in np.ndenumerate(values):
        if not math.isnan(v):
            ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize="x-small")
    ax.set_xticks(range(7), WEEKDAYS, fontsize="small")
    ax.set_yticks(range(12), [f"{m}月" for m in matrix.index], fontsize="small")
    ax.grid(False)
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    ax.set(title=title, xlabel="", ylabel="")
    return ax.figure


def uplift_chart(names: list[str], uplifts: list[float], *, title: str,
                 ax: Axes | None = None) -> Figure:
    """Draw each event's uplift (window GMV ÷ baseline) as horizontal bars with a line at 1."""
    if ax is None:
        ax = Figure(figsize=charts.FIGSIZE, layout="constrained").subplots()
    y = np.arange(len(names))
    ax.barh(y, uplifts, color=charts.LINE_COLOR, height=0.6)
    for i, v in enumerate(uplifts):
        ax.annotate(f"×{v:.2f}", (v, i), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize="small")
    ax.axvline(1.0, color="#495057", ls="--", lw=1)
    ax.set_yticks(list(y), names, fontsize="small")
    ax.invert_yaxis()
    ax.set_xlim(0, max([*uplifts, 1.0]) * 1.2)
    ax.set(title=title, xlabel="活动期支付金额 ÷ 平日基线", ylabel="")
    return ax.figure


# ---------------------------------------------------------------- sections


def show_history(hist: pl.History) -> None:
    """Show the last 12 months: GMV, 访客数, conversion, AOV by month, and the GMV bars."""
    m = hist.months
    frame = pd.DataFrame({
        "月份": m["month"],
        "支付金额": [tables.fmt_money(v) for v in m["gmv"]],
        "访客数": [tables.fmt_int(v) for v in m["uv"]],
        "转化率": [tables.fmt_pct(v, decimals=2) for v in m["conversion"]],
        "客单价": [tables.fmt_money(v, decimals=2) for v in m["aov"]],
        "有数据天数": [tables.fmt_int(v) for v in m["days_covered"]],
    })
    _show(frame, caption=f"近12个完整月（{hist.start:%Y-%m-%d} 至 {hist.end:%Y-%m-%d}），"
          f"合计 {tables.fmt_money(hist.gmv_total)}；访客数为每日访客之和（Σ日访客）")
    if m["uv"].isna().any():
        show_note("访客数为 — 的月份：没有完整的生意参谋店铺日报，转化率同样空缺（不是 0）。")
    values = [math.nan if v is None else float(v) for v in m["gmv"]]
    charts.show(months_chart([f"{s[2:4]}/{s[5:7]}" for s in m["month"]], values,
                             title="近12个月支付金额"))
    ref = hist.reference
    show_note(f"参考期 {ref['start']:%Y-%m-%d} 至 {ref['end']:%Y-%m-%d}：支付转化率 "
              f"{tables.fmt_pct(ref['conversion'], decimals=2)}，客单价 "
              f"{tables.fmt_money(ref['aov'], decimals=2)}，UV价值 "
              f"{tables.fmt_money(ref['uv_value'], decimals=2)}（先求和再相除）。")


def show_seasonality(hist: pl.History) -> None:
    """Show the month × weekday index (heat map) and the month and weekday indices used."""
    charts.show(seasonality_chart(hist.matrix))
    frame = pd.DataFrame({
        "月份": [f"{m}月" for m in range(1, 13)],
        "月指数": [f"{hist.month_index[m]:.2f}" for m in range(1, 13)],
        "来源": ["默认 1.0" if m in hist.missing_months else "历史平日" for m in range(1, 13)],
    })
    _show(frame, caption="月指数 = 该月平日日均支付金额 ÷ 全部平日日均（不含大促窗口与春节停运）")
    weekdays = "，".join(f"{WEEKDAYS[w]} {hist.weekday_index[w]:.2f}" for w in range(7))
    show_note(f"星期指数（月内相对，7天平均为 1）：{weekdays}。计划按 月指数 × 星期指数 × "
              "大促提升 × 春节系数 分配每天的目标（热力图每格样本只有 4–5 天，只作参考）。")


def show_event_uplifts(hist: pl.History) -> None:
    """Show each past event's window GMV, baseline and uplift."""
    if not hist.uplifts:
        show_note("历史中没有可测算的大促（活动窗口或其前4周缺少订单数据）：计划使用默认提升系数。")
        return
    ups = hist.uplifts
    frame = pd.DataFrame({
        "活动": [f"{u.year} {u.name}" for u in ups],
        "窗口": [f"{u.start:%m-%d}~{u.end:%m-%d}" for u in ups],
        "活动期支付金额": [tables.fmt_money(u.gmv) for u in ups],
        "平日基线": [tables.fmt_money(u.baseline) for u in ups],
        "提升": ["—" if u.uplift is None else f"×{u.uplift:.2f}" for u in ups],
        "窗口来源": [u.source for u in ups],
    })
    _show(frame, caption="提升 = 活动窗口（含预热）支付金额 ÷ 前4周同星期平日均值之和")
    charts.show(uplift_chart([f"{u.year} {u.name}" for u in ups if u.uplift is not None],
                             [u.uplift for u in ups if u.uplift is not None],
                             title="往年大促提升"))


def show_calendar(p: pl.Plan) -> None:
    """Show the plan year's events, holidays and the Spring Festival stop."""
    cal = p.calendar
    frame = pd.DataFrame({
        "活动": [e.name for e in cal.events],
        "窗口（含预热）": [f"{e.start:%m-%d}~{e.end:%m-%d}" for e in cal.events],
        "窗口来源": [e.window_source for e in cal.events],
        "预计提升": [f"×{e.expected_uplift:.2f}" for e in cal.events],
        "提升来源": [e.uplift_source for e in cal.events],
    })
    _show(frame, caption=f"{cal.year} 年平台大促（情景{p.scenario.name}：额外需求 × "
          f"{p.scenario.uplift_scale:.1f}）")
    lo, hi = cal.spring_stop
    rows = [(h["name"] + ("（预计）" if h["estimated"] else ""),
             f"{h['start']:%m-%d}~{h['end']:%m-%d}") for h in cal.holidays]
    rows.append(("春节物流停运", f"{lo:%m-%d}~{hi:%m-%d}（需求 ×{cal.spring_factor:.2f}）"))
    _show(pd.DataFrame(rows, columns=["节假日", "日期"]))
    if any(h["estimated"] for h in cal.holidays):
        show_note("标注“预计”的节假日按农历推算：国务院公布当年放假安排（含调休）后请以官方为准。")


def show_targets(p: pl.Plan) -> None:
    """Show the year → quarter → month split with last year's months for comparison."""
    q = pd.DataFrame({"季度": [f"Q{i}" for i in range(1, 5)],
                      "目标": [tables.fmt_money(v) for v in p.quarters],
                      "占全年": [tables.fmt_pct(v / p.annual_target if p.annual_target else None)
                              for v in p.quarters]})
    show_note(f"{p.year} 年目标 {tables.fmt_money(p.annual_target)}（{p.target_source}；"
              f"情景{p.scenario.name}）。")
    _show(q)
    m = p.months
    frame = pd.DataFrame({
        "月份": [_month_label(s) for s in m["month"]],
        "目标": [tables.fmt_money(v) for v in m["target"]],
        "去年同月": [tables.fmt_money(v) for v in m["last_year_gmv"]],
        "同比": [tables.fmt_change(v) for v in m["growth"]],
        "日均": [tables.fmt_money(Decimal(int(t)) / n) for t, n in
               zip(m["target"], p.days.groupby("month").size(), strict=True)],
    })
    _show(frame, caption="每天目标之和等于当月目标，各月之和等于全年（最大余数法取整到元）")
    previous = [math.nan if v is None else float(v) for v in m["last_year_gmv"]]
    charts.show(months_chart([_month_label(s) for s in m["month"]],
                             [float(v) for v in m["target"]], previous=previous,
                             title=f"{p.year} 年各月目标"))
    top = p.days.nlargest(5, "target")
    days = pd.DataFrame({"日期": [f"{d:%m-%d}" for d in top["day"]],
                         "目标": [tables.fmt_money(v) for v in top["target"]],
                         "原因": [e or h or "—" for e, h in
                                zip(top["event"], top["holiday"], strict=True)]})
    _show(days, caption="目标最高的 5 天")


def show_funnel(p: pl.Plan) -> None:
    """Show the UV needed per month at the plan's conversion and AOV, and the gap to last year."""
    if p.uv_value is None:
        show_note("没有生意参谋店铺日报（访客数），无法计算所需访客数："
                  "导入 店铺整体 日报后即可显示。")
        return
    m = p.months
    frame = pd.DataFrame({
        "月份": [_month_label(s) for s in m["month"]],
        "所需访客": [tables.fmt_int(v) for v in m["uv_needed"]],
        "去年访客": [tables.fmt_int(v) for v in m["last_year_uv"]],
        "缺口": [tables.MISSING if v is None else f"{v:+,}" for v in m["uv_gap"]],
    })
    show_note(f"本月所需UV = 目标 ÷ (转化率 {tables.fmt_pct(p.conversion, decimals=2)} × 客单价 "
              f"{tables.fmt_money(p.aov, decimals=2)})；全年所需 "
              f"{tables.fmt_int(p.uv_needed_total)}（Σ日访客）。")
    _show(frame, caption="缺口 = 所需访客 − 去年同月访客（正数：需要新增的流量）")


def show_ads(p: pl.Plan, ceiling: float) -> None:
    """Show the ad budget by month, with the months where the 推广费比 ceiling binds."""
    m = p.months
    frame = pd.DataFrame({
        "月份": [_month_label(s) for s in m["month"]],
        "推广预算": [tables.fmt_money(v) for v in m["ad_budget"]],
        "推广费比": [tables.fmt_pct(v) for v in m["ad_ratio"]],
        "封顶": ["是" if b else "" for b in m["cap_binds"]],
    })
    cpc = ("无点击数据" if p.cpc is None else f"平均点击花费 {tables.fmt_money(p.cpc, decimals=2)}"
           "，访客缺口按付费点击补足")
    show_note(f"预算 = 目标 × 推广费比 {tables.fmt_pct(p.ad_ratio)}（近期实际，封顶 "
              f"{tables.fmt_pct(ceiling)}）+ 访客缺口 × 点击单价（{cpc}）；全年 "
              f"{tables.fmt_money(p.ad_budget_total)}。")
    _show(frame, caption=f"“封顶”：按缺口所需的预算超过 {tables.fmt_pct(ceiling)}，"
          "该月需要靠活动、自然搜索或老客补足流量")
    charts.show(months_chart([_month_label(s) for s in m["month"]],
                             [float(v) for v in m["ad_budget"]], marked=list(m["cap_binds"]),
                             title="各月推广预算（橙色：触及费比上限）"))


def show_team(p: pl.Plan, staff_ratio: float) -> None:
    """Show the team the plan affords, its cost and the personnel budget."""
    t = p.team
    frame = pd.DataFrame({
        "岗位": [r["role"] for r in t["roles"]],
        "人数": [r["people"] for r in t["roles"]],
        "月成本": [tables.fmt_money(r["monthly_cost"]) for r in t["roles"]],
    })
    _show(frame, caption=f"档位：{t['tier']}；共 {t['headcount']} 人，月成本 "
          f"{tables.fmt_money(t['monthly_cost'])}")
    band = "在 6 %–7 % 区间内" if t["in_band"] else "不在 6 %–7 % 区间内"
    show_note(f"人员预算 = 各月目标 × {tables.fmt_pct(staff_ratio)}，全年 "
              f"{tables.fmt_money(p.staff_budget_total)}；团队人力成本占收入 "
              f"{tables.fmt_pct(t['cost_ratio'])}，{band}。档位表来自种子文档的部门架构"
              "（起步 2 名客服 → 成熟 12 人），按月均收入的人员预算选择能负担的最大档位。")


def show_scenarios(frame: pd.DataFrame) -> None:
    """Show the three scenarios side by side."""
    shown = pd.DataFrame({
        "情景": frame["scenario"],
        "增长": [tables.fmt_pct(v, decimals=0) for v in frame["growth"]],
        "年度目标": [tables.fmt_money(v) for v in frame["annual_target"]],
        "所需访客": [tables.fmt_int(v) for v in frame["uv_needed"]],
        "推广预算": [tables.fmt_money(v) for v in frame["ad_budget"]],
        "人员预算": [tables.fmt_money(v) for v in frame["staff_budget"]],
        "团队人数": [tables.fmt_int(v) for v in frame["headcount"]],
        "转化率": [tables.fmt_pct(v, decimals=2) for v in frame["conversion"]],
        "客单价": [tables.fmt_money(v, decimals=2) for v in frame["aov"]],
    })
    _show(shown, caption="默认假设——保守：增长低、转化率 −5 %、大促额外需求 ×0.8；"
          "激进：增长高、转化率 +10 %、客单价 +5 %、大促额外需求 ×1.2"
          "（stores.toml 的 plan 表可改）")


def show_summary(p: pl.Plan) -> None:
    """Show the headline numbers and the assumptions that came from defaults, not history."""
    lines = [
        f"{p.year} 年目标 {tables.fmt_money(p.annual_target)}（{p.target_source}；"
        f"情景{p.scenario.name}）",
        "四个季度：" + "、".join(tables.fmt_money(q) for q in p.quarters),
        f"全年所需访客 {tables.fmt_int(p.uv_needed_total)}（Σ日访客）；推广预算 "
        f"{tables.fmt_money(p.ad_budget_total)}；人员预算 {tables.fmt_money(p.staff_budget_total)}"
        f"，团队 {p.team['headcount']} 人",
    ]
    show_conclusion(lines)
    if not p.defaults_used:
        show_note("全部假设都来自本店历史数据。")
        return
    show_note("以下假设来自默认值（不是本店历史）：" + "；".join(p.defaults_used) + "。")


def show_targets_file(path: Path, p: pl.Plan) -> None:
    """Say where the targets sheet was written and how it reaches the warehouse."""
    rel = path.relative_to(paths.home())
    rows = pl.targets_rows(p)
    show_note(f"已生成目标表 {rel}（{len(rows)} 行：全年、每月、每天的支付金额，每月所需访客与"
              "推广费比，各大促窗口）。下次运行 storeops ingest 即导入 targets 表，"
              "经营日报的“目标与进度”随之使用这些目标。")
