"""Show the 大促复盘 (campaign post-mortem) sections: one call per notebook cell.

Every money figure goes through ``tables.fmt_money``, every ratio through ``tables.fmt_pct``;
export text (item titles, refund reasons) is escaped by ``tables.html_table``. Charts are built
on ``matplotlib.figure.Figure`` with the theme set by ``report.start``.
"""

from __future__ import annotations

import math
from decimal import Decimal

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from storeops.analysis import campaign as cp
from storeops.report import charts, show_conclusion, show_note, tables

BAND_COLOR = "#adb5bd"
PRESALE_ABSENT = ("预售定金/尾款无法单列：订单没有预售标记（订单报表没有导出「预售订单」"
                  "「分阶段订单信息」「定金排名」等列，或期间没有预售订单），"
                  "定金和尾款订单按付款时间算在上面的合计里。")
STAGE_COLORS = {"定金": "#f08c00", "尾款": "#2f9e44", "全款预售": "#7048e8"}
PHASE_COLORS = {cp.PREHEAT: "#fff3bf", cp.MAIN: "#ffe3e3", cp.TAIL: "#e7f5ff"}


def _money(x: Decimal | None) -> str:
    return tables.fmt_money(x)


def _signed(x: Decimal | None) -> str:
    if x is None:
        return tables.MISSING
    return ("+" if x > 0 else "") + tables.fmt_money(x)


def _show(frame: pd.DataFrame, *, caption: str | None = None) -> None:
    tables.show_html(tables.html_table(frame, caption=caption,
                                       align_right=set(frame.columns[1:])))


# ---------------------------------------------------------------- 结论


def show_summary(w: cp.Windows, up: cp.Uplift | None, c: cp.Costs | None) -> None:
    """Show the verdict and the headline figures of the campaign."""
    lines = [cp.verdict(up, c)]
    if up is not None:
        lines.append(f"实际支付金额 {_money(up.actual_gmv)}，基线（没有大促时的预期） "
                     f"{_money(up.baseline_gmv)}，增量 {_signed(up.incremental_gmv)}；"
                     f"扣除多出的退款后净增量 {_signed(up.net_incremental)}。")
    if c is not None:
        roi = fmt_roi(c.roi)
        lines.append(f"增量毛利 {_money(c.gross_profit)}（毛利率 {tables.fmt_pct(c.margin)}），"
                     f"增量成本 {_money(c.campaign_cost)}，投入产出比 {roi}，"
                     f"增量利润 {_signed(c.net_profit)}。")
    if w.open_days:
        lines.append(f"注意：窗口还有 {w.open_days} 天未结束或没有数据，只统计到 "
                     f"{w.cutoff.isoformat()}。")
    show_conclusion(lines)


# ---------------------------------------------------------------- 窗口与基线


def show_windows(w: cp.Windows, b: cp.Baseline) -> None:
    """Show the windows and how the baseline days were chosen."""
    rows = [(phase, f"{first:%m-%d}–{last:%m-%d}", (last - first).days + 1)
            for phase, first, last in w.phases()]
    frame = pd.DataFrame(rows, columns=["阶段", "日期", "天数"])
    show_note(f"{w.name}：日期来自{w.source}；余温期为活动后{cp.TAIL_DAYS}天。")
    tables.show_html(tables.html_table(frame))
    if not b.ok:
        show_note("预热开始前找不到可比的正常日：订单数据不够早，或那段时间都是节假日/其他活动。")
        return
    reasons: dict[str, int] = {}
    for _, why in b.skipped:
        reasons[why] = reasons.get(why, 0) + 1
    skipped = "、".join(f"{k} {v} 天" for k, v in reasons.items()) or "无"
    short = f"（想要 {b.wanted} 天，订单数据只够这些）" if len(b.days) < b.wanted else ""
    show_note(f"基线：预热前 {len(b.days)} 个可比日{short}，{b.days[0]:%m-%d} 至 "
              f"{b.days[-1]:%m-%d}；每个大促日的基线 = 同星期几的可比日的平均，"
              f"灰色带为它们的四分位区间。跳过的日子：{skipped}。")


