"""Show the customers report (lifecycle, RFM, 复购, cohorts, recall lists); write the recall CSV.

Every ``show_*`` takes a result of :mod:`storeops.analysis.customers` and shows nothing when it
is None (no buyer keys: :func:`show_identity` has already said why), so a store whose order
exports carry no 买家会员名 gets one clear sentence instead of empty sections.

Each recall list with buyer keys and order ids goes to a private CSV,
``reports/<store>/<date>/private/recall_<list>.csv`` (UTF-8 with BOM, owner-only permissions);
the index pages list only the files of the day folder itself, so the private folder is never
linked, and the HTML shows only counts and masked examples and never names those files.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from storeops import contacts, paths
from storeops.analysis import customers as cust
from storeops.report import charts, tables

logger = logging.getLogger(__name__)

REPURCHASE_LABEL = "复购率（近365天：≥2笔有效支付订单的买家 ÷ 有有效支付订单的买家）"
"""Display label of the 复购率 this report uses; the definition is in the label."""

REPURCHASE_DOC = ("近365天（含报告日）内有≥2笔有效支付订单的买家数 ÷ 有≥1笔的买家数；"
                  "有效支付订单 = 有买家编号、已付款、未全额退款的订单")
"""Plain-words formula of 复购率 (for metrics.py: unit %, kind ratio, source orders)."""

IDENTITY_MISSING = ("客户分析需要订单导出中的「买家会员名」：当前订单报表不含买家会员名"
                    "（或已在导出时脱敏），无法识别同一买家，本报告到此为止。"
                    "请在千牛导出订单报表时勾选“买家会员名”，重新导入后再运行。")
"""The sentence shown (and the only content) when no paid order carries a buyer key."""

STATE_COLORS = {"active": "#2b8a3e", "sleeping": "#f08c00", "lost": "#868e96"}

FORMULA_START = tables.FORMULA_START
"""A cell starting with one of these is read as a formula by spreadsheets (CSV injection)."""

CSV_COLUMNS = {
    "list": "名单",
    "buyer_key": "买家编号",
    "buyer_nick": "买家会员名",
    "receiver_name": "收货人",
    "receiver_phone": "手机",
    "receiver_province": "省份",
    "receiver_city": "城市",
    "last_order_id": "最近订单编号",
    "last_paid_at": "最近付款时间",
    "last_amount": "最近订单金额",
    "days_since": "距今天数",
    "orders": "近365天有效订单数",
    "gmv": "近365天支付金额",
    "orders_ever": "累计有效订单数",
}
"""Private recall CSV columns: canonical name -> header (UTF-8 with BOM, opens in Excel)."""

EXAMPLES = 3
"""Masked example rows shown per recall list."""

FIRST_REPURCHASE_DOC = ("首次有效支付在 {start} 至 {end} 的新客中，首单后 {within} 天内"
                        "（按付款日计，第 {within} 天当天仍算）有第二笔有效支付订单的比例；"
                        "“首次”指仓库里该买家最早的一笔有效支付订单")
"""Plain-words definition of 新客90天复购率 (formatted with the window)."""

NEW_COLOR, RETURNING_COLOR = "#4dabf7", "#1864ab"

GAP_BIN_DAYS, GAP_CAP_DAYS = 14, 182
"""Days-to-second-order chart: bin width and the start of the last, open bin (天)."""

TOP_ITEMS_SHOWN = 8
"""Items shown per item table (first-order items, repurchase items)."""


# ---------------------------------------------------------------- helpers


def _signed(n: int | None) -> str:
    if n is None:
        return tables.MISSING
    if n > 0:
        return f"▲ +{n:,}"
    if n < 0:
        return f"▼ {tables.MINUS}{-n:,}"
    return "0"


def masked_key(key: str | None) -> str:
    """Show a buyer key as its first 6 characters and ``…`` (a hash, yet not the whole id)."""
    return "" if tables.is_missing(key) else f"{str(key)[:6]}…"


def masked_order_id(order_id: str | None) -> str:
    """Show an order number as its first 4 and last 4 digits: ``2345****7890``."""
    if tables.is_missing(order_id):
        return ""
    text = str(order_id)
    return f"{text[:4]}****{text[-4:]}" if len(text) > 8 else "****"


def show_heading(text: str, result: object) -> None:
    """Show a section heading, unless the section's result is None (no buyer keys)."""
    if result is not None:
        tables.show_html(f"<h2>{tables.escape(text)}</h2>")


