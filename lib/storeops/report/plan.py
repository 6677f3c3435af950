"""Show the 年度计划 (annual plan) sections: one call per notebook cell.

Money goes through ``tables.fmt_money``, ratios through ``tables.fmt_pct``; every table is built
by ``tables.html_table`` (escaped, scrolls on a phone). Charts are built on
``matplotlib.figure.Figure`` with the theme set by ``report.start``.
"""

from __future__ import annotations

import logging
import math
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from storeops import paths
from storeops.analysis import plan as pl
from storeops.report import charts, show_conclusion, show_note, tables

logger = logging.getLogger(__name__)

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
CATEGORY_COLORS = ("#1f6fb2", "#f08c00", "#2b8a3e", "#c2255c", "#5f3dc4", "#0b7285",
                   "#e8590c", "#5c940d", "#862e9c", "#495057")
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


def categories_chart(labels: list[str], parts: dict[str, list[float]], *, title: str,
                     ax: Axes | None = None) -> Figure:
    """
    Draw monthly targets stacked by category.

    Parameters
    ----------
    labels : list of str
        Month labels (``1月`` …).
    parts : dict of str to list of float
        Category → 元 per month, stacked in this order (colours repeat past 10 categories).
    """
    if ax is None:
        ax = Figure(figsize=charts.FIGSIZE, layout="constrained").subplots()
    x = np.arange(len(labels))
    bottom = np.zeros(len(labels))
    for i, (name, values) in enumerate(parts.items()):
        ax.bar(x, values, bottom=bottom, width=0.7, label=name,
               color=CATEGORY_COLORS[i % len(CATEGORY_COLORS)])
        bottom += np.asarray(values, dtype=float)
    ax.set_xticks(list(x), labels, fontsize="small")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(charts.yuan_formatter(ax))
    ax.figure.legend(loc="outside lower center", ncol=min(len(parts), 5), fontsize="small",
                     frameon=False)
    ax.set(title=title, xlabel="", ylabel="")
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
        "聚划算费用": [tables.fmt_money(v) for v in m["campaign_fee"]],
        "推广费比": [tables.fmt_pct(v) for v in m["promotion_ratio"]],
        "封顶": ["超限" if o else "是" if b else ""
               for b, o in zip(m["cap_binds"], m["over_ceiling"], strict=True)],
    })
    cpc = ("无点击数据" if p.cpc is None else f"平均点击花费 {tables.fmt_money(p.cpc, decimals=2)}"
           "，访客缺口按付费点击补足")
    show_note(f"预算 = 目标 × 推广费比 {tables.fmt_pct(p.ad_ratio)}（近期实际，封顶 "
              f"{tables.fmt_pct(ceiling)}）+ 访客缺口 × 点击单价（{cpc}）；全年 "
              f"{tables.fmt_money(p.ad_budget_total)}。")
    _show(frame, caption=f"推广费比 =（推广预算 + 聚划算费用）÷ 目标；“封顶”：按缺口所需的预算"
          f"加上活动费用超过 {tables.fmt_pct(ceiling)}，该月需要靠活动、自然搜索或老客补足流量；"
          "“超限”：仅活动费用就超过上限")
    show_fees(p)
    charts.show(months_chart([_month_label(s) for s in m["month"]],
                             [float(v) for v in m["ad_budget"]], marked=list(m["cap_binds"]),
                             title="各月推广预算（橙色：触及费比上限）"))


def show_fees(p: pl.Plan) -> None:
    """Show the 聚划算 fees the budget counts (inputs from stores.toml, 0 by default)."""
    if p.fees.empty:
        show_note("聚划算坑位费、佣金：本计划按 0 计（在 stores.toml 的 [stores.<店铺>.plan] 写 "
                  "juhuasuan_slot_fee（每场坑位费，元）、juhuasuan_commission_rate（佣金率）、"
                  "juhuasuan_events（参加的活动）、juhuasuan_gmv_share（活动期经聚划算成交的"
                  "比例）后计入推广费比）。")
        return
    f = p.fees
    frame = pd.DataFrame({
        "活动": list(f["event"]),
        "月份": [f"{m}月" for m in f["month"]],
        "坑位费": [tables.fmt_money(v) for v in f["slot_fee"]],
        "佣金": [tables.fmt_money(v) for v in f["commission"]],
        "合计": [tables.fmt_money(v) for v in f["fee"]],
    })
    _show(frame, caption=f"聚划算费用（来自 stores.toml），全年 "
          f"{tables.fmt_money(p.campaign_fee_total)}；佣金按活动窗口的目标计")