# ---------------------------------------------------------------- 增量


def uplift_chart(days: pd.DataFrame, *, title: str = "每日支付金额：实际 vs 基线",
                 ax: Axes | None = None) -> Figure:
    """
    Draw actual daily GMV over the baseline and its band, with the windows shaded.

    Parameters
    ----------
    days : DataFrame
        From ``analysis.campaign.incremental_days``: ``day``, ``phase``, ``gmv``,
        ``baseline`` (元), ``low``, ``high`` (the band, 元).
    title : str
        Chart title.
    ax : Axes or None
        Draw into this axes; by default a new figure.

    Returns
    -------
    Figure
        The figure drawn on.
    """
    if ax is None:
        ax = Figure(figsize=charts.FIGSIZE, layout="constrained").subplots()
    x = pd.to_datetime(days["day"])
    for phase, color in PHASE_COLORS.items():
        picked = x[days["phase"] == phase]
        if not picked.empty:
            half = pd.Timedelta(hours=12)
            ax.axvspan(picked.min() - half, picked.max() + half, color=color, alpha=0.8, lw=0,
                       label=phase)
    ax.fill_between(x, days["low"].astype(float), days["high"].astype(float),
                    color=BAND_COLOR, alpha=0.5, lw=0, label="基线区间")
    ax.plot(x, days["baseline"].map(float), color="#495057", ls="--", lw=1.4, label="基线")
    ax.plot(x, days["gmv"].map(float), color=charts.LINE_COLOR, lw=2.2, marker="o", ms=3,
            label="实际")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(charts.yuan_formatter(ax))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=6))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
    ax.figure.legend(loc="outside lower center", ncol=5, fontsize="small", frameon=False)
    ax.set(title=title, xlabel="", ylabel="")
    return ax.figure


def show_uplift(up: cp.Uplift | None) -> None:
    """Show GMV vs baseline by window, the chart by day, and orders / CR / AOV vs baseline."""
    if up is None:
        show_note("没有基线，无法计算增量。")
        return
    gmv = pd.DataFrame({
        "阶段": [p.phase for p in up.phases],
        "实际": [_money(p.gmv) for p in up.phases],
        "基线": [_money(p.baseline_gmv) for p in up.phases],
        "增量": [_signed(p.incremental) for p in up.phases],
        "增幅": [tables.fmt_change(p.uplift) for p in up.phases],
    })
    _show(gmv, caption="支付金额")
    show_note("各阶段增量相加等于合计（精确到分）。")
    charts.show(uplift_chart(up.days))
    if up.preheat_dip is not None:
        show_note(f"预热期低于基线 {_money(-up.preheat_dip)}：买家在等大促，已从增量中扣除。")
    if up.hangover is not None:
        show_note(f"活动后{cp.TAIL_DAYS}天低于基线 {_money(-up.hangover)}：大促透支了之后的需求，"
                  "已从增量中扣除。")
    has_uv = any(p.uv is not None for p in up.phases)

    def vs(now: str, base: str) -> str:
        return f"{now}（{base}）"

    eff = pd.DataFrame({
        "阶段": [p.phase for p in up.phases],
        "订单数": [vs(tables.fmt_int(p.paid_orders), tables.fmt_int(p.baseline_orders))
                for p in up.phases],
        "访客数": [vs(tables.fmt_int(p.uv), tables.fmt_int(
            None if p.base_uv_per_day is None else p.base_uv_per_day * p.days))
            for p in up.phases],
        "转化率": [vs(tables.fmt_pct(p.conversion, decimals=2),
                    tables.fmt_pct(p.base_conversion, decimals=2)) for p in up.phases],
        "客单价": [vs(tables.fmt_money(p.aov), tables.fmt_money(p.base_aov))
                for p in up.phases],
    })
    if not has_uv:
        eff = eff.drop(columns=["访客数", "转化率"])
    _show(eff, caption="实际（括号内为基线）")
    show_note("访客数为每日访客之和；转化率 = 每日支付买家数之和 ÷ 每日访客数之和。")
    if not has_uv:
        show_note("无流量数据：没有覆盖这些日子的生意参谋店铺日报，访客数和转化率不显示。")