def _note(text: str) -> None:
    tables.show_html(f'<p class="so-note">{tables.escape(text)}</p>')


# ---------------------------------------------------------------- sections


def show_identity(ident: cust.Identity) -> None:
    """Say that customer analysis needs 买家会员名 (no keys), or how many orders lack one."""
    if not ident.ok:
        tables.show_html(f'<p class="so-note"><strong>{tables.escape(IDENTITY_MISSING)}'
                         "</strong></p>")
        return
    if ident.keyed_orders < ident.paid_orders:
        missing = ident.paid_orders - ident.keyed_orders
        _note(f"有 {missing:,} 笔已付款订单没有买家会员名（导出时脱敏），不计入客户分析"
              f"（已识别 {tables.fmt_pct(ident.keyed_share)} 的订单）。")


def conclusion(life: cust.Lifecycle | None, rep: cust.Repurchase | None,
               calls: cust.Recall | None,
               first: cust.FirstRepurchase | None = None) -> list[str]:
    """Return the conclusion sentences (plain text, Chinese); empty without buyer keys."""
    if life is None:
        return []
    lines = [
        f"活跃客户 {life.now['active']:,} 人（{_signed(life.change('active'))}），"
        f"沉睡 {life.now['sleeping']:,} 人（{_signed(life.change('sleeping'))}），"
        f"流失 {life.now['lost']:,} 人（{_signed(life.change('lost'))}）；括号内为较 "
        f"{life.before.isoformat()} 的变化。",
    ]
    if rep is not None:
        lines.append(f"{REPURCHASE_LABEL}：{tables.fmt_pct(rep.rate)}"
                     f"（{rep.repeat_buyers:,} / {rep.buyers:,} 人）。")
    if first is not None and first.buyers:
        lines.append(f"新客{first.within_days}天复购率 {tables.fmt_pct(first.rate)}"
                     f"（首单在 {first.first_start:%m-%d} 至 {first.first_end:%m-%d} 的 "
                     f"{first.buyers:,} 位新客中 {first.repeat_buyers:,} 位已回购）。")
    lines.append(f"沉睡客户近365天支付金额 {tables.fmt_money(life.value_at_risk)}：再过 "
                 f"{life.lost_days - life.sleeping_days} 天内不回购就会转为流失，"
                 "这是可挽回的价值。")
    if calls is not None:
        lines.append(f"本周召回：刚转入沉睡 {calls.count('entering_sleeping'):,} 人，"
                     f"高价值沉睡 {calls.count('sleeping_high_value'):,} 人，"
                     f"首单25–30天未复购 {calls.count('first_order_25_30'):,} 人；"
                     "小批量、分人群用短信、旺旺或优惠券唤醒。")
    return lines


def show_conclusion(life: cust.Lifecycle | None, rep: cust.Repurchase | None,
                    calls: cust.Recall | None,
                    first: cust.FirstRepurchase | None = None) -> None:
    """Show the conclusion as a short list (nothing without buyer keys)."""
    lines = conclusion(life, rep, calls, first)
    if lines:
        items = "".join(f"<li>{tables.escape(line)}</li>" for line in lines)
        tables.show_html(f'<ul class="so-conclusion">{items}</ul>')


