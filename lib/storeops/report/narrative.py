"""Plain-Chinese sentences generated from the figures: what happened, why, what to do.

Every sentence is built from numbers passed in (never from export text), and formatted by
``report.tables`` so money and ratios read the same everywhere.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from storeops.analysis.anomaly import Anomaly
from storeops.analysis.decompose import FactorSplit
from storeops.report.tables import fmt_money, fmt_pct

FACTOR_LABELS = {"uv": "访客数", "conversion": "转化率", "aov": "客单价"}


def _signed_money(x: Decimal) -> str:
    return ("+" if x >= 0 else "−") + fmt_money(abs(x))


def _rise(now: float, before: float) -> str:
    return "增加" if now > before else "减少" if now < before else "持平"


def bridge_sentence(split: FactorSplit, today: dict[str, Any], last_week: dict[str, Any]
                    ) -> str:
    """
    Say how much GMV moved vs the same weekday last week and what each factor contributed.

    Example: 支付金额比上周同日增加 ¥1,000：访客数减少 20.0 %，贡献 −¥1,000；转化率从 2.00 % 升到
    2.50 %，贡献 +¥1,000；客单价从 ¥200 升到 ¥250，贡献 +¥1,000。
    """
    if today["gmv"] is None or last_week["gmv"] is None:
        return "缺少当日或上周同日的订单数据，无法比较支付金额。"
    rise = _rise(today["gmv"], last_week["gmv"])
    head = f"支付金额 {fmt_money(today['gmv'])}，比上周同日{rise} {fmt_money(abs(split.total))}"
    if not split.complete:
        return head + "；缺少访客数据（生意参谋店铺日报），无法拆分访客、转化率与客单价的贡献。"
    uv_change = (today["uv"] - last_week["uv"]) / last_week["uv"]
    parts = [
        f"访客数{_rise(today['uv'], last_week['uv'])} {fmt_pct(abs(uv_change))}，"
        f"贡献 {_signed_money(split.uv)}",
        f"转化率从 {fmt_pct(last_week['conversion_rate'], decimals=2)} "
        f"{'升' if today['conversion_rate'] >= last_week['conversion_rate'] else '降'}到 "
        f"{fmt_pct(today['conversion_rate'], decimals=2)}，贡献 {_signed_money(split.conversion)}",
        f"客单价从 {fmt_money(last_week['aov'], decimals=2)} "
        f"{'升' if today['aov'] >= last_week['aov'] else '降'}到 "
        f"{fmt_money(today['aov'], decimals=2)}，贡献 {_signed_money(split.aov)}",
    ]
    return head + "：" + "；".join(parts) + "。"


def main_driver(split: FactorSplit) -> str | None:
    """Return the factor with the largest effect ("uv", "conversion", "aov"), or None."""
    if not split.complete or split.total == 0:
        return None
    effects = {"uv": split.uv, "conversion": split.conversion, "aov": split.aov}
    return max(effects, key=lambda k: abs(effects[k]))


_ACTION_BY_DRIVER = {
    ("uv", False): "访客下降是主因：先看流量来源里哪个渠道掉了，"
                   "检查直通车/万相台预算与出价、搜索排名",
    ("conversion", False): "转化率下降是主因：检查主推款的价格与优惠、详情页、评价与客服响应",
    ("aov", False): "客单价下降是主因：检查满减/搭配套餐是否失效，主推款是否换成了低价款",
}


def actions(split: FactorSplit, found: list[Anomaly]) -> list[str]:
    """Return the day's first actions, most money at stake first (deduplicated)."""
    out: list[str] = []
    driver = main_driver(split)
    if driver is not None and split.total < 0:
        out.append(_ACTION_BY_DRIVER[(driver, False)])
    for a in found:
        if a.muted_reason is None and a.value is None:
            out.append(f"{a.label}：补齐当日导出后重新生成报告")
    return list(dict.fromkeys(out))


def conclusion(today: dict[str, Any], prev_day: dict[str, Any], last_week: dict[str, Any],
               split: FactorSplit, found: list[Anomaly], todo: list[str]) -> list[str]:
    """Return three to six sentences: GMV and why, the biggest risk, the first action."""
    if today["gmv"] is None:
        return ["当日没有订单数据：请先导入当日的订单报表。"]
    lines = [bridge_sentence(split, today, last_week)]
    if prev_day["gmv"] is not None:
        lines.append(f"与前一日相比{_rise(today['gmv'], prev_day['gmv'])} "
                     f"{fmt_money(abs(today['gmv'] - prev_day['gmv']))}。")
    driver = main_driver(split)
    if driver is not None:
        effect = {"uv": split.uv, "conversion": split.conversion, "aov": split.aov}[driver]
        lines.append(f"影响最大的是{FACTOR_LABELS[driver]}（{_signed_money(effect)}）。")
    live = [a for a in found if a.muted_reason is None]
    if live:
        a = live[0]
        what = "数据缺失" if a.value is None else f"偏离近4周同日中位数 {a.change_pct:+.0%}"
        lines.append(f"最大风险：{a.label}{'' if a.value is None else what}。")
    elif found:
        lines.append(f"今天是{found[0].muted_reason}，波动属预期，异常提醒已静音。")
    else:
        lines.append("核心指标都在近4周同日的正常范围内。")
    if todo:
        lines.append(f"第一件事：{todo[0]}。")
    return lines[:6]