# ---------------------------------------------------------------- 成本与 ROI


def show_costs(c: cp.Costs | None) -> None:
    """Show ad spend by channel and window, the cost build-up, ROI and 推广费比."""
    if c is None:
        show_note("没有基线，无法计算增量成本和投入产出比。")
        return
    if c.ads is not None:
        frame = pd.DataFrame({"渠道": c.ads["channel"],
                              **{p: [_money(v) for v in c.ads[p]] for p in cp.PHASES},
                              "合计": [_money(v) for v in c.ads["total"]]})
        _show(frame, caption=f"推广花费（按点击日，{c.ad_window_days}天归因窗口的报表）")
    else:
        show_note("大促窗口内没有推广报表：推广花费按 0 计，上传万相台/直通车报表后重跑。")
    rows = [
        ("增量支付金额", _signed(c.incremental_gmv)),
        ("折扣让利（标价−实付）", _money(c.discount)),
        ("让利率（平时）",
         f"{tables.fmt_pct(c.discount_rate)}（{tables.fmt_pct(c.base_discount_rate)}）"),
        ("多出平时的让利", _money(c.extra_discount)),
        ("推广花费", _money(c.ad_spend)),
        ("算作大促的推广花费", _money(c.extra_ads)),
        ("淘宝客佣金", _money(c.taoke)),
        ("增量成本合计", _money(c.campaign_cost)),
        ("增量毛利", _money(c.gross_profit)),
        ("增量利润（毛利−成本）", _signed(c.net_profit)),
        ("投入产出比（毛利÷成本）", fmt_roi(c.roi)),
        ("推广费比", f"{tables.fmt_pct(c.ad_cost_ratio)}（上限 "
                  f"{tables.fmt_pct(c.ceiling, decimals=0)}）"),
    ]
    tables.show_html(tables.html_table(pd.DataFrame(rows, columns=["项目", "金额"]),
                                       align_right={"金额"}))
    notes = ["增量毛利 = (增量支付金额 + 多出的让利) × 毛利率 "
             f"{tables.fmt_pct(c.margin)}，即按平时价格计的毛利；",
             "增量成本 = 多出的让利 + 推广 + 淘宝客。"]
    if c.discount is None:
        notes.append("没有宝贝报表，无法计算标价与实付之差，让利按 0 计。")
    notes.append("推广花费已扣除平时每天的花费。" if c.ad_normal is not None else
                 "基线期没有推广报表，窗口内全部推广花费都算作大促成本（偏保守）。")
    if c.taoke is None:
        notes.append("没有淘宝客佣金数据（生意参谋店铺日报的淘宝客佣金列）。")
    show_note("".join(notes))
    if c.discount is not None and c.discount_orders < c.orders:
        show_note(f"让利只按有宝贝明细的 {c.discount_orders:,} / {c.orders:,} 单计算。")
    over = c.ad_cost_ratio is not None and c.ad_cost_ratio > c.ceiling
    show_note(("推广费比超过上限：" if over else "推广费比在上限内。")
              + "投入产出比大于 1 表示大促的增量毛利盖过了让利和推广。")


# ---------------------------------------------------------------- 小时曲线