def flows_chart(life: cust.Lifecycle) -> Figure:
    """
    Draw where the buyers of each state 30 days ago are now, as 100 % stacked horizontal bars.

    Each bar is one state before (新客 = first effective order within the 30 days), split by
    today's state; the bar's label carries its buyers (人).
    """
    ax = Figure(figsize=(7.2, 3.4), layout="constrained").subplots()
    order = [s for s in ("new", *cust.STATES) if (life.flows["state_before"] == s).any()]
    table = (life.flows.pivot_table(index="state_before", columns="state_now", values="buyers",
                                    aggfunc="sum", fill_value=0)
             .reindex(index=order, columns=list(cust.STATES), fill_value=0))
    totals = table.sum(axis=1)
    shares = table.div(totals.where(totals > 0, 1), axis=0)
    labels = [f"{cust.STATE_LABELS[s]}\n{int(totals[s]):,}人" for s in order]
    ys = np.arange(len(order))[::-1]
    left = np.zeros(len(order))
    for state in cust.STATES:
        width = shares[state].to_numpy()
        ax.barh(ys, width, left=left, color=STATE_COLORS[state], height=0.6,
                label=f"现{cust.STATE_LABELS[state]}")
        for y, x0, w in zip(ys, left, width, strict=True):
            if w >= 0.09:
                ax.text(x0 + w / 2, y, f"{w * 100:.0f}%", ha="center", va="center",
                        color="white", fontsize="small")
        left = left + width
    ax.set_yticks(ys, labels)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _p: f"{v * 100:.0f}%")
    ax.set(title=f"30天前各状态的客户现在在哪（{life.before:%m-%d} → {life.day:%m-%d}）",
           xlabel="", ylabel="")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False)
    return ax.figure


def show_lifecycle(life: cust.Lifecycle | None) -> None:
    """Show active / sleeping / lost now and 30 days before, and the flows between states."""
    if life is None:
        return
    s, lo = life.sleeping_days, life.lost_days
    rule = {"active": f"≤{s}天", "sleeping": f"{s + 1}–{lo}天", "lost": f">{lo}天"}
    frame = pd.DataFrame({
        "状态": [f"{cust.STATE_LABELS[k]}（{rule[k]}）" for k in cust.STATES],
        "人数": [life.now[k] for k in cust.STATES],
        "30天前": [life.then[k] for k in cust.STATES],
        "变化": [_signed(life.change(k)) for k in cust.STATES],
    })
    tables.show_html(tables.html_table(
        frame, formats={"人数": tables.fmt_int, "30天前": tables.fmt_int},
        align_right={"变化"}))
    _note("按最近一次有效支付订单距报告日的天数分组（阈值在 stores.toml 按店铺设置）；"
          "有效支付订单 = 已付款且未全额退款。")
    charts.show(flows_chart(life))


def show_rfm(segs: cust.Rfm | None) -> None:
    """Show the eight RFM segments: buyers, GMV share, AOV per order and spend per buyer."""
    if segs is None:
        return
    hi = {True: "高", False: "低"}
    frame = pd.DataFrame({
        "分层": segs.segments["segment"],
        "R·F·M": [f"{hi[r]}{hi[f]}{hi[m]}" for r, f, m in
                  zip(segs.segments["r_high"], segs.segments["f_high"], segs.segments["m_high"],
                      strict=True)],
        "人数": segs.segments["buyers"],
        "支付金额占比": segs.segments["gmv_share"],
        "客单价（按订单）": segs.segments["aov"],
        "人均支付金额": segs.segments["per_buyer"],
    })
    tables.show_html(tables.html_table(
        frame, formats={"人数": tables.fmt_int, "支付金额占比": tables.fmt_pct,
                        "客单价（按订单）": lambda v: tables.fmt_money(v, decimals=2),
                        "人均支付金额": tables.fmt_money},
        align_right={"客单价（按订单）"},
        caption=f"近{segs.window_days}天买家 {segs.buyers:,} 人"))
    _note(f"R·F·M 各按五分位打 1–5 分，≥{segs.high_score} 分为“高”。"
          "R=最近一次购买距今天数（越近越高），F=有效支付订单数，M=支付金额。"
          "重要价值保持服务；重要唤回、重要挽留优先召回；重要深耕推荐关联商品；"
          "一般深耕多为新客，用二次购买优惠券促复购。")


