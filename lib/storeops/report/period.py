"""Show the 周报 / 月报: conclusion, the plan table (HTML and xlsx), trends and items.

Everything shown goes through :mod:`storeops.report.tables` (¥, %, escaped text, — for a
missing figure). The xlsx copy of the plan table is written with xlsxwriter to a temporary
name and renamed; every text cell is written as text (never a formula), and text that looks
like a formula (``=``, ``+``, ``-``, ``@`` first) is marked with Excel's quote prefix.
"""

from __future__ import annotations

import logging
import math
import uuid
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from storeops import metrics, paths
from storeops.analysis import ads, anomaly, daily, merch, operations
from storeops.analysis import period as pa
from storeops.report import ads as ads_report
from storeops.report import charts, narrative, tables
from storeops.report import merch as merch_report
from storeops.report import operations as ops_report

logger = logging.getLogger(__name__)

PREVIOUS = {"week": "上周", "month": "上月"}
NEXT = {"week": "下周", "month": "下月"}
THIS = {"week": "本周", "month": "本月"}

REFUND_RISE_PP = 0.01
"""退款率 up by at least this (fraction points) vs the previous period is a risk."""
CR_FALL = 0.10
"""支付转化率 down by at least this share vs the previous period is a risk."""
INQUIRY_FALL_PP = 0.03
"""询单转化率 down by at least this (fraction points) is a risk."""
RESPONSE_SLOWER = 0.20
"""首次响应时长 up by at least this share vs the previous period is a risk."""
UV_FALL = 0.10
"""Σ日访客 down by at least this share vs the previous period is a risk."""
ACTION_SUBJECT_CHARS = 40
"""Characters of an open action's subject quoted in the conclusion."""

FOCUS = {
    "uv": "引流——把预算加在 ROI 高的关键词和人群上，报名平台活动，补足访客数",
    "conversion": "转化——优化主图和详情页、跟进询单未付款的客户、核对价格和优惠券",
    "aov": "客单价——搭配套餐、满减和凑单推荐，提高每位买家的支付金额",
}
FACTOR_LABELS = {"uv": "访客数", "conversion": "转化率", "aov": "客单价"}

FORMULA_START = tables.FORMULA_START
"""First characters that make a spreadsheet treat text as a formula (half- and full-width)."""


# ---------------------------------------------------------------- small texts


def title(review: pa.PeriodReview) -> str:
    """Return the report title: ``周报 2026年第48周`` / ``月报 2026年11月``."""
    return f"{'周报' if review.period.kind == 'week' else '月报'} {review.period.label}"


def plan_heading(review: pa.PeriodReview) -> str:
    """Return the plan table's heading: 周计划表 / 月计划表."""
    return "周计划表" if review.period.kind == "week" else "月计划表"


def _span(p: pa.Period) -> str:
    return f"{p.start.isoformat()} 至 {p.through.isoformat()}"


def signed_money(x: Decimal | None) -> str:
    """Format a change of money with its sign: ``+¥1,234`` / ``−¥1,234``."""
    if x is None:
        return tables.MISSING
    return ("+" if x >= 0 else tables.MINUS) + tables.fmt_money(abs(x))


def period_note(review: pa.PeriodReview) -> str:
    """Say which days the figures cover, and that comparisons use the same number of days."""
    p = review.period
    text = f"{p.label}：{p.start.isoformat()} 至 {p.end.isoformat()}"
    if not p.complete:
        text += (f"；数据截至 {p.through.isoformat()}（{p.elapsed}/{p.days} 天），"
                 f"对比{PREVIOUS[p.kind]}与去年同期取相同天数")
    return text + "。"


# ---------------------------------------------------------------- conclusion


def _target_sentence(review: pa.PeriodReview) -> str:
    p, gmv = review.period, review.now["gmv"]
    head = f"{THIS[p.kind]}（{_span(p)}）支付金额 {tables.fmt_money(gmv)}"
    if gmv is None:
        return f"{THIS[p.kind]}（{_span(p)}）暂无订单数据。"
    if review.target is None:
        return head + ("；未设置目标（导入目标表或在 stores.toml 写 monthly_target "
                       "即可显示完成率）。")
    text = (f"{head}，完成{THIS[p.kind]}目标 {tables.fmt_money(review.target)} 的 "
            f"{tables.fmt_pct(metrics.ratio(gmv, review.target))}")
    if not p.complete and review.target_to_date is not None:
        gap = gmv - review.target_to_date
        text += (f"（按目标至今应完成 {tables.fmt_money(review.target_to_date)}，"
                 f"{'超出' if gap >= 0 else '落后'} {tables.fmt_money(abs(gap))}）")
    return text + "。"


def _compare_sentence(review: pa.PeriodReview) -> str:
    p = review.period
    prev = tables.fmt_change(review.gmv_vs_previous)
    ly = tables.fmt_change(review.gmv_vs_last_year)
    prev_text = (f"较{PREVIOUS[p.kind]}同期（{_span(review.previous_period)}，"
                 f"{tables.fmt_money(review.previous['gmv'])}）{prev}"
                 if review.previous["gmv"] is not None else f"{PREVIOUS[p.kind]}同期无订单数据")
    ly_text = (f"较去年同期（{_span(review.last_year_period)}，"
               f"{tables.fmt_money(review.last_year['gmv'])}）{ly}"
               if review.last_year["gmv"] is not None else "去年同期无订单数据")
    return f"{prev_text}；{ly_text}。"


def _effects(review: pa.PeriodReview) -> dict[str, Decimal] | None:
    s = review.bridge
    if not s.complete:
        return None
    return {"uv": s.uv, "conversion": s.conversion, "aov": s.aov}


def _driver_sentence(review: pa.PeriodReview) -> str:
    p = review.period
    effects = _effects(review)
    if effects is None:
        why = ("缺少访客数（生意参谋店铺日报）" if review.now["uv"] is None
               or review.previous["uv"] is None else f"{PREVIOUS[p.kind]}同期或本期没有成交")
        return f"主要驱动：无法拆分（{why}）。"
    main = max(effects, key=lambda k: abs(effects[k]))
    parts = "，".join(f"{FACTOR_LABELS[k]} {signed_money(v)}" for k, v in effects.items())
    return (f"主要驱动是{FACTOR_LABELS[main]}：对比{PREVIOUS[p.kind]}同期，支付金额变化 "
            f"{signed_money(review.bridge.total)} 拆为 {parts}（访客数为 Σ日访客，即各日访客数"
            f"之和，同一访客多天来访重复计）。")