def hours_chart(frame: pd.DataFrame, *, title: str, presale: pd.DataFrame | None = None,
                ax: Axes | None = None) -> Figure:
    """
    Draw GMV by hour of the main day as bars with a normal day's mean as a line.

    Parameters
    ----------
    frame : DataFrame
        ``hour`` 0–23, ``gmv`` and ``normal_gmv`` (元).
    title : str
        Chart title.
    presale : DataFrame or None
        ``Hours.presale``: ``hour`` plus one column per presale stage (元), drawn as lines
        (the bars already include them).
    ax : Axes or None
        Draw into this axes; by default a new figure.
    """
    if ax is None:
        ax = Figure(figsize=charts.FIGSIZE, layout="constrained").subplots()
    ax.bar(frame["hour"], frame["gmv"].map(float), color=charts.LINE_COLOR, width=0.8,
           label="大促日")
    ax.plot(frame["hour"], frame["normal_gmv"].map(float), color=charts.HIGHLIGHT_COLOR,
            lw=2, marker="o", ms=3, label="平时日均")
    if presale is not None:
        for stage in presale.columns[1:]:
            ax.plot(presale["hour"], presale[stage].map(float), lw=1.6, ls="--",
                    color=STAGE_COLORS.get(stage, "#495057"), label=f"其中{stage}")
    ax.set_xticks(range(0, 24, 3))
    ax.set_xlim(-0.6, 23.6)
    ax.yaxis.set_major_formatter(charts.yuan_formatter(ax))
    ax.legend(loc="upper right", fontsize="small")
    ax.set(title=title, xlabel="付款小时", ylabel="")
    return ax.figure


def show_hours(h: cp.Hours | None) -> None:
    """Show the main day's GMV by hour vs a normal day and the first-hour share."""
    if h is None:
        show_note("正式期没有数据，无法画小时曲线。")
        return
    charts.show(hours_chart(h.frame, title=f"{h.day:%m-%d} 各小时支付金额 vs 平时",
                            presale=h.presale))
    show_note(f"{h.day:%m-%d} 第一个小时（0 点）成交占全天 {tables.fmt_pct(h.first_hour_share)}，"
              f"最高峰在 {h.peak_hour} 点；平时为基线 {h.normal_days} 天的每小时平均。"
              "时间为北京时间。")
    if h.presale_summary is None:
        show_note(PRESALE_ABSENT)
        return
    ps = h.presale_summary
    frame = pd.DataFrame({
        "预售阶段": ps["stage"],
        "支付金额": [_money(v) for v in ps["gmv"]],
        "订单数": [tables.fmt_int(v) for v in ps["paid_orders"]],
        "占全天": [tables.fmt_pct(v) for v in ps["day_share"]],
        "0 点占比": [tables.fmt_pct(v) for v in ps["first_hour_share"]],
    })
    _show(frame, caption=f"{h.day:%m-%d} 的预售订单（按付款时间）")
    show_note("预售订单按分阶段订单信息分为定金（只付了定金）、尾款（尾款已付）和全款预售；"
              "它们已算在上面的柱子里，虚线单独画出。尾款按付尾款的时间计入支付金额。")


# ---------------------------------------------------------------- 买家


def show_buyers(b: cp.Buyers | None) -> None:
    """Show new vs returning buyers, their AOV, and how many new buyers bought again."""
    if b is None:
        show_note("订单导出不含买家会员名（或已脱敏），无法区分新老客。")
        return
    frame = pd.DataFrame({
        "买家": ["新客（首次购买在大促期间）", "老客"],
        "人数": [tables.fmt_int(b.new), tables.fmt_int(b.returning)],
        "占比": [tables.fmt_pct(b.new_share),
               tables.fmt_pct(None if b.new_share is None else 1 - b.new_share)],
        "支付金额": [_money(b.new_gmv), _money(b.returning_gmv)],
        "客单价": [tables.fmt_money(b.new_aov), tables.fmt_money(b.returning_aov)],
    })
    _show(frame, caption="大促买家（预热期到正式期结束付款）")
    if b.repurchase:
        rows = [(f"{r.days} 天内",
                 tables.fmt_int(r.bought_again) + ("" if r.complete else "（至今）"),
                 tables.fmt_pct(r.rate),
                 "已满" if r.complete else f"还差 {r.days_to_come} 天")
                for r in b.repurchase]
        _show(pd.DataFrame(rows, columns=["复购", "人数", "占新客", "观察期"]),
              caption="大促新客在正式期结束后的再次购买")
        if not all(r.complete for r in b.repurchase):
            seen = max(r.observed_days for r in b.repurchase)
            show_note(f"正式期结束后数据只有 {seen} 天：观察期未满的复购人数只统计到报告日，"
                      "之后还会增加；观察期满后重跑本报告。")
    show_note(f"订单历史从预热前 {b.history_days} 天开始，更早买过的老客会被算作新客。")