def show_repurchase(rep: cust.Repurchase | None) -> None:
    """Show 复购率 with its definition and its parts."""
    if rep is None:
        return
    frame = pd.DataFrame([
        ("有购买的买家（≥1笔）", tables.fmt_int(rep.buyers)),
        ("复购买家（≥2笔）", tables.fmt_int(rep.repeat_buyers)),
        ("复购率", tables.fmt_pct(rep.rate)),
    ], columns=["项目", "数值"])
    tables.show_html(tables.html_table(frame, align_right={"数值"}))
    _note(f"定义：{REPURCHASE_DOC}。生意参谋的“老客复购率”口径不同（老买家数 ÷ 支付买家数），"
          "两者不可直接比较。")


def gap_histogram(gap: cust.SecondOrderGap) -> Figure:
    """Draw buyers by days from the first to the second order (14-day bins, 182+ last)."""
    width, cap = GAP_BIN_DAYS, GAP_CAP_DAYS
    bins = gap.histogram(width=width, cap=cap)
    ax = Figure(figsize=(7.2, 3.4), layout="constrained").subplots()
    xs = np.arange(len(bins))
    ax.bar(xs, bins["buyers"], color=NEW_COLOR, width=0.8)
    ax.set_xticks(xs, [label.replace("–", "–\n") for label in bins["label"]],
                  fontsize="x-small")
    median = gap.quantiles.get("median")
    if median is not None:
        where = median // width if median < cap else len(bins) - 1
        ax.axvline(where, color=STATE_COLORS["sleeping"], linestyle="--", linewidth=1.2,
                   label=f"中位数 {median} 天")
        ax.legend(loc="upper center", frameon=False)
    ax.set(title="首次到第二次购买间隔（天）", xlabel="间隔天数", ylabel="买家数（人）")
    return ax.figure


def show_first_repurchase(first: cust.FirstRepurchase | None,
                          gap: cust.SecondOrderGap | None) -> None:
    """Show 新客90天复购率 with its definition, the days-to-second-order chart, by first item."""
    if first is None:
        return
    doc = FIRST_REPURCHASE_DOC.format(start=first.first_start.isoformat(),
                                      end=first.first_end.isoformat(), within=first.within_days)
    rows = [
        ("首单在窗口内的新客", tables.fmt_int(first.buyers)),
        (f"{first.within_days}天内复购", tables.fmt_int(first.repeat_buyers)),
        (f"新客{first.within_days}天复购率", tables.fmt_pct(first.rate)),
    ]
    if gap is not None and gap.buyers:
        q = gap.quantiles
        rows.append(("首次→第二次间隔中位数", f"{q['median']} 天"))
        rows.append(("间隔 25% / 75% / 90% 分位", f"{q['p25']} / {q['p75']} / {q['p90']} 天"))
    tables.show_html(tables.html_table(pd.DataFrame(rows, columns=["项目", "数值"]),
                                       align_right={"数值"}))
    _note(f"定义：{doc}。")
    if first.buyers == 0:
        _note(f"{first.first_start.isoformat()} 至 {first.first_end.isoformat()} 没有首次购买的"
              "买家（订单数据不够早），新客90天复购率暂无。")
    if gap is not None and gap.buyers:
        charts.show(gap_histogram(gap))
        _note(f"间隔 = 第二笔有效支付订单的付款日 − 首笔的付款日；统计首单在 "
              f"{gap.since.isoformat()} 之后、报告日前已有第二单的 {gap.buyers:,} 位买家。"
              "间隔越集中，越适合在该天数前后做召回（短信、旺旺、优惠券）。")
    if not first.by_item.empty:
        shown = first.by_item.head(TOP_ITEMS_SHOWN)
        frame = pd.DataFrame({
            "首单主商品": [tables.MISSING if tables.is_missing(t) else t for t in shown["title"]],
            "新客": shown["buyers"],
            "90天复购": shown["repeat_buyers"],
            "复购率": shown["rate"],
        })
        tables.show_html(tables.html_table(
            frame, formats={"新客": tables.fmt_int, "90天复购": tables.fmt_int,
                            "复购率": tables.fmt_pct},
            caption="按首单商品（新客最多的商品）"))
        _note("订单明细不含商品类目，按首单中支付金额最大的商品分组；“—”为没有订单明细的首单。"
              "新客少的商品复购率波动大，看人数再看比例。")