def risks(review: pa.PeriodReview, found: pa.PeriodItems | None, *,
          ad_ceiling: float, service: pa.PeriodService | None = None,
          sources: pa.SourceChanges | None = None) -> list[str]:
    """
    Return the period's risks, most serious first (plain Chinese, not escaped).

    Checked in this order: behind the sales target; 推广费比 above ``ad_ceiling``; 退款率 up
    by ≥ 1 point vs the previous period; 支付转化率 down by ≥ 10 %; 询单转化率 down by ≥ 3
    points; a DSR metric below its line at the period's end; 首次响应 slower by ≥ 20 %;
    访客数 down by ≥ 10 % with the source that lost most; SKUs with stock and no sale.
    """
    p, now, prev, t = review.period, review.now, review.previous, review.total
    out = []
    goal = review.target if p.complete else review.target_to_date
    if goal is not None and now["gmv"] is not None and now["gmv"] < goal:
        gap = goal - now["gmv"]
        left = (p.end - p.through).days
        text = f"支付金额落后目标 {tables.fmt_money(gap)}"
        if left and review.target is not None:
            need = (review.target - now["gmv"]) / left
            text += f"，剩余 {left} 天每天需 {tables.fmt_money(need)} 才能完成{THIS[p.kind]}目标"
        out.append(text)
    if t["ad_cost_ratio"] is not None and t["ad_cost_ratio"] > ad_ceiling:
        out.append(f"推广费比 {tables.fmt_pct(t['ad_cost_ratio'])} 超过上限 "
                   f"{tables.fmt_pct(ad_ceiling, decimals=0)}")
    if now["refund_rate"] is not None and prev["refund_rate"] is not None \
            and now["refund_rate"] - prev["refund_rate"] >= REFUND_RISE_PP:
        out.append(f"退款率升至 {tables.fmt_pct(now['refund_rate'])}（{PREVIOUS[p.kind]}同期 "
                   f"{tables.fmt_pct(prev['refund_rate'])}）")
    cr, cr0 = now["conversion_rate"], prev["conversion_rate"]
    if cr is not None and cr0 and (cr - cr0) / cr0 <= -CR_FALL:
        out.append(f"支付转化率降至 {tables.fmt_pct(cr, decimals=2)}（{PREVIOUS[p.kind]}同期 "
                   f"{tables.fmt_pct(cr0, decimals=2)}）")
    icvr = t["inquiry_cvr"]
    if icvr is not None and review.inquiry_prev is not None \
            and review.inquiry_prev - icvr >= INQUIRY_FALL_PP:
        out.append(f"询单转化率降至 {tables.fmt_pct(icvr)}（{PREVIOUS[p.kind]}同期 "
                   f"{tables.fmt_pct(review.inquiry_prev)}）")
    if service is not None and service.dsr is not None:
        for r in service.dsr.to_dict("records"):
            if r["below_line"]:
                start = ("" if r["start_score"] is None
                         else f"，期初 {_score(r['start_score'])}")
                out.append(f"DSR {r['metric']} {_score(r['end_score'])} 低于 "
                           f"{service.dsr_line}{start}")
    if service is not None:
        slower = daily.change(service.now.first_resp_sec, service.previous.first_resp_sec)
        if slower is not None and slower >= RESPONSE_SLOWER:
            out.append(f"客服首次响应变慢至 {_seconds(service.now.first_resp_sec)}（"
                       f"{PREVIOUS[p.kind]}同期 {_seconds(service.previous.first_resp_sec)}）")
    uv_change = daily.change(now["uv"], prev["uv"])
    if uv_change is not None and uv_change <= -UV_FALL and sources is not None \
            and not sources.shrank.empty:
        top = sources.shrank.iloc[0]
        out.append(f"访客数较{PREVIOUS[p.kind]}同期 {tables.fmt_change(uv_change)}，"
                   f"降得最多的来源是 {top['source']}（{tables.fmt_int(top['visitors_base'])} → "
                   f"{tables.fmt_int(top['visitors'])}）")
    if found is not None and found.slow_skus:
        out.append(f"{found.slow_skus} 个 SKU {THIS[p.kind]}零销售但有库存（共 "
                   f"{tables.fmt_int(found.slow_qty)} 件）")
    return out


def _action_subject(text: str) -> str:
    head = text.split("：", 1)[0]
    return head if len(head) <= ACTION_SUBJECT_CHARS else head[:ACTION_SUBJECT_CHARS] + "…"


def _focus_sentence(review: pa.PeriodReview, found_risks: list[str],
                    nxt: pa.NextPeriod | None = None) -> str:
    p = review.period
    effects = _effects(review)
    if effects is not None:
        weakest = min(effects, key=lambda k: effects[k])
        focus = FOCUS[weakest]
    elif found_risks:
        focus = found_risks[0]
    else:
        focus = "保持节奏，按日报行动清单处理"
    text = f"{NEXT[p.kind]}重点：{focus}"
    if nxt is not None:
        return text + _next_clause(review, nxt) + "。"
    nxt_p = review.next_period
    if review.next_target is not None:
        text += (f"；{NEXT[p.kind]}（{nxt_p.start.isoformat()} 至 {nxt_p.end.isoformat()}）目标 "
                 f"{tables.fmt_money(review.next_target)}")
        if review.next_uv_needed is not None:
            cr = tables.fmt_pct(review.now["conversion_rate"], decimals=2)
            text += (f"，按{THIS[p.kind]}转化率 {cr}"
                     f" 和客单价 {tables.fmt_money(review.now['aov'], decimals=2)} 需访客约 "
                     f"{tables.fmt_int(review.next_uv_needed)}（Σ日访客）")
    return text + "。"