def show_categories(p: pl.Plan) -> None:
    """Show the month targets split by category, or say why there is no split."""
    cats = p.categories
    if cats is None:
        show_note(p.categories_note)
        return
    month_cols = [f"{p.year}-{m:02d}" for m in range(1, 13)]
    quarters = {f"Q{q}": cats[month_cols[(q - 1) * 3:q * 3]].sum(axis=1) for q in range(1, 5)}
    frame = pd.DataFrame({
        "类目": list(cats["category"]),
        "去年占比": [tables.fmt_pct(v) for v in cats["share"]],
        **{k: [tables.fmt_money(v) for v in col] for k, col in quarters.items()},
        "全年": [tables.fmt_money(v) for v in cats["total"]],
    })
    _show(frame, caption=f"{p.categories_note}；每月各类目之和等于当月目标（最大余数法取整到元）")
    parts = {str(r["category"]): [float(r[c]) for c in month_cols]
             for r in cats.to_dict("records")}
    charts.show(categories_chart([f"{m}月" for m in range(1, 13)], parts,
                                 title=f"{p.year} 年各月目标（按类目）"))


def show_team(p: pl.Plan, staff_ratio: float) -> None:
    """Show the team the plan affords next to the 客服 its inquiry volume needs."""
    t = p.team
    svc = p.service
    by_inquiry = ["—"] * len(t["roles"])
    if svc is not None:
        by_inquiry = [f"{svc['year_round']}（峰值日 {svc['peak_agents']}）"
                      if r["role"] == "客服" else "—" for r in t["roles"]]
    frame = pd.DataFrame({
        "岗位": [r["role"] for r in t["roles"]],
        "人数": [r["people"] for r in t["roles"]],
        "按询单量": by_inquiry,
        "月成本": [tables.fmt_money(r["monthly_cost"]) for r in t["roles"]],
    })
    _show(frame, caption=f"档位：{t['tier']}；共 {t['headcount']} 人，月成本 "
          f"{tables.fmt_money(t['monthly_cost'])}")
    band = "在 6 %–7 % 区间内" if t["in_band"] else "不在 6 %–7 % 区间内"
    show_note(f"人员预算 = 各月目标 × {tables.fmt_pct(staff_ratio)}，全年 "
              f"{tables.fmt_money(p.staff_budget_total)}；团队人力成本占收入 "
              f"{tables.fmt_pct(t['cost_ratio'])}，{band}。档位表来自种子文档的部门架构"
              "（起步 2 名客服 → 成熟 12 人），按月均收入的人员预算选择能负担的最大档位。")
    show_service(p)


def show_service(p: pl.Plan) -> None:
    """Show the 客服 the projected inquiry volume needs, month by month."""
    svc = p.service
    if svc is None:
        show_note("没有客服绩效数据（全店汇总值或店铺询单行）：客服人数只按收入档位，"
                  "导入千牛客服绩效后即可按询单量测算。")
        return
    observed = ("—" if svc["observed_per_agent"] is None
                else f"{svc['observed_per_agent']:.0f}")
    show_note(f"客服按询单量：近 {svc['basis_days']} 天每万元支付金额带来 "
              f"{svc['per_10k']:.1f} 个询单人（先求和再相除）；全年预计询单 "
              f"{tables.fmt_int(svc['inquiries'])} 人，按每名客服每天 {svc['per_agent']:g} 人"
              f"（本店近期实际每人每天 {observed} 人），常年需要 {svc['year_round']} 名客服，"
              f"目标最高的 {svc['peak_day']:%m-%d} 需要 {svc['peak_agents']} 名"
              "（大促可临时增援）。")
    frame = pd.DataFrame({
        "月份": [f"{x['month']}月" for x in svc["months"]],
        "预计询单": [tables.fmt_int(x["inquiries"]) for x in svc["months"]],
        "日均询单": [tables.fmt_int(round(x["per_day"])) for x in svc["months"]],
        "所需客服": [tables.fmt_int(x["agents"]) for x in svc["months"]],
    })
    _show(frame, caption="所需客服 = ⌈日均询单 ÷ 每人每天接待量⌉")


