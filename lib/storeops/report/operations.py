"""Show the daily review's operations sections and turn them into action lines.

``show_service``, ``show_after_sales`` and ``show_stock_and_shipping`` take the results of
:mod:`storeops.analysis.operations` (None = no data: the note names the export to upload).
Every figure goes through :mod:`storeops.report.tables`; every cell is escaped by
``html_table``; buyer nicks are masked and review text is already redacted.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from storeops.analysis.operations import (
    SOURCES,
    DsrDay,
    OperationsDay,
    RefundDay,
    ReviewDay,
    ServiceDay,
    ShippingDay,
    StockDay,
)
from storeops.report import tables

MARK = "▼"
"""Marks an agent below the team median (or slower than it)."""


def _note(text: str) -> None:
    tables.show_html(f'<p class="so-note">{tables.escape(text)}</p>')


def _missing(section: str, source: str) -> None:
    _note(f"{section}暂无数据：上传当日的「{SOURCES[source]}」导出即可显示。")


def fmt_seconds(sec: Any) -> str:
    """Format a duration in seconds: ``18.4`` → ``18 秒``; ``—`` when missing."""
    text = tables.fmt_int(sec)
    return text if text == tables.MISSING else f"{text} 秒"


def _fmt_score(x: Any) -> str:
    if tables.is_missing(x):
        return tables.MISSING
    # 3 decimals, cut not rounded: a 4.7995 must never read as 4.800 next to "below 4.8"
    return str(Decimal(str(x)).quantize(Decimal("0.001"), rounding=ROUND_DOWN))


def _fmt_score_change(x: Any) -> str:
    if tables.is_missing(x):
        return tables.MISSING
    value = Decimal(str(x)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    if value > 0:
        return f"▲ +{value}"
    if value < 0:
        return f"▼ {tables.MINUS}{abs(value)}"
    return "0.000"


def _fmt_days(x: Any) -> str:
    if tables.is_missing(x):
        return "无销量"
    return f"{Decimal(str(float(x))).quantize(Decimal('0.1'))} 天"


# ---------------------------------------------------------------- 客服


def show_service(service: ServiceDay | None) -> None:
    """
    Show 客服: shop 询单人数, 询单转化率, response times, 满意率, then one row per agent.

    Agents below the team median 询单转化率, or slower than the median 首次响应时长, are
    marked ▼ on that figure.
    """
    if service is None:
        _missing("客服", "service")
        return
    shop = service.shop
    head = pd.DataFrame({
        "询单人数": [tables.fmt_int(shop.inquiry_users)],
        "询单转化率": [tables.fmt_pct(shop.inquiry_cvr)],
        "首次响应": [fmt_seconds(shop.first_resp_sec)],
        "平均响应": [fmt_seconds(shop.avg_resp_sec)],
        "满意率": [tables.fmt_pct(shop.satisfaction_rate)],
    })
    tables.show_html(tables.html_table(head, align_right=set(head.columns),
                                       caption=f"全店（{shop.basis}）"))
    if shop.peer_cvr is not None or shop.peer_first_resp_sec is not None:
        _note(f"同行同层均值：询单转化率 {tables.fmt_pct(shop.peer_cvr)}，"
              f"首次响应 {fmt_seconds(shop.peer_first_resp_sec)}。")
    a = service.agents
    if a.empty:
        _note("当日没有按客服的数据（只有店铺询单汇总）。")
        return

    def marked(text: str, flag: bool) -> str:
        return f"{MARK} {text}" if flag else text

    frame = pd.DataFrame({
        "客服": a["agent"],  # employee sub-account: internal report (§11)
        "接待人数": [tables.fmt_int(x) for x in a["served_users"]],
        "询单人数": [tables.fmt_int(x) for x in a["inquiry_users"]],
        "询单转化率": [marked(tables.fmt_pct(x), f)
                  for x, f in zip(a["inquiry_cvr"], a["low_cvr"], strict=True)],
        "首次响应": [marked(fmt_seconds(x), f)
                 for x, f in zip(a["first_resp_sec"], a["slow_first_resp"], strict=True)],
        "平均响应": [fmt_seconds(x) for x in a["avg_resp_sec"]],
        "满意率": [tables.fmt_pct(x) for x in a["satisfaction_rate"]],
    })
    caption = (f"按客服（{MARK} = 询单转化率低于团队中位数 "
               f"{tables.fmt_pct(service.median_cvr)}，或首次响应慢于中位数 "
               f"{fmt_seconds(service.median_first_resp_sec)}）")
    tables.show_html(tables.html_table(frame, align_right=set(frame.columns[1:]),
                                       caption=caption))


# ---------------------------------------------------------------- 售后与评价


def show_refunds(refunds: RefundDay | None) -> None:
    """Show successful refunds of the day by reason and the refund rate vs 30 days."""
    if refunds is None:
        _missing("退款", "refunds")
        return
    if not refunds.covers_day:
        _note(f"退款单只到 {refunds.last_day.isoformat()}，未覆盖报告日：当日退款可能不全。")
    partial = ("" if refunds.baseline_days == refunds.window_days
               else f"，其中 {refunds.baseline_days} 天有订单")
    _note(f"当日成功退款 {tables.fmt_int(refunds.refunds)} 笔，"
          f"{tables.fmt_money(refunds.refund_amount)}；退款率 {tables.fmt_pct(refunds.rate)}"
          f"（前{refunds.window_days}天 {tables.fmt_pct(refunds.baseline_rate)}{partial}）。"
          "退款率 = 当日完结的成功退款金额 ÷ 当日支付金额（按付款时间）；"
          f"前{refunds.window_days}天为退款合计 ÷ 支付金额合计，不是日退款率的平均。")
    if refunds.goods_only:
        _note(f"另有换货/补寄/维修 {tables.fmt_int(refunds.goods_only)} 笔，不计入退款金额。")
    if refunds.by_reason.empty:
        return
    b = refunds.by_reason
    frame = pd.DataFrame({
        "退款原因": b["reason"],
        "笔数": [tables.fmt_int(x) for x in b["refunds"]],
        "退款金额": [tables.fmt_money(x) for x in b["refund_amount"]],
    })
    tables.show_html(tables.html_table(frame, align_right={"笔数", "退款金额"},
                                       caption="成功退款（按退款完结时间）按原因"))


def show_reviews(reviews: ReviewDay | None) -> None:
    """Show the day's 差评 and 中评 with the text (redacted, escaped) and masked nicks."""
    if reviews is None:
        _missing("评价", "reviews")
        return
    if not reviews.covers_day:
        _note(f"评价导出只到 {reviews.last_day.isoformat()}，未覆盖报告日。")
    _note(f"当日评价 {tables.fmt_int(reviews.total)} 条，其中差评 "
          f"{tables.fmt_int(reviews.negative)} 条、中评 {tables.fmt_int(reviews.neutral)} 条。")
    if reviews.bad.empty:
        return
    b = reviews.bad
    titles = [t if not tables.is_missing(t) else i for t, i in
              zip(b["title"], b["item_id"], strict=True)]
    frame = pd.DataFrame({
        "类型": b["rating_class"],
        "时间": [pd.Timestamp(x).strftime("%H:%M") if not tables.is_missing(x)
               else tables.MISSING for x in b["review_time"]],
        "商品": titles,
        "SKU": b["sku_text"],
        "买家": [tables.masked_name(x) for x in b["buyer_nick_masked"]],
        "评价内容": b["content"],
        "追评": b["append_content"],
        "商家回复": b["seller_reply"],
    })
    tables.show_html(tables.html_table(frame, caption="当日差评与中评（手机号、证件号已隐去）"))