def _next_clause(review: pa.PeriodReview, nxt: pa.NextPeriod) -> str:
    """Return the next period's target, UV gap and oldest open daily action (a clause)."""
    p, q = review.period, nxt.period
    span = f"{NEXT[p.kind]}（{q.start.isoformat()} 至 {q.end.isoformat()}）"
    if nxt.gmv_target is None:
        text = f"；{span}未设置销售目标"
    else:
        text = f"；{span}目标 {tables.fmt_money(nxt.gmv_target)}"
        if nxt.uv_needed is not None:
            text += f"，按{THIS[p.kind]}转化率和客单价需访客约 {tables.fmt_int(nxt.uv_needed)}"
            if nxt.uv_gap is not None:
                text += (f"，按{THIS[p.kind]}节奏{'缺' if nxt.uv_gap > 0 else '富余'} "
                         f"{tables.fmt_int(abs(nxt.uv_gap))}（Σ日访客）")
    if len(nxt.actions):
        oldest = nxt.actions.sort_values("first_seen", kind="stable").iloc[0]
        text += (f"；日报行动仍有 {len(nxt.actions)} 项未关闭，最久的是"
                 f"「{_action_subject(oldest['text'])}」"
                 f"（自 {oldest['first_seen'].isoformat()[5:]} 起 {int(oldest['days'])} 天）")
    return text


def conclusion(review: pa.PeriodReview, found: pa.PeriodItems | None = None, *,
               ad_ceiling: float = 0.20, service: pa.PeriodService | None = None,
               sources: pa.SourceChanges | None = None,
               nxt: pa.NextPeriod | None = None) -> list[str]:
    """
    Return the period in five sentences (plain Chinese, escaped when shown).

    1. GMV vs target; 2. vs the previous period and the same period last year; 3. the main
    driver (UV × CR × AOV bridge vs the previous period); 4. the biggest risk (sales, ads,
    refunds, conversion, 客服, DSR, traffic sources, stock); 5. next period's focus, its
    target and UV gap, and the oldest daily action still open.
    """
    found_risks = risks(review, found, ad_ceiling=ad_ceiling, service=service,
                        sources=sources)
    risk = (f"最大风险：{found_risks[0]}。" if found_risks
            else "最大风险：未发现明显风险（目标进度、推广费比、退款率、转化率、询单转化率、"
                 "滞销库存均正常）。")
    return [_target_sentence(review), _compare_sentence(review), _driver_sentence(review),
            risk, _focus_sentence(review, found_risks, nxt)]


# ---------------------------------------------------------------- the plan table (HTML)

PRECISE = frozenset({"aov"})
PCT2 = frozenset({"conversion_rate", "inquiry_rate"})


def cell_text(key: str, kind: str, value: Any) -> str:
    """Format one plan-table value for HTML (— when absent)."""
    if kind == "money":
        return tables.fmt_money(value, decimals=2 if key in PRECISE else 0)
    if kind == "pct":
        return tables.fmt_pct(value, decimals=2 if key in PCT2 else 1)
    if kind == "int":
        return tables.fmt_int(value)
    if kind == "number":
        return tables.MISSING if tables.is_missing(value) else f"{float(value):.2f}"
    return tables.MISSING if tables.is_missing(value) else str(value)


def plan_frame(review: pa.PeriodReview) -> pd.DataFrame:
    """Return the plan table as display text: one row per day, then the total row."""
    rows = [*review.rows.to_dict("records"), review.total]
    through = review.period.through.isoformat()
    out = []
    for r in rows:
        shown = {label: cell_text(key, kind, r.get(key)) for key, label, kind in pa.PLAN_COLUMNS}
        if r["day"] != pa.TOTAL_LABEL:
            shown["日期"] = r["day"][5:]  # 11-23: the year is in the title
        if r["day"] != pa.TOTAL_LABEL and r["day"] > through:
            shown["星期"] = f"{shown['星期']}·未到"
        if r["day"] == pa.TOTAL_LABEL and r.get("uv") is not None:
            shown["当日UV"] = f"{shown['当日UV']}（{pa.UV_TOTAL_LABEL}）"
        out.append(shown)
    return pd.DataFrame(out, columns=[label for _, label, _ in pa.PLAN_COLUMNS])


def plan_caption(review: pa.PeriodReview) -> str:
    """Explain the total row, the sources and the absent columns (plain text)."""
    p = review.period
    window = review.ad_window_days
    parts = [
        "合计行：金额、笔数、推广费为各日之和；当日UV为 Σ日访客（各日访客数之和）；"
        "转化率 = 期间支付买家数 ÷ Σ日访客，客单价 = 支付金额 ÷ 期间支付买家数，"
        "费用占比、询单率、询单转化率、退款率均为先求和再相除",
        f"目标：{review.target_source or '未设置'}",
        "全店动销率：日行为近30天有销售的商品 ÷ 在售商品，合计行为本期内",
        "本月所需UV、UV缺口按当月目标与月初至当日的转化率、客单价计算，合计行取截至日",
    ]
    if window is not None:
        parts.append(f"推广费按点击日、{window}天归因；近{window}天的推广成交仍会增加")
        if len(review.ad_sales_channels) > 1:
            parts.append("ROI：多个渠道的推广成交重叠、不可相加，显示 —")
        elif review.ad_sales_channels:
            parts.append(f"ROI = {review.ad_sales_channels[0]} 成交金额 ÷ 花费")
    else:
        parts.append("无推广报表：推广费各列显示 —")
    absent = [label for key, label, _ in pa.PLAN_COLUMNS
              if key.startswith("cost_") and review.total.get(key) is None]
    if absent:
        parts.append(f"{'、'.join(absent)}：无对应导出，显示 —（不是 0）")
    if review.inquiry_days < p.elapsed:
        parts.append(f"询单数据覆盖 {review.inquiry_days}/{p.elapsed} 天")
    parts.append("退款率、退款笔数按付款日归属（订单报表的退款金额）")
    return "。".join(parts) + "。"


def show_plan(review: pa.PeriodReview) -> None:
    """Show the plan table (days + total) with its caption."""
    from storeops.report import show_note

    show_note(period_note(review))
    frame = plan_frame(review)
    tables.show_html(tables.html_table(frame, align_right=set(frame.columns[2:])))
    show_note(plan_caption(review))


# ---------------------------------------------------------------- the plan table (xlsx)

XLSX_FORMATS = {
    "money": '"¥"#,##0.00',
    "pct": "0.00%",
    "int": "#,##0",
    "number": "0.00",
}