# ---------------------------------------------------------------- 商品


def show_items(it: cp.Items | None, so: cp.StockOuts | None = None,
               pc: cp.PriceCuts | None = None, *, top: int = 10) -> None:
    """Show the SKU Pareto and the top SKUs, the SKUs that sold out, and the deepest price cuts."""
    _show_pareto(it, top=top)
    show_stock_outs(so)
    show_price_cuts(pc)


def _show_pareto(it: cp.Items | None, *, top: int) -> None:
    if it is None:
        show_note("没有宝贝报表（订单明细），无法按商品分析：上传宝贝报表后重跑。")
        return
    head = it.frame.head(top)
    frame = pd.DataFrame({
        "商品": head["title"], "SKU": head["item_key"],
        "件数": [tables.fmt_int(v) for v in head["qty"]],
        "支付金额": [_money(v) for v in head["gmv"]],
        "累计占比": [tables.fmt_pct(v) for v in head["cum_share"]],
    })
    tables.show_html(tables.html_table(frame, align_right={"件数", "支付金额", "累计占比"},
                                       caption=f"支付金额前 {top} 的 SKU"))
    show_note(f"订单实付按标价×件数分摊到各 SKU。共 {it.items:,} 个 SKU 有成交，"
              f"{it.items_80:,} 个贡献了 80% 的支付金额；"
              f"前 20% 的 SKU 占 {tables.fmt_pct(it.top20_share)}。")


def show_stock_outs(so: cp.StockOuts | None, *, top: int = 10) -> None:
    """Show the SKUs whose sellable stock hit 0 from the pre-heat to the tail end."""
    if so is None:
        show_note("没有覆盖大促窗口的库存快照（ERP 商品库存导出），无法判断断货：每天导出一次"
                  "商品库存并导入后重跑。")
        return
    span = f"{so.first:%m-%d}–{so.last:%m-%d}"
    if so.frame.empty:
        show_note(f"{span} 的 {so.snapshot_days} 天库存快照里没有 SKU 的可用库存降到 0。")
        return
    head = so.frame.head(top)
    frame = pd.DataFrame({
        "SKU": head["sku_code"],
        "商品": [f"{n} {s or ''}".strip() for n, s in zip(head["name"], head["spec"],
                                                         strict=True)],
        "断货→补货": [f"{d:%m-%d}" + ("（活动前已断）" if before else "") + "→"
                   + (f"{back:%m-%d}" if back else "仍缺货")
                   for d, before, back in zip(head["sold_out_day"], head["out_before"],
                                              head["back_day"], strict=True)],
        "天数": [tables.fmt_int(v) for v in head["zero_days"]],
        "排名": [tables.fmt_int(v) for v in head["gmv_rank"]],
    })
    tables.show_html(tables.html_table(frame, align_right={"天数", "排名"},
                                       caption=f"断货的 SKU（可用库存 ≤ 0，{span}）"))
    show_note(f"{so.snapshot_days} 天库存快照中共 {len(so.frame):,} 个 SKU 断过货；"
              "排名为该 SKU 在预热期到正式期的支付金额排名（— 表示期间没有成交）；"
              "天数为可用库存 ≤ 0 的快照天数。")