def new_returning_chart(mix: cust.NewReturning) -> Figure:
    """Draw monthly 支付金额 of new and returning buyers as stacked bars (元)."""
    months = mix.months
    ax = Figure(figsize=(7.2, 3.4), layout="constrained").subplots()
    xs = np.arange(len(months))
    new = np.array([float(v) for v in months["new_gmv"]])
    old = np.array([float(v) for v in months["returning_gmv"]])
    ax.bar(xs, new, color=NEW_COLOR, label="新客", width=0.7)
    ax.bar(xs, old, bottom=new, color=RETURNING_COLOR, label="老客", width=0.7)
    ax.set_xticks(xs, [f"{m:%y-%m}" + ("*" if p else "") for m, p in
                       zip(months["month"], months["partial"], strict=True)],
                  rotation=45, fontsize="x-small")
    ax.yaxis.set_major_formatter(charts.yuan_formatter(ax))
    ax.set(title="每月支付金额：新客 vs 老客", xlabel="", ylabel="")
    ax.legend(loc="upper left", frameon=False, ncol=2)
    return ax.figure


def _items_table(items: pd.DataFrame, *, name: str, buyers: str, caption: str) -> str:
    shown = items.head(TOP_ITEMS_SHOWN)
    frame = pd.DataFrame({
        name: list(shown["title"]),
        buyers: shown["buyers"],
        "支付金额": shown["gmv"],
    })
    return tables.html_table(frame, formats={buyers: tables.fmt_int,
                                             "支付金额": tables.fmt_money}, caption=caption)


def show_new_returning(mix: cust.NewReturning | None) -> None:
    """Show new vs returning buyers by month (chart and table) and the items behind each."""
    if mix is None:
        return
    if mix.months.empty:
        _note("近12个月没有有效支付订单。")
        return
    charts.show(new_returning_chart(mix))
    m = mix.months
    frame = pd.DataFrame({
        "月份": [f"{x:%Y-%m}" + ("*" if p else "") for x, p in
               zip(m["month"], m["partial"], strict=True)],
        "新客": m["new_buyers"],
        "老客": m["returning_buyers"],
        "新客占比": m["new_share"],
        "客单价 新/老": [f"{tables.fmt_money(a)}/{tables.fmt_money(b)}" for a, b in
                     zip(m["new_aov"], m["returning_aov"], strict=True)],
    })
    tables.show_html(tables.html_table(
        frame, formats={"新客": tables.fmt_int, "老客": tables.fmt_int,
                        "新客占比": tables.fmt_pct},
        align_right={"客单价 新/老"}))
    _note("新客 = 当月第一次有效支付的买家，老客 = 之前的月份已买过；人数为当月有支付的买家，"
          "客单价 = 支付金额 ÷ 订单数；* 为报告日所在月（未满）。仓库最早一个月的买家都算新客。")
    if not mix.new_items.empty:
        tables.show_html(_items_table(mix.new_items, name="首单商品", buyers="带来新客",
                                      caption="哪些商品带来新客（首单含该商品的买家）"))
    if not mix.return_items.empty:
        tables.show_html(_items_table(mix.return_items, name="回购商品", buyers="回购买家",
                                      caption="哪些商品让老客回来（第二单及以后含该商品）"))
    _note("同期（近12个月）有效支付订单的订单明细；支付金额按明细分摊。")



def cohort_heatmap(table: pd.DataFrame) -> Figure:
    """Draw month-N retention of each first-purchase cohort as a heatmap (percent labels)."""
    months = [c for c in table.columns if c.startswith("m") and c[1:].isdigit()]
    data = table[months].astype("float64").to_numpy() * 100
    rows = [f"{c:%Y-%m}（{n:,}）" for c, n in zip(table["cohort"], table["new_buyers"],
                                                 strict=True)]
    height = 1.3 + 0.4 * len(rows)
    ax = Figure(figsize=(7.2, height), layout="constrained").subplots()
    sns.heatmap(pd.DataFrame(data, index=rows, columns=[f"第{c[1:]}月" for c in months]),
                ax=ax, annot=True, fmt=".1f", cmap="Blues", cbar=False,
                annot_kws={"fontsize": "small"}, linewidths=0.5, linecolor="white")
    ax.set(title="首购月份同期群：之后第N个月再购买的比例（%）", xlabel="", ylabel="")
    ax.tick_params(axis="y", labelrotation=0)
    ax.tick_params(axis="x", labelrotation=0)
    return ax.figure