def safe_text(text: object) -> tuple[str, bool]:
    """
    Return text for a spreadsheet cell and whether it must be marked as text.

    Text whose first character makes a spreadsheet read a formula (``=``, ``+``, ``-``,
    ``@``, tab, CR, or their full-width forms) is flagged: it is written as a string with the
    quote prefix, so neither Excel nor a later edit turns it into a formula.
    """
    value = "" if tables.is_missing(text) else str(text)
    return value, value.startswith(FORMULA_START)


def xlsx_path(store: str, review: pa.PeriodReview, day: Any) -> Path:
    """Return ``reports/<store>/<day>/period_<week|month>.xlsx``."""
    return paths.report_file(store, day, f"period_{review.period.kind}", ".xlsx")


def _xlsx_value(kind: str, value: Any) -> float | int | None:
    if tables.is_missing(value):
        return None
    if kind == "int":
        return int(value)
    if kind == "money":
        return float(Decimal(value).quantize(Decimal("0.01")))
    return float(value)


def write_plan_xlsx(review: pa.PeriodReview, found: pa.PeriodItems | None,
                    path: Path) -> Path:
    """
    Write the plan table (and the items lists) to ``path`` atomically.

    Sheet 1 (周计划表 / 月计划表): Chinese header frozen with the date columns, one row per
    day, the total row ``合计``; ¥ and % number formats; absent figures as ``—``. Sheet 2
    (商品): new best sellers, fallers and slow stock. Sheet 3 (说明): period and notes.
    """
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.tmp.xlsx")
    try:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False,
                                              "strings_to_urls": False,
                                              "strings_to_numbers": False})
        fmt = _formats(book)
        _plan_sheet(book, fmt, review)
        _items_sheet(book, fmt, found)
        _notes_sheet(book, fmt, review)
        book.close()
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _formats(book: Any) -> dict[str, Any]:
    base = {"font_name": "Microsoft YaHei", "font_size": 10}
    out = {"header": book.add_format({**base, "bold": True, "bg_color": "#DCE6F1",
                                      "border": 1, "text_wrap": True, "align": "center",
                                      "valign": "vcenter"}),
           "text": book.add_format({**base}),
           "quoted": book.add_format({**base, "quote_prefix": True}),
           "missing": book.add_format({**base, "align": "center", "font_color": "#888888"}),
           "total_text": book.add_format({**base, "bold": True, "top": 1}),
           "total_missing": book.add_format({**base, "bold": True, "top": 1,
                                             "align": "center", "font_color": "#888888"})}
    for kind, num in XLSX_FORMATS.items():
        out[kind] = book.add_format({**base, "num_format": num})
        out[f"total_{kind}"] = book.add_format({**base, "num_format": num, "bold": True,
                                                "top": 1})
    return out


def _write_text(sheet: Any, row: int, col: int, text: object, fmt: dict[str, Any],
                style: str = "text") -> None:
    value, quoted = safe_text(text)
    sheet.write_string(row, col, value, fmt["quoted"] if quoted else fmt[style])


def _plan_sheet(book: Any, fmt: dict[str, Any], review: pa.PeriodReview) -> None:
    sheet = book.add_worksheet(plan_heading(review))
    for col, (_, label, _) in enumerate(pa.PLAN_COLUMNS):
        sheet.write_string(0, col, label, fmt["header"])
        sheet.set_column(col, col, 11 if col else 12)
    rows = [*review.rows.to_dict("records"), review.total]
    for i, r in enumerate(rows, start=1):
        total = r["day"] == pa.TOTAL_LABEL
        prefix = "total_" if total else ""
        for col, (key, _, kind) in enumerate(pa.PLAN_COLUMNS):
            value = r.get(key)
            if kind == "text":
                _write_text(sheet, i, col, value, fmt, f"{prefix}text")
                continue
            number = _xlsx_value(kind, value)
            if number is None:
                sheet.write_string(i, col, tables.MISSING, fmt[f"{prefix}missing"])
            else:
                sheet.write_number(i, col, number, fmt[f"{prefix}{kind}"])
    sheet.set_row(0, 30)
    sheet.freeze_panes(1, 2)
    note_row = len(rows) + 2
    _write_text(sheet, note_row, 0, f"注：{plan_caption(review)}", fmt)


def _table(sheet: Any, fmt: dict[str, Any], row: int, heading: str,
           columns: list[tuple[str, str, str]], frame: pd.DataFrame | None,
           missing: str) -> int:
    """Write one titled list; return the next free row."""
    _write_text(sheet, row, 0, heading, fmt, "total_text")
    row += 1
    if frame is None:
        _write_text(sheet, row, 0, missing, fmt)
        return row + 2
    for col, (_, label, _) in enumerate(columns):
        sheet.write_string(row, col, label, fmt["header"])
    row += 1
    if frame.empty:
        _write_text(sheet, row, 0, "无", fmt)
        return row + 2
    for rec in frame.to_dict("records"):
        for col, (key, _, kind) in enumerate(columns):
            value = rec.get(key)
            if kind == "text":
                _write_text(sheet, row, col, value, fmt)
            elif (number := _xlsx_value(kind, value)) is None:
                sheet.write_string(row, col, tables.MISSING, fmt["missing"])
            else:
                sheet.write_number(row, col, number, fmt[kind])
        row += 1
    return row + 1


ITEM_COLUMNS = [("rank", "排名", "int"), ("title", "商品", "text"), ("gmv", "支付金额", "money"),
                ("gmv_base", "上期支付金额", "money"), ("rank_base", "上期排名", "int"),
                ("qty", "件数", "int")]
FALL_COLUMNS = [("title", "商品", "text"), ("gmv", "支付金额", "money"),
                ("gmv_base", "上期支付金额", "money"), ("change", "变化", "money")]
SLOW_COLUMNS = [("sku_code", "商家编码", "text"), ("name", "商品名称", "text"),
                ("spec", "规格", "text"), ("stock_qty", "库存", "int")]