def show_price_cuts(pc: cp.PriceCuts | None, *, top: int = 8) -> None:
    """Show the items whose average paid price fell most in the main window, with their uplift."""
    if pc is None:
        show_note("没有基线或宝贝报表，无法比较商品的活动价与平时价。")
        return
    if pc.frame.empty:
        show_note(f"没有商品在基线期卖出 {cp.PRICE_CUT_MIN_UNITS} 件以上且在正式期有成交，"
                  "无法比较价格。")
        return
    head = pc.frame.head(top)
    frame = pd.DataFrame({
        "商品": head["title"],
        "平时价": [_money(v) for v in head["base_price"]],
        "活动价": [_money(v) for v in head["main_price"]],
        "降价": [tables.fmt_pct(v) for v in head["cut"]],
        "件数（预期）": [f"{u:,}（{e:,.0f}）" for u, e in zip(head["units"],
                                                      head["expected_units"], strict=True)],
        "多卖": [tables.fmt_change(v) for v in head["uplift"]],
    })
    tables.show_html(tables.html_table(frame, align_right=set(frame.columns[1:]),
                                       caption=f"降价最多的 {len(head)} 个商品（正式期 vs 平时）"))
    show_note(f"价格 = 实付（按标价分摊到商品）÷ 件数；平时为基线 {pc.base_days} 天，"
              f"预期件数 = 平时日均件数 × 正式期 {pc.main_days} 天。共比较 {pc.compared:,} 个"
              f"基线期卖出 ≥ {cp.PRICE_CUT_MIN_UNITS} 件的商品。")


# ---------------------------------------------------------------- 退款尾巴


def show_refunds(rt: cp.RefundTail | None) -> None:
    """Show the campaign orders' refund rate vs baseline, the 7/15/30-day curve and reasons."""
    if rt is None:
        show_note("没有基线，无法对比退款率。")
        return
    rows = [("大促订单支付金额", _money(rt.gmv)),
            ("已退款金额", _money(rt.refund_amount)),
            ("退款率", f"{tables.fmt_pct(rt.rate)}（平时 {tables.fmt_pct(rt.base_rate)}）"),
            ("净支付金额", _money(rt.gmv - rt.refund_amount))]
    if rt.curve is not None:
        rows += [(f"付款后 {d} 天内申请的退款占比", tables.fmt_pct(v))
                 for d, v in rt.curve.items()]
    tables.show_html(tables.html_table(pd.DataFrame(rows, columns=["项目", "数值"]),
                                       align_right={"数值"}))
    if rt.curve is None:
        show_note("没有退款单导出，无法按付款后天数看退款曲线。")
    if rt.presale is None:
        show_note(PRESALE_ABSENT)
    else:
        ps = rt.presale
        frame = pd.DataFrame({
            "预售阶段": ps["stage"],
            "订单数": [tables.fmt_int(v) for v in ps["paid_orders"]],
            "支付金额": [_money(v) for v in ps["gmv"]],
            "退款率": [tables.fmt_pct(v) for v in ps["rate"]],
            "30 天内": [tables.fmt_pct(v) for v in ps["curve_30"]],
        })
        if all(v is None for v in ps["curve_30"]):
            frame = frame.drop(columns=["30 天内"])
        _show(frame, caption="其中预售订单（定金/尾款）的退款")
        show_note("预售订单已包含在上面的大促订单里；退款率 = 订单报表的退款金额 ÷ 支付金额，"
                  "30 天内 = 付款后 30 天内申请的退款占该阶段的支付金额。")
    if rt.open_days:
        show_note(f"退款期还没结束：最后一个大促日的订单还有 {rt.open_days} 天可申请退款，"
                  "退款率还会上升。")
    if rt.reasons is not None:
        frame = pd.DataFrame({"原因": rt.reasons["reason"],
                              "退款金额": [_money(v) for v in rt.reasons["refund_amount"]],
                              "笔数": [tables.fmt_int(v) for v in rt.reasons["refunds"]]})
        tables.show_html(tables.html_table(frame, align_right={"退款金额", "笔数"},
                                           caption="主要退款原因"))


# ---------------------------------------------------------------- 发货