def show_scenarios(frame: pd.DataFrame) -> None:
    """Show the three scenarios side by side."""
    shown = pd.DataFrame({
        "情景": frame["scenario"],
        "增长": [tables.fmt_pct(v, decimals=0) for v in frame["growth"]],
        "年度目标": [tables.fmt_money(v) for v in frame["annual_target"]],
        "所需访客": [tables.fmt_int(v) for v in frame["uv_needed"]],
        "推广预算": [tables.fmt_money(v) for v in frame["ad_budget"]],
        "活动费用": [tables.fmt_money(v) for v in frame["campaign_fee"]],
        "推广费比": [tables.fmt_pct(v) for v in frame["promotion_ratio"]],
        "人员预算": [tables.fmt_money(v) for v in frame["staff_budget"]],
        "团队人数": [tables.fmt_int(v) for v in frame["headcount"]],
        "客服（询单）": [tables.fmt_int(v) for v in frame["cs_by_inquiry"]],
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


# ---------------------------------------------------------------- the plan workbook

MONEY_FORMAT = '"¥"#,##0'
PCT_FORMAT = "0.0%"
INT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
WORKBOOK_SHEETS = ("年度目标", "日目标", "预算", "团队", "情景")


def workbook_file(store: str, year: int) -> Path:
    """Return ``reports/<store>/plan-<year>.xlsx``, the plan workbook for the team."""
    return paths.reports_root() / store / f"plan-{year}.xlsx"


class _Sheet:
    """Write rows of typed cells into one xlsxwriter sheet (text made inert, numbers formatted)."""

    def __init__(self, book: Any, name: str, formats: dict[str, Any]) -> None:
        self.sheet = book.add_worksheet(name)
        self.formats = formats
        self.row = 0

    def header(self, names: list[str], widths: list[int] | None = None) -> None:
        for c, name in enumerate(names):
            self.sheet.write_string(self.row, c, tables.inert_cell(name), self.formats["head"])
            self.sheet.set_column(c, c, (widths or [])[c] if widths and c < len(widths) else 14)
        self.row += 1

    def line(self, cells: list[tuple[str, Any]]) -> None:
        """Write one row of ``(kind, value)``: kind text, money, int, pct, date or float."""
        for c, (kind, value) in enumerate(cells):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                self.sheet.write_blank(self.row, c, None, self.formats.get(kind))
            elif kind == "text":
                self.sheet.write_string(self.row, c, tables.inert_cell(str(value)))
            elif kind == "date":
                self.sheet.write_datetime(self.row, c, value, self.formats["date"])
            else:
                fmt = self.formats.get(kind)
                self.sheet.write_number(self.row, c, float(value), fmt)
        self.row += 1

    def skip(self) -> None:
        self.row += 1


def _none(value: object) -> Any:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def write_workbook(store: str, p: pl.Plan, scenarios: pd.DataFrame | None = None) -> Path:
    """
    Write the plan workbook ``reports/<store>/plan-<year>.xlsx`` for the team's own sheets.

    Sheets: 年度目标 (year, quarters and months, by category when the items carry one), 日目标
    (every day's GMV, visitors, orders and ad spend, from ``plan.daily_targets``),
    预算 (ads and 聚划算 fees by month against the 推广费比 ceiling), 团队 (the tier's roles and
    the 客服 by inquiry volume), 情景 (the three scenarios). Money cells carry a ¥ format and
    ratios a % format; the header row is frozen; every text cell goes through
    ``tables.inert_cell`` so none runs as a formula. Written to a hidden temp file next to the
    target and renamed, so a reader never opens half a workbook; re-running replaces it.

    Parameters
    ----------
    store : str
        Store id.
    p : Plan
        The chosen scenario's plan.
    scenarios : DataFrame, optional
        From ``plan.compare``; the 情景 sheet is left with its header only when None.

    Returns
    -------
    Path
        The workbook.
    """
    import xlsxwriter

    path = workbook_file(store, p.year)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False,
                                              "strings_to_urls": False})
        book.set_properties({"title": f"{p.year} 年度计划", "author": "storeops 年度计划",
                             "comments": f"情景：{p.scenario.name}"})
        formats = {
            "head": book.add_format({"bold": True, "bg_color": "#e7f0f8", "border": 1,
                                     "text_wrap": True, "valign": "vcenter"}),
            "money": book.add_format({"num_format": MONEY_FORMAT}),
            "int": book.add_format({"num_format": INT_FORMAT}),
            "pct": book.add_format({"num_format": PCT_FORMAT}),
            "float": book.add_format({"num_format": "0.00"}),
            "date": book.add_format({"num_format": DATE_FORMAT}),
            "money2": book.add_format({"num_format": '"¥"#,##0.00'}),
        }
        _targets_sheet(_Sheet(book, "年度目标", formats), p)
        _days_sheet(_Sheet(book, "日目标", formats), p)
        _budget_sheet(_Sheet(book, "预算", formats), p)
        _team_sheet(_Sheet(book, "团队", formats), p)
        _scenario_sheet(_Sheet(book, "情景", formats), scenarios)
        book.close()
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    logger.info("wrote %s", path)
    return path