def _items_sheet(book: Any, fmt: dict[str, Any], found: pa.PeriodItems | None) -> None:
    sheet = book.add_worksheet("商品")
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, 5, 13)
    if found is None:
        _write_text(sheet, 0, 0, "未计算商品数据", fmt)
        return
    row = _table(sheet, fmt, 0, "新晋畅销（本期前10名、上期不在前10）", ITEM_COLUMNS,
                 found.new_best, "无宝贝报表（订单明细）")
    row = _table(sheet, fmt, row, "降幅最大的商品（对比上期同天数）", FALL_COLUMNS,
                 found.fallers, "无上期宝贝报表，无法对比")
    _table(sheet, fmt, row, "滞销库存（本期零销售、库存 > 0）", SLOW_COLUMNS, found.slow,
           "无库存快照（聚水潭库存）")


def _notes_sheet(book: Any, fmt: dict[str, Any], review: pa.PeriodReview) -> None:
    sheet = book.add_worksheet("说明")
    sheet.set_column(0, 0, 100)
    lines = [title(review), period_note(review), plan_caption(review),
             f"对比{PREVIOUS[review.period.kind]}：{_span(review.previous_period)}；"
             f"去年同期：{_span(review.last_year_period)}"]
    for i, line in enumerate(lines):
        _write_text(sheet, i, 0, line, fmt)


def save_plan_xlsx(store: str, day: Any, review: pa.PeriodReview,
                   found: pa.PeriodItems | None = None) -> None:
    """
    Write the plan table's xlsx next to the report and say so in the notebook.

    The path is ``reports/<store>/<day>/period_<week|month>.xlsx`` (:func:`xlsx_path`);
    nothing is returned, so the notebook shows no path.
    """
    from storeops.report import show_note

    path = write_plan_xlsx(review, found, xlsx_path(store, review, day))
    show_note(f"本表已另存为 Excel：{path.name}（与本报告在同一文件夹）。")


# ---------------------------------------------------------------- trends

TARGET_COLOR = "#e8590c"


def _floats(values: pd.Series) -> list[float]:
    return [math.nan if tables.is_missing(v) else float(v) for v in values]


def _pct_axis(value: float, _pos: int | None) -> str:
    return f"{value * 100:.1f}%" if abs(value) < 0.1 else f"{value * 100:.0f}%"


def _count_axis(value: float, _pos: int | None) -> str:
    return f"{value / 10_000:.1f}万" if abs(value) >= 10_000 else f"{value:,.0f}"


def trend_figure(trend: pd.DataFrame, *, kind: str) -> Figure:
    """
    Draw the trend lines as small multiples (4 × 2) in one figure.

    Parameters
    ----------
    trend : DataFrame
        From :func:`storeops.analysis.period.trends`.
    kind : {"week", "month"}
        Period kind (axis text).

    Returns
    -------
    Figure
        One panel per metric of ``TREND_METRICS``; the target (or, for 推广费比, the
        ceiling) dashed where there is one; an unfinished current period drawn hollow;
        the eighth panel holds the legend.
    """
    fig = Figure(figsize=(7.2, 10.5), layout="constrained")
    axes = fig.subplots(4, 2).ravel()
    xs = list(range(len(trend)))
    labels = list(trend["label"])
    step = 2 if len(xs) <= 8 else 3
    ticks = sorted(range(len(xs) - 1, -1, -step))  # the current period is always labelled
    open_last = len(trend) and not bool(trend["complete"].iloc[-1])
    for ax, (key, name, unit) in zip(axes, pa.TREND_METRICS, strict=False):
        values = _floats(trend[key])
        ax.plot(xs, values, color=charts.LINE_COLOR, linewidth=2, marker="o", ms=4)
        if open_last and not math.isnan(values[-1]):
            ax.plot([xs[-1]], [values[-1]], "o", ms=7, mfc="white", mec=charts.LINE_COLOR,
                    zorder=5)
        targets = _floats(trend[f"{key}_target"])
        if any(not math.isnan(t) for t in targets):
            ax.plot(xs, targets, color=TARGET_COLOR, linestyle="--", linewidth=1.5)
        if unit == "money":
            ax.yaxis.set_major_formatter(charts.yuan_formatter(ax))
        elif unit == "pct":
            ax.yaxis.set_major_formatter(FuncFormatter(_pct_axis))
        else:
            ax.yaxis.set_major_formatter(FuncFormatter(_count_axis))
        finite = [v for v in values + targets if not math.isnan(v)]
        if finite and min(finite) >= 0:
            ax.set_ylim(bottom=0, top=max(finite) * 1.15 or 1)
        ax.set_xticks(ticks, [labels[i] for i in ticks], fontsize="x-small")
        ax.tick_params(axis="y", labelsize="x-small")
        ax.set_title(name, fontsize="medium")
    legend = axes[-1]
    legend.axis("off")
    handles = [Line2D([], [], color=charts.LINE_COLOR, marker="o", linewidth=2, label="实际"),
               Line2D([], [], color=TARGET_COLOR, linestyle="--", label="目标（推广费比为上限）")]
    if open_last:
        handles.append(Line2D([], [], color=charts.LINE_COLOR, marker="o", mfc="white",
                              linestyle="none", label="本期至今（未结束）"))
    legend.legend(handles=handles, loc="center", frameon=False, fontsize="small")
    fig.suptitle(f"近{len(xs)}{'周' if kind == 'week' else '个月'}趋势", fontsize="large")
    return fig


def show_trends(trend: pd.DataFrame, *, kind: str) -> None:
    """Show the trend panels and say what the points are."""
    from storeops.report import show_note

    charts.show(trend_figure(trend, kind=kind))
    unit = "周（周一至周日，横轴为周一）" if kind == "week" else "个自然月"
    show_note(f"每个点为一{unit}：支付金额、访客数为各日之和（访客数为 Σ日访客），"
              "比率为先求和再相除；空缺表示该期没有对应导出。")


# ---------------------------------------------------------------- items