def show_shipping(sh: cp.Shipping | None) -> None:
    """Show the share of campaign orders shipped within 24/48/72 h and those later."""
    if sh is None:
        show_note("订单导出没有发货时间，无法统计发货时效：导出订单报表时勾选“发货时间”。")
        return
    rows = [(f"{h} 小时内发货", tables.fmt_pct(sh.share(h)),
             tables.fmt_int(getattr(sh, f"within_{h}h"))) for h in (24, 48, 72)]
    rows.append(("超过 72 小时", tables.fmt_pct(
        None if not sh.shipped else sh.late_72h / sh.shipped), tables.fmt_int(sh.late_72h)))
    frame = pd.DataFrame(rows, columns=["发货时效", "占已发货", "单数"])
    show_note(f"大促订单 {sh.paid_orders:,} 单，有发货时间的 {sh.shipped:,} 单。")
    _show(frame)


# ---------------------------------------------------------------- 竞品


def show_competitors(comp: cp.Competitors | None) -> None:
    """Show competitor items' 交易指数 before and during the campaign, and our price position."""
    if comp is None:
        show_note("没有覆盖大促窗口的生意参谋竞品数据：在 竞争 → 竞品分析 导出监控竞品的日数据"
                  "并导入后重跑。")
        return
    f = comp.frame
    frame = pd.DataFrame({
        "竞品": [f"{t}（{s}）" if s else t for t, s in zip(f["title"], f["shop"], strict=True)],
        "预热前": [_index(v) for v in f["before_index"]],
        "窗口均值": [_index(v) for v in f["window_index"]],
        "变化": [tables.fmt_change(v) for v in f["change"]],
        "排名": [f"{_rank(a)}→{_rank(b)}" for a, b in zip(f["before_rank"],
                                                               f["best_rank"], strict=True)],
    })
    tables.show_html(tables.html_table(frame, align_right=set(frame.columns[1:]),
                                       caption="竞品交易指数：预热前最后一天 vs 大促窗口"))
    show_note(f"排名为预热前→窗口内最好的热销排名。"
              f"交易指数由生意参谋按支付金额拟合，不是金额，只能和自己比；窗口内有 "
              f"{comp.window_days} 天快照。")
    _show_rival_prices(comp)


def _show_rival_prices(comp: cp.Competitors) -> None:
    """Show the competitors' price before vs in the main window, and our price position."""
    f = comp.frame
    if not comp.has_prices or f["main_price"].isna().all():
        show_note("我们的价格位置：竞品导出没有价格列（价格 / 一口价），无法比较我们与竞品的"
                  "成交价：在竞品分析里勾选价格后重新导出。")
        return
    priced = f.loc[f["main_price"].notna()]
    frame = pd.DataFrame({
        "竞品": priced["title"],
        "预热前": [tables.fmt_money(v, decimals=2) for v in priced["before_price"]],
        "正式期": [tables.fmt_money(v, decimals=2) for v in priced["main_price"]],
        "变化": [tables.fmt_change(v) for v in priced["price_change"]],
    })
    tables.show_html(tables.html_table(frame, align_right=set(frame.columns[1:]),
                                       caption="竞品价格：预热前最后一天 vs 正式期均价"))
    if comp.price_position is None:
        show_note(f"竞品正式期均价 {tables.fmt_money(comp.rival_price, decimals=2)}；我们在正式期"
                  "没有价位可比的商品成交（或没有宝贝报表），无法给出价格位置。")
        return
    side = "高" if comp.price_position > 0 else "低"
    show_note(f"我们的价格位置：正式期我们价位可比的 {comp.our_items:,} 个商品成交均价 "
              f"{tables.fmt_money(comp.our_price, decimals=2)}，竞品均价 "
              f"{tables.fmt_money(comp.rival_price, decimals=2)}，我们{side} "
              f"{abs(comp.price_position) * 100:.1f}%。成交均价 = 实付（按标价分摊）÷ 件数；"
              "价位可比 = 均价在最便宜竞品的一半到最贵竞品的两倍之间。")


def _index(v: float | None) -> str:
    return tables.MISSING if v is None else f"{v:,.0f}"


def _rank(v: int | None) -> str:
    return "—" if v is None else str(v)


def fmt_roi(roi: float | None) -> str:
    """Format a ROI as a plain number with two decimals (``1.48``); ``—`` when missing."""
    return "—" if roi is None or math.isnan(roi) else f"{roi:.2f}"