def _targets_sheet(out: _Sheet, p: pl.Plan) -> None:
    cats = p.categories
    names = [] if cats is None else [str(n) for n in cats["category"]]
    out.header(["期间", "目标（元）", "去年同期（元）", "同比", *[f"{n}（元）" for n in names]],
               [10, 14, 16, 10])
    m = p.months
    month_cols = [f"{p.year}-{k:02d}" for k in range(1, 13)]

    def cat_values(cols: list[str]) -> list[tuple[str, Any]]:
        if cats is None:
            return []
        return [("money", int(cats.loc[i, cols].sum())) for i in cats.index]

    def last_year(rows: pd.DataFrame) -> Decimal | None:
        values = list(rows["last_year_gmv"])
        return None if any(v is None for v in values) else sum(values, Decimal(0))

    def change(now: int, before: Decimal | None) -> float | None:
        return None if not before else float((Decimal(now) - before) / before)

    ly = last_year(m)
    out.line([("text", f"{p.year}年"), ("money", p.annual_target), ("money", ly),
              ("pct", change(p.annual_target, ly)), *cat_values(month_cols)])
    for q in range(1, 5):
        rows = m.loc[m["quarter"] == q]
        ly = last_year(rows)
        out.line([("text", f"Q{q}"), ("money", p.quarters[q - 1]), ("money", ly),
                  ("pct", change(p.quarters[q - 1], ly)),
                  *cat_values(month_cols[(q - 1) * 3:q * 3])])
    for i, r in enumerate(m.to_dict("records")):
        out.line([("text", r["month"]), ("money", int(r["target"])),
                  ("money", r["last_year_gmv"]), ("pct", _none(r["growth"])),
                  *cat_values([month_cols[i]])])
    out.sheet.freeze_panes(1, 1)
    out.skip()
    note = "按类目：" + p.categories_note if cats is not None else p.categories_note
    out.line([("text", note)])


def _days_sheet(out: _Sheet, p: pl.Plan) -> None:
    out.header(["日期", "星期", "支付金额目标（元）", "访客数", "支付订单数", "推广花费（元）",
                "大促", "节假日"], [12, 6, 18, 10, 12, 14, 10, 12])
    for r in pl.daily_targets(p).to_dict("records"):
        d: date = r["day"]
        out.line([("date", d), ("text", WEEKDAYS[d.weekday()]), ("money", r["gmv"]),
                  ("int", _none(r["uv"])), ("int", _none(r["orders"])),
                  ("money", r["ad_spend"]), ("text", r["event"] or None),
                  ("text", r["holiday"] or None)])
    out.sheet.freeze_panes(1, 1)