def show_items(found: pa.PeriodItems) -> None:
    """Show 动销率, new best sellers, the biggest fallers and slow stock."""
    from storeops.report import show_note

    a = found.active
    if a is None:
        show_note("动销率：无在售商品数据（库存快照或订单明细）。")
    else:
        show_note(f"本期动销率 {tables.fmt_pct(a.rate)}：{tables.fmt_int(a.active)} 个商品"
                  f"有销售 ÷ "
                  f"{tables.fmt_int(a.on_sale)} 个在售（{a.basis_label}）。")
    if found.sales is None:
        show_note("商品排行暂无数据：上传 宝贝报表（订单明细）即可显示。")
    else:
        best = found.new_best
        frame = pd.DataFrame({
            "排名": [tables.fmt_int(v) for v in best["rank"]],
            "商品": best["title"],
            "支付金额": [tables.fmt_money(v) for v in best["gmv"]],
            "上期": [tables.fmt_money(v) for v in best["gmv_base"]],
            "上期排名": [tables.fmt_int(v) for v in best["rank_base"]],
        })
        tables.show_html(tables.html_table(
            frame, align_right={"排名", "支付金额", "上期", "上期排名"},
            caption="新晋畅销：本期前10名中上期不在前10的商品"))
        if found.fallers is None:
            show_note("上期没有宝贝报表，无法列出降幅最大的商品。")
        else:
            fell = found.fallers
            frame = pd.DataFrame({
                "商品": fell["title"],
                "本期": [tables.fmt_money(v) for v in fell["gmv"]],
                "上期": [tables.fmt_money(v) for v in fell["gmv_base"]],
                "变化": [signed_money(v) for v in fell["change"]],
            })
            tables.show_html(tables.html_table(
                frame, align_right={"本期", "上期", "变化"},
                caption="降幅最大的商品（对比上期相同天数）"))
    if found.slow is None:
        show_note("滞销库存暂无数据：上传 聚水潭 商品库存 导出即可显示。")
        return
    slow = found.slow.head(pa.SLOW_LIMIT)
    frame = pd.DataFrame({
        "商家编码": slow["sku_code"],
        "商品": slow["name"],
        "规格": slow["spec"],
        "库存": [tables.fmt_int(v) for v in slow["stock_qty"]],
    })
    tables.show_html(tables.html_table(
        frame, align_right={"库存"},
        caption=(f"滞销库存：本期零销售、库存快照 {found.snapshot_date} 库存 > 0，共 "
                 f"{tables.fmt_int(found.slow_skus)} 个 SKU、{tables.fmt_int(found.slow_qty)} 件"
                 f"（列出库存最多的 {len(slow)} 个）")))


# ---------------------------------------------------------------- 推广与流量 (section 5)


def _roi_text(x: float | None) -> str:
    return tables.MISSING if x is None else f"{x:.2f}"


def _coverage_note(days: int, days_prev: int, review: pa.PeriodReview, what: str) -> str:
    """Say when a side of the comparison has fewer days of the export than the period."""
    p, prev = review.period, review.previous_period
    parts = []
    if days < p.elapsed:
        parts.append(f"{THIS[p.kind]}仅 {days}/{p.elapsed} 天有{what}")
    if days_prev < prev.elapsed:
        parts.append(f"{PREVIOUS[p.kind]}同期仅 {days_prev}/{prev.elapsed} 天有{what}，"
                     "变化幅度偏大，仅供参考")
    return "；".join(parts)


def channels_frame(found: pa.PeriodChannels) -> pd.DataFrame:
    """Return the channel table as display text (one row per channel, then 合计)."""
    rows = [*found.rows.to_dict("records"), found.total]
    return pd.DataFrame({
        "渠道": [r["channel"] if r["channel"] in (r["plan_column"], pa.TAOKE_SYCM)
                 or r["channel"] == ads.TOTAL else f"{r['channel']}（{r['plan_column']}）"
                 for r in rows],
        "花费": [tables.fmt_money(r["cost"]) for r in rows],
        "上期花费": [tables.fmt_money(r["cost_prev"]) for r in rows],
        "变化": [tables.fmt_change(r["cost_change"]) for r in rows],
        "ROI": [_roi_text(r["roi"]) for r in rows],
        "上期ROI": [_roi_text(r["roi_prev"]) for r in rows],
        "费用占比": [tables.fmt_pct(r["cost_ratio"]) for r in rows],
        "上期占比": [tables.fmt_pct(r["cost_ratio_prev"]) for r in rows],
    })


