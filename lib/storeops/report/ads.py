"""Show the 推广 (ads) section of the daily review, and its lines for the action list.

Everything goes through :mod:`storeops.report.tables`: money ``¥1,234``, ratios ``3.5 %``,
every string escaped (plan names and keywords come from exports and can hold ``<script>``).
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from storeops.analysis.ads import (
    COST_RATIO_CEILING,
    RULE_CTR,
    RULE_NO_SALE,
    RULE_ROI,
    RULES,
    TOTAL,
    Backtest,
    RuleHit,
)
from storeops.report import tables

MISSING_EXPORT = "万相台/直通车 关键词报表"
"""The export that fills the keyword rules and the backtest."""

LEVEL_LABELS = {"plan": "计划", "item": "商品", "keyword": "关键词", "crowd": "人群"}


def _roi_text(roi: float | None) -> str:
    return tables.MISSING if tables.is_missing(roi) else f"{roi:.2f}"


def _window_text(days: int) -> str:
    return "当天" if days == 1 else f"{days}天累计"


def hit_figures(hit: RuleHit) -> str:
    """
    Return the numbers that made a rule fire, in plain Chinese (not escaped).

    Examples: ``点击率 0.30 % < 计划中位数 1.20 % × 50 %（展现 1,000）``; ``连续7天有花费共
    ¥123，0 笔成交（点击 45）``; ``近7天 ROI 1.50 < 保本 2.22（花费 ¥200，成交 ¥300）``.
    """
    f = hit.figures
    if hit.rule == RULE_CTR:
        return (f"点击率 {tables.fmt_pct(f['ctr'], decimals=2)} < 计划中位数 "
                f"{tables.fmt_pct(f['plan_median_ctr'], decimals=2)} × "
                f"{tables.fmt_pct(f['ctr_ratio'], decimals=0)}（展现 "
                f"{tables.fmt_int(f['impressions'])}，点击 {tables.fmt_int(f['clicks'])}）")
    if hit.rule == RULE_NO_SALE:
        return (f"连续{f['days']}天有花费共 {tables.fmt_money(f['spend'], decimals=2)}，"
                f"0 笔成交（点击 {tables.fmt_int(f['clicks'])}）")
    if hit.rule == RULE_ROI:
        return (f"近{f['days']}天 ROI {_roi_text(f['roi'])} < 保本 {_roi_text(f['break_even'])}"
                f"（花费 {tables.fmt_money(f['spend'], decimals=2)}，成交 "
                f"{tables.fmt_money(f['gmv'], decimals=2)}）")
    return str(f)


def _keyword_label(hit: RuleHit) -> str:
    return f"{hit.keyword}（商品 {hit.item_id}）" if hit.item_id else hit.keyword


def channel_table(summary: pd.DataFrame, *, ceiling: float = COST_RATIO_CEILING) -> str:
    """Return the channel table (花费, 成交金额, ROI, 点击率, 推广费比 with ⚠ over the ceiling)."""
    def cost_ratio(x: float | None) -> str:
        text = tables.fmt_pct(x)
        return f"{text} ⚠" if not tables.is_missing(x) and x > ceiling else text

    def level(row: pd.Series) -> str:
        return LEVEL_LABELS.get(row["report_level"], row["report_level"] or "")

    shown = pd.DataFrame({
        "渠道": summary["channel"],
        "花费": [tables.fmt_money(v) for v in summary["cost"]],
        "成交金额": [tables.fmt_money(v) for v in summary["gmv_total"]],
        "ROI": [_roi_text(v) for v in summary["roi"]],
        "点击率": [tables.fmt_pct(v, decimals=2) for v in summary["ctr"]],
        f"推广费比（上限 {tables.fmt_pct(ceiling, decimals=0)}）":
            [cost_ratio(v) for v in summary["cost_ratio"]],
        "口径": [level(r) for _, r in summary.iterrows()],
    })
    window = int(summary["window_days"].iloc[0])
    caption = (f"归因窗口：{_window_text(window)}（按点击日）；每个渠道只取一个报表层级的花费；"
               f"各渠道成交有重叠，{TOTAL}行不加总成交金额")
    return tables.html_table(shown, caption=caption,
                             align_right=set(shown.columns[1:-1]))


def hits_table(hits: list[RuleHit], *, top: int = 20) -> str:
    """Return the rule-hits table, most money at stake first (the first ``top`` rows)."""
    ordered = sorted(hits, key=lambda h: (-h.cost, RULES.index(h.rule)))[:top]
    shown = pd.DataFrame({
        "规则": [h.rule for h in ordered],
        "计划": [h.plan_name for h in ordered],
        "关键词": [_keyword_label(h) for h in ordered],
        "触发数字": [hit_figures(h) for h in ordered],
        "涉及花费": [tables.fmt_money(h.cost, decimals=2) for h in ordered],
    }, columns=["规则", "计划", "关键词", "触发数字", "涉及花费"])
    more = len(hits) - len(ordered)
    caption = f"关键词规则命中（按涉及花费排序{f'，另有 {more} 条未列出' if more > 0 else ''}）"
    return tables.html_table(shown, caption=caption, align_right={"涉及花费"})


def backtest_sentence(bt: Backtest) -> str:
    """Return the one-sentence backtest: spend saved vs sales put at risk (not escaped)."""
    if not bt.has_data:
        return f"规则回测暂无数据：上传近{bt.days}天的{MISSING_EXPORT}即可回测。"
    if bt.keywords == 0:
        return (f"近{bt.days}天如按规则（7天无成交暂停、ROI低于保本降预算）执行，"
                "没有关键词会被暂停。")
    parts = "；".join(f"{r.rule} {r.keywords} 个词：省 {tables.fmt_money(r.saved)}、"
                     f"影响成交 {tables.fmt_money(r.at_risk)}" for r in bt.by_rule if r.keywords)
    return (f"近{bt.days}天如按规则暂停 {bt.keywords} 个关键词，可省 {tables.fmt_money(bt.saved)} "
            f"花费，但这些关键词带来的 {tables.fmt_money(bt.at_risk)} 成交会受影响"
            f"（{parts}）。")


def ads_html(summary: pd.DataFrame | None, hits: list[RuleHit], bt: Backtest, *,
             ceiling: float = COST_RATIO_CEILING, top: int = 20) -> str:
    """
    Build the 推广 section's HTML: channel table, rule hits, backtest sentence.

    Parameters
    ----------
    summary : DataFrame or None
        From ``analysis.ads.channel_summary``; None when the day has no ad data.
    hits : list of RuleHit
        From ``analysis.ads.keyword_rules``.
    bt : Backtest
        From ``analysis.ads.backtest``.
    ceiling : float
        推广费比 ceiling (fraction); above it the ratio carries a ⚠.
    top : int
        Rule hits shown.
    """
    def note(text: str) -> str:
        return f'<p class="so-note">{tables.escape(text)}</p>'

    parts = []
    if summary is None:
        parts.append(note(f"当日没有推广数据：上传当日的{MISSING_EXPORT}（或万相台商品报表）"
                          "即可显示各渠道花费、ROI 与推广费比。"))
    else:
        parts.append(channel_table(summary, ceiling=ceiling))
        total = summary.loc[summary["channel"] == TOTAL, "cost_ratio"].iloc[0]
        if tables.is_missing(total):
            parts.append(note("推广费比无法计算：当日没有订单数据（店铺支付金额）。"))
    if not bt.has_data or bt.last_day is None or bt.last_day < bt.day:
        latest = f"（最新到 {bt.last_day.isoformat()}）" if bt.last_day else ""
        parts.append(note(f"关键词规则未评估：{MISSING_EXPORT}没有覆盖 {bt.day.isoformat()}"
                          f"{latest}，上传后即可检查换创意、暂停关键词、降价或降预算。"))
    elif hits:
        parts.append(hits_table(hits, top=top))
    else:
        parts.append(note("关键词规则均未触发（点击率、7天无成交、ROI 保本线）。"))
    parts.append(note(backtest_sentence(bt)))
    return "".join(parts)


def show_ads(summary: pd.DataFrame | None, hits: list[RuleHit], bt: Backtest, *,
             ceiling: float = COST_RATIO_CEILING, top: int = 20) -> None:
    """Display the 推广 section (see :func:`ads_html`)."""
    tables.show_html(ads_html(summary, hits, bt, ceiling=ceiling, top=top))


_VERB = {RULE_NO_SALE: "暂停", RULE_ROI: "降低出价或预算", RULE_CTR: "更换创意图"}


def ads_actions(hits: list[RuleHit], *, limit: int = 5) -> list[str]:
    """
    Return plain Chinese action lines, most money at stake first, one per keyword.

    A keyword hit by several rules gets the strongest one (暂停 > 降价或降预算 > 换创意).
    After ``limit`` lines, one line counts the rest. Lines are not escaped (the report
    escapes them when it shows the action list).
    """
    best: dict[tuple[str, str, str, str], RuleHit] = {}
    for h in hits:
        key = (h.channel, h.plan_id or h.plan_name, h.unit_key, f"{h.keyword}|{h.item_id}")
        kept = best.get(key)
        if kept is None or RULES.index(h.rule) < RULES.index(kept.rule):
            best[key] = h
    ordered = sorted(best.values(), key=lambda h: (-h.cost, RULES.index(h.rule), h.keyword))
    lines: dict[str, Decimal] = {}
    for h in ordered:
        text = (f"关键词「{_keyword_label(h)}」（{h.channel}·{h.plan_name}）建议{_VERB[h.rule]}："
                f"{hit_figures(h)}")
        lines.setdefault(text, h.cost)
    out = list(lines)
    if len(out) > limit:
        stake = sum(list(lines.values())[limit:], Decimal(0))
        out = [*out[:limit], f"另有 {len(out) - limit} 个关键词触发推广规则"
                             f"（涉及花费 {tables.fmt_money(stake)}），见推广一节"]
    return out