def _budget_sheet(out: _Sheet, p: pl.Plan) -> None:
    out.header(["月份", "目标（元）", "推广预算（元）", "聚划算费用（元）", "推广费比（含活动）",
                "封顶"], [10, 14, 16, 16, 18, 8])
    m = p.months
    for r in m.to_dict("records"):
        flag = "超限" if r["over_ceiling"] else "是" if r["cap_binds"] else None
        out.line([("text", r["month"]), ("money", int(r["target"])),
                  ("money", int(r["ad_budget"])), ("money", int(r["campaign_fee"])),
                  ("pct", _none(r["promotion_ratio"])), ("text", flag)])
    out.line([("text", "合计"), ("money", p.annual_target), ("money", p.ad_budget_total),
              ("money", p.campaign_fee_total), ("pct", p.promotion_ratio), ("text", None)])
    out.sheet.freeze_panes(1, 1)
    out.skip()
    out.header(["聚划算活动", "月份", "坑位费（元）", "佣金（元）", "合计（元）"])
    for r in p.fees.to_dict("records"):
        out.line([("text", r["event"]), ("text", f"{r['month']}月"), ("money", r["slot_fee"]),
                  ("money", r["commission"]), ("money", r["fee"])])
    if p.fees.empty:
        out.line([("text", "未配置聚划算费用（按 0 计）")])


def _team_sheet(out: _Sheet, p: pl.Plan) -> None:
    t = p.team
    out.header(["岗位", "人数", "月成本（元）", "年成本（元）"], [16, 8, 14, 14])
    for r in t["roles"]:
        out.line([("text", r["role"]), ("int", r["people"]), ("money", r["monthly_cost"]),
                  ("money", r["monthly_cost"] * 12)])
    out.line([("text", f"合计（{t['tier']}）"), ("int", t["headcount"]),
              ("money", t["monthly_cost"]), ("money", t["annual_cost"])])
    out.line([("text", "人力成本占收入"), ("pct", t["cost_ratio"])])
    out.sheet.freeze_panes(1, 1)
    out.skip()
    svc = p.service
    if svc is None:
        out.line([("text", "没有客服绩效数据：客服人数只按收入档位")])
        return
    out.line([("text", "客服（按询单量）"), ("int", svc["year_round"])])
    out.line([("text", "峰值日所需客服"), ("int", svc["peak_agents"])])
    out.line([("text", "每万元询单人数"), ("float", svc["per_10k"])])
    out.line([("text", "每人每天接待询单"), ("float", svc["per_agent"])])
    out.skip()
    out.header(["月份", "预计询单人数", "日均询单", "所需客服"])
    for x in svc["months"]:
        out.line([("text", f"{p.year}-{x['month']:02d}"), ("int", x["inquiries"]),
                  ("float", x["per_day"]), ("int", x["agents"])])


def _scenario_sheet(out: _Sheet, frame: pd.DataFrame | None) -> None:
    out.header(["情景", "增长", "年度目标（元）", "所需访客", "推广预算（元）", "活动费用（元）",
                "推广费比（含活动）", "人员预算（元）", "团队人数", "客服（按询单量）",
                "转化率", "客单价（元）"])
    out.sheet.freeze_panes(1, 1)
    if frame is None:
        return
    for r in frame.to_dict("records"):
        out.line([("text", r["scenario"]), ("pct", r["growth"]),
                  ("money", r["annual_target"]), ("int", _none(r["uv_needed"])),
                  ("money", r["ad_budget"]), ("money", r["campaign_fee"]),
                  ("pct", _none(r["promotion_ratio"])), ("money", r["staff_budget"]),
                  ("int", r["headcount"]), ("int", _none(r["cs_by_inquiry"])),
                  ("pct", _none(r["conversion"])),
                  ("money2", None if r["aov"] is None else float(r["aov"]))])


def show_workbook(path: Path) -> None:
    """Say where the plan workbook was written."""
    show_note(f"计划工作簿 {path.relative_to(paths.home())}：年度目标（季、月、类目）、日目标"
              "（支付金额、访客、订单、推广花费）、预算、团队、情景，供团队自己的表格引用。")