def sources_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return grown or shrunk traffic sources as display text."""
    return pd.DataFrame({
        "来源": list(frame["source"]),
        "访客": [tables.fmt_int(v) for v in frame["visitors"]],
        "上期": [tables.fmt_int(v) for v in frame["visitors_base"]],
        "变化": [tables.MISSING if v is None else f"{'+' if v >= 0 else tables.MINUS}"
                 f"{tables.fmt_int(abs(v))}" for v in frame["change"]],
        "幅度": [tables.fmt_change(v) for v in frame["change_pct"]],
    })


def show_channels(found: pa.PeriodChannels | None, sources: pa.SourceChanges | None,
                  review: pa.PeriodReview, *, ceiling: float = 0.20) -> None:
    """Show spend, ROI and 费用占比 by channel vs the previous period, then traffic sources."""
    from storeops.report import show_note

    p = review.period
    if found is None:
        show_note("推广：无推广报表（万相台/直通车/引力魔方/淘宝客）也无生意参谋淘宝客佣金，"
                  "无法按渠道列出花费。")
    else:
        frame = channels_frame(found)
        caption = (f"推广花费按渠道：{_span(p)} 对比{PREVIOUS[p.kind]}同期 "
                   f"{_span(review.previous_period)}")
        tables.show_html(tables.html_table(frame, align_right=set(frame.columns[2:]),
                                           caption=caption))
        notes = ["ROI = 推广成交金额 ÷ 花费（点击日归因"
                 + (f"，{found.window_days}天窗口" if found.window_days else "") + "）",
                 "费用占比 = 花费 ÷ 店铺支付金额（先求和再相除）",
                 "合计行的 ROI 只在仅一个渠道有成交时给出：各渠道推广成交相互重叠，不能相加"]
        if found.window_days_prev and found.window_days_prev != found.window_days:
            notes.append(f"{PREVIOUS[p.kind]}为{found.window_days_prev}天归因窗口，ROI 口径不同")
        ratio = found.total["cost_ratio"]
        if ratio is not None and ratio > ceiling:
            notes.append(f"⚠ 费用占比 {tables.fmt_pct(ratio)} 超过上限 "
                         f"{tables.fmt_pct(ceiling, decimals=0)}")
        cover = _coverage_note(found.days, found.days_prev if found.has_prev else 0, review,
                               "推广报表") if found.days else ""
        if not found.has_prev:
            notes.append(f"{PREVIOUS[p.kind]}同期无推广数据，无法对比")
        elif cover:
            notes.append(cover)
        show_note("。".join(notes) + "。")
    if sources is None:
        show_note("流量来源：无生意参谋 店铺流量来源 导出，无法比较各来源访客。")
        return
    if not sources.has_base:
        show_note(f"流量来源：{PREVIOUS[p.kind]}同期没有流量来源数据，无法比较增减。")
        return
    for frame, what in ((sources.grew, "增长最多"), (sources.shrank, "下降最多")):
        if frame.empty:
            show_note(f"流量来源：没有访客{'增加' if what == '增长最多' else '减少'}的来源。")
            continue
        shown = sources_frame(frame)
        tables.show_html(tables.html_table(
            shown, align_right={"访客", "上期", "变化", "幅度"},
            caption=f"访客{what}的流量来源（对比{PREVIOUS[p.kind]}同期）"))
    notes = ["访客为 Σ日访客（各日、各终端之和），一位访客可经多个来源进店，各来源不可相加"]
    cover = _coverage_note(sources.days, sources.days_base, review, "流量来源数据")
    if cover:
        notes.append(cover)
    show_note("。".join(notes) + "。")


# ---------------------------------------------------------------- 客服与售后 (section 6)


def _seconds(x: float | None) -> str:
    return tables.MISSING if x is None else f"{tables.fmt_int(x)} 秒"


def _score(x: Decimal | None) -> str:
    if tables.is_missing(x):
        return tables.MISSING
    return str(Decimal(x).quantize(Decimal("0.001"), rounding=ROUND_DOWN))


def _score_change(x: Decimal | None) -> str:
    if tables.is_missing(x):
        return tables.MISSING
    value = Decimal(x).quantize(Decimal("0.001"))
    if value > 0:
        return f"▲ +{value}"
    if value < 0:
        return f"▼ {tables.MINUS}{abs(value)}"
    return "0.000"


def service_frame(found: pa.PeriodService) -> pd.DataFrame:
    """Return the 客服 and refund figures, this period vs the previous, as display text."""
    n, b = found.now, found.previous
    rows = [
        ("询单人数", tables.fmt_int(n.inquiry_users), tables.fmt_int(b.inquiry_users), ""),
        ("询单率", tables.fmt_pct(n.inquiry_rate, decimals=2),
         tables.fmt_pct(b.inquiry_rate, decimals=2),
         tables.fmt_pp(None if n.inquiry_rate is None or b.inquiry_rate is None
                       else n.inquiry_rate - b.inquiry_rate, decimals=2)),
        ("询单转化率", tables.fmt_pct(n.inquiry_cvr), tables.fmt_pct(b.inquiry_cvr),
         tables.fmt_pp(None if n.inquiry_cvr is None or b.inquiry_cvr is None
                       else n.inquiry_cvr - b.inquiry_cvr)),
        ("首次响应", _seconds(n.first_resp_sec), _seconds(b.first_resp_sec),
         tables.fmt_change(daily.change(n.first_resp_sec, b.first_resp_sec))),
        ("平均响应", _seconds(n.avg_resp_sec), _seconds(b.avg_resp_sec),
         tables.fmt_change(daily.change(n.avg_resp_sec, b.avg_resp_sec))),
        ("退款率（付款日）", tables.fmt_pct(found.refund_rate),
         tables.fmt_pct(found.refund_rate_prev),
         tables.fmt_pp(None if found.refund_rate is None or found.refund_rate_prev is None
                       else found.refund_rate - found.refund_rate_prev)),
        ("退款成功金额（完结日）", tables.fmt_money(found.refund_total),
         tables.fmt_money(found.refund_total_prev),
         tables.fmt_change(daily.change(found.refund_total, found.refund_total_prev))),
    ]
    return pd.DataFrame(rows, columns=["指标", "本期", "上期同期", "变化"])


def show_service(found: pa.PeriodService, review: pa.PeriodReview) -> None:
    """Show 询单率, 询单转化率, response times, refunds and reasons, and DSR movement."""
    from storeops.report import show_note

    p = review.period
    if found.now.days == 0 and found.previous.days == 0:
        show_note("客服：无客服绩效 / 询单导出，询单率、询单转化率、响应时长显示 —。")
    frame = service_frame(found)
    tables.show_html(tables.html_table(
        frame, align_right={"本期", "上期同期", "变化"},
        caption=f"客服与退款：{_span(p)} 对比{PREVIOUS[p.kind]}同期"))
    notes = ["询单率 = Σ询单人数 ÷ Σ日访客，询单转化率 = Σ询单最终付款人数 ÷ Σ询单人数"
             "（全店汇总行，不按客服相加）；响应时长为各日全店值按询单人数加权",
             "退款率 = 付款在本期的订单的退款金额 ÷ 支付金额；退款成功金额与原因按退款完结日"]
    if found.now.days and found.now.days < p.elapsed:
        notes.append(f"客服数据覆盖{THIS[p.kind]} {found.now.days}/{p.elapsed} 天")
    if found.now.days and found.previous.days < review.previous_period.elapsed:
        notes.append(f"{PREVIOUS[p.kind]}同期客服数据仅 {found.previous.days}/"
                     f"{review.previous_period.elapsed} 天")
    show_note("。".join(notes) + "。")
    if found.reasons is None:
        show_note("退款原因：无退款单导出。")
    elif found.reasons.empty:
        show_note(f"退款原因：{THIS[p.kind]}没有完结的退款成功记录。")
    else:
        r = found.reasons
        shown = pd.DataFrame({
            "原因": list(r["reason"]),
            "笔数": [tables.fmt_int(v) for v in r["refunds"]],
            "金额": [tables.fmt_money(v) for v in r["refund_amount"]],
            "上期笔数": [tables.fmt_int(v) for v in r["refunds_base"]],
            "上期金额": [tables.fmt_money(v) for v in r["refund_amount_base"]],
        })
        tables.show_html(tables.html_table(
            shown, align_right={"笔数", "金额", "上期笔数", "上期金额"},
            caption=f"退款原因（退款成功，按金额前 {len(r)} 名；换货/补寄/维修不计金额）"))
    if found.dsr is None:
        show_note("DSR：无店铺DSR导出。")
        return
    d = found.dsr
    shown = pd.DataFrame({
        "指标": list(d["metric"]),
        "期初": [_score(v) for v in d["start_score"]],
        "期末": [f"{_score(v)}{' ⚠' if low else ''}"
                 for v, low in zip(d["end_score"], d["below_line"], strict=True)],
        "变化": [_score_change(v) for v in d["change"]],
    })
    tables.show_html(tables.html_table(
        shown, align_right={"期初", "期末", "变化"},
        caption=(f"DSR 变化：期初为 {p.start.isoformat()} 当日或之前最近的评分，期末为 "
                 f"{p.through.isoformat()}；⚠ 低于 {found.dsr_line}")))


# ---------------------------------------------------------------- 下期计划 (section 7)


def next_frame(nxt: pa.NextPeriod, review: pa.PeriodReview) -> pd.DataFrame:
    """Return the next period's targets and the UV they need, as display text."""
    p = review.period
    rows = [
        ("销售目标", tables.fmt_money(nxt.gmv_target) if nxt.gmv_target is not None
         else "未设置"),
        ("访客目标（Σ日访客）", tables.fmt_int(nxt.uv_target) if nxt.uv_target is not None
         else "未设置"),
    ]
    for metric, label in pa.RATIO_TARGET_NAMES.items():
        if metric in nxt.ratio_targets:
            value = nxt.ratio_targets[metric]
            rows.append((f"{label}目标", tables.fmt_money(Decimal(str(value)), decimals=2)
                         if metric == "aov" else tables.fmt_pct(value, decimals=2)))
    rows += [
        (f"{THIS[p.kind]}转化率 / 客单价",
         f"{tables.fmt_pct(nxt.conversion_rate, decimals=2)} / "
         f"{tables.fmt_money(nxt.aov, decimals=2)}"),
        ("所需访客（按本期转化率、客单价）", tables.fmt_int(nxt.uv_needed)),
        (f"按{THIS[p.kind]}节奏的访客", tables.fmt_int(nxt.uv_pace)),
        ("访客缺口", tables.MISSING if nxt.uv_gap is None
         else f"{'缺' if nxt.uv_gap > 0 else '富余'} {tables.fmt_int(abs(nxt.uv_gap))}"),
    ]
    return pd.DataFrame(rows, columns=["项目", "数值"])