def show_dsr(dsr: DsrDay | None) -> None:
    """Show the latest DSR per metric, its change over 30 days and the flag below 4.8."""
    if dsr is None:
        _missing("DSR", "dsr")
        return
    s = dsr.scores
    frame = pd.DataFrame({
        "指标": s["metric"],
        "最新得分": [_fmt_score(x) for x in s["score"]],
        "日期": [x.isoformat() for x in s["as_of"]],
        "近30天变化": [_fmt_score_change(x) for x in s["change"]],
        "近30天最低": [_fmt_score(x) for x in s["low_score"]],
        "行业均值": [_fmt_score(x) for x in s["industry_avg"]],
        "状态": [f"{MARK} 低于 {dsr.line}" if b else "正常" for b in s["below_line"]],
    })
    tables.show_html(tables.html_table(
        frame, align_right={"最新得分", "近30天变化", "近30天最低", "行业均值"},
        caption=f"店铺DSR（取最新值，不做平均；警戒线 {dsr.line}）"))


def show_after_sales(refunds: RefundDay | None, reviews: ReviewDay | None,
                     dsr: DsrDay | None) -> None:
    """Show 售后与评价: refunds by reason and rate, bad/medium reviews, DSR vs 4.8."""
    show_refunds(refunds)
    show_reviews(reviews)
    show_dsr(dsr)