def show_cohorts(table: pd.DataFrame | None) -> None:
    """Show the first-purchase cohorts: the retention heatmap and a per-cohort table."""
    if table is None:
        return
    if table.empty:
        _note("近12个月没有首次购买的买家。")
        return
    charts.show(cohort_heatmap(table))
    frame = pd.DataFrame({
        "首购月份": [f"{c:%Y-%m}" + ("（本月进行中）" if p else "")
                 for c, p in zip(table["cohort"], table["partial"], strict=True)],
        "新客数": table["new_buyers"],
        "次月再购": table["m1"],
        "人均累计支付金额": table["gmv_per_buyer"],
    })
    tables.show_html(tables.html_table(
        frame, formats={"新客数": tables.fmt_int, "次月再购": tables.fmt_pct,
                        "人均累计支付金额": tables.fmt_money},
        caption="各月新客"))
    _note("新客 = 当月第一次有效支付；人均累计支付金额 = 该批客户至报告日的支付金额 ÷ 新客数。"
          "最早几个月的“新客”里含有在仓库数据之前就买过的老客，复购比例可能偏高。")


SHORT_LABELS = {"entering_sleeping": "转入沉睡", "sleeping_high_value": "高价值沉睡",
                "first_order_25_30": "首单未复购"}
"""Short list names for the masked examples (narrow enough for a phone)."""

RECALL_RULES = {
    "entering_sleeping": "最近一次购买在 {s1}–{s7} 天前：过去7天内刚转入沉睡",
    "sleeping_high_value": "沉睡（{s1}–{lost} 天）且近365天支付金额 M 分 ≥ 3",
    "first_order_25_30": "只买过一次，首单在 {f0}–{f1} 天前，还没有第二单",
}
"""How each recall list is chosen (formatted with the store's thresholds)."""


def show_recall(calls: cust.Recall | None, written: dict[str, Path] | None,
                *, sleeping_days: int = 30, lost_days: int = 50,
                con: duckdb.DuckDBPyConnection | None = None) -> None:
    """
    Show the recall lists: counts, rules and a few masked examples (no file path, no ids).

    With ``con``, an example buyer reads as a masked name and phone (``张**``,
    ``138****1234``) or nick (``t**1``) from ``buyer_contacts``; else as the start of the key.
    """
    if calls is None:
        return
    f0, f1 = cust.FIRST_ORDER_DAYS
    values = {"s1": sleeping_days + 1, "s7": sleeping_days + cust.ENTERING_DAYS,
              "lost": lost_days, "f0": f0, "f1": f1}
    counts = pd.DataFrame({
        "名单": [cust.RECALL_LISTS[k] for k in cust.RECALL_SEGMENTS],
        "人数": [calls.count(k) for k in cust.RECALL_SEGMENTS],
        "规则": [RECALL_RULES[k].format(**values) for k in cust.RECALL_SEGMENTS],
    })
    tables.show_html(tables.html_table(counts, formats={"人数": tables.fmt_int}))
    sample = pd.concat([calls.rows(k).head(EXAMPLES) for k in cust.RECALL_SEGMENTS],
                       ignore_index=True)
    if not sample.empty:
        shown = _masked_buyers(con, sample["buyer_key"])
        frame = pd.DataFrame({
            "名单": [SHORT_LABELS[x] for x in sample["list"]],
            "买家": [shown.get(k) or masked_key(k) for k in sample["buyer_key"]],
            "距今": [f"{int(d)}天" for d in sample["days_since"]],
            "近365天": sample["gmv"],
        })
        tables.show_html(tables.html_table(
            frame, formats={"近365天": tables.fmt_money}, align_right={"距今"},
            caption="示例（已脱敏，每份名单前3位，按近365天支付金额）"))
    _note("买家在分析表中只以加密的买家编号出现，示例中的姓名、手机号已脱敏；"
          f"另有“到期召回”（恰好 {calls.recall_days} 天前购买）{calls.count('recall_due'):,} 人。")
    if written:
        _note("完整名单（会员名、收货人、手机、最近订单编号、付款时间与金额）已另存为仅限本机查看的"
              "私有文件，不随本报告分发；可直接导入短信或客户管理工具，或凭订单编号在千牛中联系。")