def show_next(nxt: pa.NextPeriod, review: pa.PeriodReview) -> None:
    """Show the next period's targets, the UV gap, and the daily actions still open."""
    from storeops.report import show_note

    p, q = review.period, nxt.period
    head = f"{NEXT[p.kind]}：{q.start.isoformat()} 至 {q.end.isoformat()}（{q.days} 天）。"
    if nxt.gmv_target is None:
        head += (f"目标表中没有{NEXT[p.kind]}的销售目标（年度计划写入目标表或在 stores.toml 写 "
                 "monthly_target 后即可显示所需访客与缺口）。")
    else:
        head += f"销售目标来源：{nxt.target_source}。"
    show_note(head)
    frame = next_frame(nxt, review)
    tables.show_html(tables.html_table(frame, align_right={"数值"}))
    show_note(f"所需访客 = 目标 ÷（转化率 × 客单价），均按{THIS[p.kind]}至今的 Σ日访客口径；"
              f"按{THIS[p.kind]}节奏 = {THIS[p.kind]}日均访客 × {NEXT[p.kind]}天数"
              f"（{THIS[p.kind]}至今 Σ日访客 {tables.fmt_int(nxt.uv_now)}，{p.elapsed} 天）。")
    if not nxt.action_days:
        show_note("未收集日报行动清单。")
        return
    if nxt.actions.empty:
        show_note(f"日报行动清单：{THIS[p.kind]} {nxt.action_days} 天的行动在 "
                  f"{p.through.isoformat()} 均已不再触发（共关闭 {len(nxt.closed)} 项）。")
        return
    a = nxt.actions
    shown = pd.DataFrame({
        "行动（截至日的日报原文）": list(a["text"]),
        "首次出现": [d.isoformat()[5:] for d in a["first_seen"]],
        "触发天数": [tables.fmt_int(v) for v in a["days"]],
    })
    tables.show_html(tables.html_table(
        shown, align_right={"触发天数"},
        caption=(f"仍未关闭的行动：{p.through.isoformat()} 的日报仍触发的条件"
                 f"（本期 {nxt.action_days} 天日报中出现过）")))
    show_note(f"行动在条件不再成立的那天关闭：{THIS[p.kind]}已关闭 {len(nxt.closed)} 项，"
              f"仍未关闭 {len(a)} 项（同一关键词、客服、SKU、商品或指标跨天视为同一行动）。")


# ---------------------------------------------------------------- the daily action lists


def daily_actions(con: Any, day: Any, store: Any) -> list[str]:
    """
    Return the daily review's action list (今日行动清单) for ``day``, as that review builds it.

    Parameters
    ----------
    con : DuckDBPyConnection
        The store's warehouse.
    day : date
        The day reviewed.
    store : StoreConfig
        Thresholds and 毛利率 of the store (the same the daily review uses).
    """
    kpis = daily.kpis(con, day)
    split = daily.bridge(kpis)
    found = daily.anomalies(kpis, anomaly.rules_from(store.thresholds.anomaly))
    ops = operations.operations_day(con, day, **store.thresholds.operations())
    todo = narrative.actions(split, found) + ops_report.operations_actions(ops)
    summary = ads.channel_summary(con, day, kpis.today["gmv"])
    hits = ads.keyword_rules(con, day, gross_margin=store.gross_margin,
                             **store.thresholds.ad_rules())
    todo = todo + ads_report.ads_actions(hits)
    traffic = merch.traffic_day(con, kpis)
    items = merch.merch_day(con, kpis)
    checks = merch.cross_checks(con, kpis, summary)
    return (merch_report.checks_actions(checks) + todo + merch_report.traffic_actions(traffic)
            + merch_report.merch_actions(items))


def period_actions(con: Any, review: pa.PeriodReview, store: Any) -> dict[Any, list[str]]:
    """Return the daily action list of every day of the period up to ``through``."""
    p = review.period
    return {d: daily_actions(con, d, store) for d in metrics.period_days(p.start, p.through)}