# ---------------------------------------------------------------- 库存与发货


def show_stock(stock: StockDay | None) -> None:
    """Show SKUs below safety stock or with few days of cover, most urgent first."""
    if stock is None:
        _missing("库存", "stock")
        return
    if not stock.covers_day:
        _note(f"库存快照为 {stock.snapshot_date.isoformat()}，早于报告日。")
    if not stock.has_sales:
        _note(f"近{stock.sales_days}天没有订单明细（宝贝报表），无法计算可售天数。")
    if stock.alerts.empty:
        _note(f"{tables.fmt_int(stock.skus)} 个 SKU 均高于安全库存且可售天数不少于 "
              f"{stock.cover_days} 天。")
        return
    a = stock.alerts
    frame = pd.DataFrame({
        "商家编码": a["sku_code"],
        "商品": a["name"],
        "规格": a["spec"],
        "可用库存": [tables.fmt_int(x) for x in a["available"]],
        "安全库存": [tables.fmt_int(x) for x in a["safety_stock"]],
        f"近{stock.sales_days}天销量": [tables.fmt_int(x) for x in a["sold_qty"]],
        "可售天数": [_fmt_days(x) for x in a["cover_days"]],
        "原因": ["、".join(w for w, f in (("低于安全库存", b), (f"不足{stock.cover_days}天", c))
                         if f) for b, c in zip(a["below_safety"], a["low_cover"], strict=True)],
    })
    tables.show_html(tables.html_table(
        frame, align_right={"可用库存", "安全库存", f"近{stock.sales_days}天销量", "可售天数"},
        caption=(f"库存预警（快照 {stock.snapshot_date.isoformat()}；可售天数 = 可用库存 ÷ "
                 f"近{stock.sales_days}天日均销量）")))


def show_shipping(shipping: ShippingDay | None) -> None:
    """Show paid orders unshipped at the day's end: 48–72 h and past the 72-hour rule."""
    if shipping is None:
        _missing("发货", "shipping")
        return
    late, warn = shipping.late, shipping.warn
    _note(f"截至当日 23:59:59 已付款未发货：超过{shipping.late_hours}小时 "
          f"{tables.fmt_int(len(late))} 单，{shipping.warn_hours}–{shipping.late_hours}小时 "
          f"{tables.fmt_int(len(warn))} 单，不足{shipping.warn_hours}小时 "
          f"{tables.fmt_int(shipping.under_warn)} 单。")
    if shipping.orders.empty:
        return
    o = shipping.orders
    frame = pd.DataFrame({
        "订单编号": o["order_id"],
        "付款时间": [pd.Timestamp(x).strftime("%m-%d %H:%M") for x in o["paid_at"]],
        "已等待": [f"{tables.fmt_int(x)} 小时" for x in o["age_hours"]],
        "分组": o["bucket"],
        "实付金额": [tables.fmt_money(x) for x in o["paid_amount"]],
        "商品": o["title_summary"],
    })
    tables.show_html(tables.html_table(frame, align_right={"已等待", "实付金额"},
                                       caption="超时未发货订单（最早付款在前）"))


def show_stock_and_shipping(stock: StockDay | None, shipping: ShippingDay | None) -> None:
    """Show 库存与发货: stock alerts, then unshipped orders past 48 h / 72 h."""
    show_stock(stock)
    show_shipping(shipping)