def _masked_buyers(con: duckdb.DuckDBPyConnection | None, keys: pd.Series) -> dict[str, str]:
    """Return buyer key -> ``张** 138****1234`` (or the masked nick) for the examples."""
    if con is None:
        return {}
    shown = {}
    for row in contacts.masked(con, keys).itertuples(index=False):
        person = " ".join(x for x in (row.receiver_name, row.receiver_phone) if x)
        shown[row.buyer_key] = person or row.buyer_nick
    return shown


# ---------------------------------------------------------------- private CSV


def neutralise(value: object) -> str:
    """
    Return a CSV cell that a spreadsheet will not run as a formula.

    Text starting with ``= + - @``, a tab or a carriage return gets a leading ``'``
    (CSV injection). Missing values become ``""``; Decimal money keeps its two decimals.
    """
    if tables.is_missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
    elif isinstance(value, Decimal):
        text = f"{value:.2f}"
    else:
        text = str(value)
    return tables.inert_cell(text)


def recall_csv_path(store: str, day: date, segment: str) -> Path:
    """Return ``reports/<store>/<YYYY-MM-DD>/private/recall_<segment>.csv``."""
    return paths.report_dir(store, day) / "private" / f"recall_{segment}.csv"


def with_contacts(rows: pd.DataFrame, found: pd.DataFrame | None) -> pd.DataFrame:
    """
    Add the buyers' clear contacts (``storeops.contacts.contacts``) to recall rows.

    Contact columns stay empty for buyers without contact data (exports masked at source).
    """
    contact_cols = ["buyer_nick", "receiver_name", "receiver_phone", "receiver_province",
                    "receiver_city"]
    if found is None or found.empty:
        return rows.assign(**{c: None for c in contact_cols if c not in rows})
    return rows.merge(found[["buyer_key", *contact_cols]], on="buyer_key", how="left")


def recall_csv_text(rows: pd.DataFrame) -> str:
    """Return recall rows as CSV text (Chinese header, formula-looking cells neutralised)."""
    rows = rows if "receiver_name" in rows else with_contacts(rows, None)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS.values())
    for row in rows[list(CSV_COLUMNS)].itertuples(index=False, name=None):
        cells: list[Any] = list(row)
        cells[0] = cust.RECALL_LISTS.get(cells[0], cells[0])
        writer.writerow(neutralise(c) for c in cells)
    return buf.getvalue()


def _write_private(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.parent.chmod(0o700)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.chmod(0o600)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def write_recall_csvs(store: str, day: date, calls: cust.Recall | None,
                      con: duckdb.DuckDBPyConnection | None = None) -> dict[str, Path]:
    """
    Write each recall list in full to the report day's private folder, atomically.

    One file per list of :data:`storeops.analysis.customers.RECALL_LISTS` (the three lists of
    the report and the daily 到期召回), header only when a list is empty; UTF-8 with BOM so
    Excel shows the Chinese; the folder is owner-only (0700) and each file 0600. With
    ``con``, each buyer's nick, receiver name, mobile, province and city come from
    ``buyer_contacts`` (the only place they are kept), ready for SMS or CRM tools.

    Returns
    -------
    dict of str to Path
        List id -> file written; empty when there are no buyer keys.
    """
    if calls is None:
        return {}
    found = contacts.contacts(con, calls.buyers["buyer_key"]) if con is not None else None
    written = {}
    for segment in cust.RECALL_LISTS:
        target = recall_csv_path(store, day, segment)
        _write_private(target, recall_csv_text(with_contacts(calls.rows(segment), found)))
        written[segment] = target
    logger.info("recall lists: %d rows in %d files", len(calls.buyers), len(written))
    return written