# ---------------------------------------------------------------- actions


def operations_actions(ops: OperationsDay, *, refund_rise_pp: float = 0.01,
                       max_agents: int = 3, max_skus: int = 3) -> list[str]:
    """
    Return plain Chinese action lines, most urgent first.

    Order: orders past 72 h, out-of-stock / short SKUs, DSR below the line, 差评/中评,
    refund rate above the 30-day rate by ``refund_rise_pp`` (fraction points), orders at
    48–72 h, agents below the team median. Each line names the order count, SKU, metric
    or agent and the figure.
    """
    out: list[str] = []
    p, k, d, v, r, s = (ops.shipping, ops.stock, ops.dsr, ops.reviews, ops.refunds,
                        ops.service)
    if p is not None and len(p.late):
        amount = sum((x for x in p.late["paid_amount"] if x is not None), Decimal(0))
        oldest = max(p.late["age_hours"])
        out.append(f"{len(p.late)} 单付款超过{p.late_hours}小时仍未发货（实付 "
                   f"{tables.fmt_money(amount)}，最久 {tables.fmt_int(oldest)} 小时）："
                   "今天必须发出，超时会被判延迟发货。")
    if k is not None and len(k.alerts):
        for row in k.alerts.head(max_skus).itertuples(index=False):
            name = row.name if not tables.is_missing(row.name) else row.sku_code
            cover = (f"可售 {_fmt_days(row.cover_days)}" if not tables.is_missing(row.cover_days)
                     else "近期无销量")
            safety = (f"，安全库存 {tables.fmt_int(row.safety_stock)}"
                      if row.below_safety else "")
            label = name if name == row.sku_code else f"{name}（{row.sku_code}）"
            out.append(f"补货：{label} 可用库存 "
                       f"{tables.fmt_int(row.available)}{safety}，{cover}。")
        if len(k.alerts) > max_skus:
            out.append(f"另有 {len(k.alerts) - max_skus} 个 SKU 库存预警，见库存表。")
    if d is not None:
        for row in d.scores.loc[d.scores["below_line"]].itertuples(index=False):
            out.append(f"DSR {row.metric} {_fmt_score(row.score)}，低于 {d.line}："
                       "查近期差评与售后原因并逐一回访。")
    if v is not None and len(v.bad):
        out.append(f"当日差评 {v.negative} 条、中评 {v.neutral} 条："
                   "今天内解释回复并联系买家处理。")
    if (r is not None and r.rate is not None and r.baseline_rate is not None
            and r.rate - r.baseline_rate >= refund_rise_pp):
        top = r.by_reason.iloc[0] if len(r.by_reason) else None
        reason = (f"，最多的原因是「{top['reason']}」{tables.fmt_money(top['refund_amount'])}"
                  if top is not None else "")
        out.append(f"退款率 {tables.fmt_pct(r.rate)}，高于前{r.window_days}天 "
                   f"{tables.fmt_pct(r.baseline_rate)}"
                   f"（当日退款 {tables.fmt_money(r.refund_amount)}"
                   f"{reason}）：检查对应商品和描述。")
    if p is not None and len(p.warn):
        out.append(f"{len(p.warn)} 单已付款 {p.warn_hours}–{p.late_hours} 小时未发货："
                   "明天前发出，避免超过72小时。")
    if s is not None and len(s.agents):
        flagged = s.agents.loc[s.agents["flagged"]].sort_values(
            "inquiry_users", ascending=False, na_position="last")
        for row in flagged.head(max_agents).itertuples(index=False):
            parts = []
            if row.low_cvr:
                parts.append(f"询单转化率 {tables.fmt_pct(row.inquiry_cvr)}（团队中位数 "
                             f"{tables.fmt_pct(s.median_cvr)}）")
            if row.slow_first_resp:
                parts.append(f"首次响应 {fmt_seconds(row.first_resp_sec)}（中位数 "
                             f"{fmt_seconds(s.median_first_resp_sec)}）")
            out.append(f"客服 {row.agent}：{'，'.join(parts)}，复盘聊天记录并辅导。")
    return out
