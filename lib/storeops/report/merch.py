"""Show the daily review's 流量, 商品 and 数据核对 sections, and their action lines.

Takes the results of :mod:`storeops.analysis.merch` (None = no data: the note names the
export to upload). Every figure goes through :mod:`storeops.report.tables` and every cell
is escaped by ``html_table``: item titles and source names come from exports and can hold
``<script>``. Source visitors overlap, so the tables say 来源访客合计 and never present the
sources as adding up to the shop's 访客数.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from storeops.analysis.merch import SOURCES, Check, MerchDay, TrafficDay
from storeops.report import tables

OK_MARK = "✓"
BAD_MARK = "⚠"

ADVICE = (
    ("搜索", "查搜索排名、主图与标题是否改动、主推款是否下架或被处罚"),
    ("推荐", "查主图点击率与首页推荐人群，主推款是否仍在推荐池"),
    ("直通车", "查关键词推广计划是否暂停、预算是否提前花完、出价是否被改"),
    ("关键词推广", "查关键词推广计划是否暂停、预算是否提前花完、出价是否被改"),
    ("万相台", "查万相台计划是否暂停、预算与人群设置"),
    ("引力魔方", "查引力魔方计划是否暂停、预算与人群设置"),
    ("淘宝客", "查淘宝客佣金与推广活动是否到期"),
    ("购物车", "老客与加购人群回访：购物车营销、短信召回"),
    ("我的淘宝", "老客回访：会员与收藏人群召回"),
    ("直接访问", "老客回访：会员与收藏人群召回"),
)
"""What to look at when a source's visitors fall (first keyword found in its name)."""


def _note(text: str) -> str:
    return f'<p class="so-note">{tables.escape(text)}</p>'


def _missing(section: str, source: str) -> str:
    return _note(f"{section}暂无数据：上传当日的「{SOURCES[source]}」导出即可显示。")


def fmt_delta(n: int | None) -> str:
    """Format a change of a count: ``+120``, ``−35`` (U+2212), ``0``; ``—`` when missing."""
    if tables.is_missing(n):
        return tables.MISSING
    if n > 0:
        return f"+{tables.fmt_int(n)}"
    if n < 0:
        return f"{tables.MINUS}{tables.fmt_int(-n)}"
    return "0"


def fmt_money_delta(x: Decimal | None) -> str:
    """Format a change of money: ``+¥1,234``, ``−¥56``; ``—`` when missing."""
    if tables.is_missing(x):
        return tables.MISSING
    text = tables.fmt_money(abs(x))
    return f"+{text}" if x > 0 else f"{tables.MINUS}{text}" if x < 0 else text


def advice(source: str) -> str:
    """Return what to look at when ``source``'s visitors fall (generic when unknown)."""
    for key, text in ADVICE:
        if key in source:
            return text
    return "查该来源的活动与投放是否变动"


# ---------------------------------------------------------------- 流量


def traffic_html(t: TrafficDay | None) -> str:
    """
    Build the 流量 section: visitors by source vs the same weekday last week, with drivers.

    Parameters
    ----------
    t : TrafficDay or None
        From :func:`storeops.analysis.merch.traffic_day`; None without the export.
    """
    if t is None:
        return _missing("流量来源", "traffic")
    s = t.sources
    frame = pd.DataFrame({
        "来源": [f"{src} ★" if d else src for src, d in zip(s["source"], s["is_driver"],
                                                           strict=True)],
        "一级来源": s["source_l1"],
        "访客数": [tables.fmt_int(v) for v in s["visitors"]],
        "上周同日": [tables.fmt_int(v) for v in s["visitors_base"]],
        "变化": [fmt_delta(v) for v in s["change"]],
        "变化率": [tables.fmt_change(v) for v in s["change_pct"]],
        "占来源访客合计": [tables.fmt_pct(v) for v in s["share"]],
        "支付转化率": [tables.fmt_pct(v, decimals=2) for v in s["pay_cvr"]],
    })
    caption = (f"{t.day.isoformat()} 对比上周同日 {t.base.isoformat()}"
               "（★ = 解释访客变化的主要来源；各设备相加，一级来源小计不重复计入）")
    parts = [tables.html_table(frame, caption=caption, align_right=set(frame.columns[2:]))]
    parts.append(_note(summary_sentence(t)))
    return "".join(parts)


def summary_sentence(t: TrafficDay) -> str:
    """One sentence: 店铺访客数 and 来源访客合计 side by side, then the drivers (not escaped)."""
    shop = (f"店铺访客数 {tables.fmt_int(t.shop_uv)}（上周同日 {tables.fmt_int(t.shop_uv_base)}，"
            f"{fmt_delta(t.shop_change)}）" if t.shop_uv is not None
            else f"店铺访客数：无流量数据（上传「{SOURCES['shop_daily']}」）")
    total = (f"来源访客合计 {tables.fmt_int(t.source_total)}"
             + (f"（上周同日 {tables.fmt_int(t.source_total_base)}，"
                f"{fmt_delta(t.source_change)}）" if t.has_base else "（上周同日无流量来源数据）"))
    text = (f"{shop}；{total}。同一访客会从多个来源进店，来源访客合计大于店铺访客数，"
            "各来源之和不等于店铺访客数。")
    if t.drivers:
        rows = t.sources.set_index("source")
        way = "减少" if rows.loc[t.drivers[0], "change"] < 0 else "增加"
        named = "、".join(f"{d} {fmt_delta(int(rows.loc[d, 'change']))}"
                         f"（占各来源访客{way}量的 "
                         f"{tables.fmt_pct(rows.loc[d, 'move_share'], decimals=0)}）"
                         for d in t.drivers)
        text += f"变化主要来自：{named}。"
    return text


def show_traffic(t: TrafficDay | None) -> None:
    """Display the 流量 section (see :func:`traffic_html`)."""
    tables.show_html(traffic_html(t))


def traffic_actions(t: TrafficDay | None, *, drop: float = 0.1) -> list[str]:
    """
    Return action lines when the shop's 访客数 fell by at least ``drop`` vs last week.

    One line per driver source: its visitor change and what to check. Without the shop's
    访客数 the fall of 来源访客合计 is used (and named as such). Lines are not escaped.
    """
    if t is None or not t.has_base or not t.drivers:
        return []
    if t.shop_uv is not None and t.shop_uv_base:
        fell = (t.shop_uv - t.shop_uv_base) / t.shop_uv_base
        what = (f"店铺访客数 {tables.fmt_int(t.shop_uv)}，较上周同日 "
                f"{tables.fmt_change(fell)}")
    elif t.source_total_base:
        fell = (t.source_total - t.source_total_base) / t.source_total_base
        what = f"来源访客合计较上周同日 {tables.fmt_change(fell)}"
    else:
        return []
    if fell > -drop:
        return []
    rows = t.sources.set_index("source")
    out = []
    for d in t.drivers:
        r = rows.loc[d]
        if r["change"] >= 0:
            continue
        lead = f"{what}，" if not out else "同时"
        out.append(f"{lead}{d} 访客 {tables.fmt_int(r['visitors_base'])} → "
                   f"{tables.fmt_int(r['visitors'])}（{fmt_delta(int(r['change']))}，"
                   f"{tables.fmt_change(r['change_pct'])}）：{advice(d)}。")
    return out


# ---------------------------------------------------------------- 商品


def _items_table(items: pd.DataFrame, caption: str) -> str:
    frame = pd.DataFrame({
        "商品": items["title"],
        "支付金额": [tables.fmt_money(v) for v in items["gmv"]],
        "上周同日": [tables.fmt_money(v) for v in items["gmv_base"]],
        "变化": [fmt_money_delta(v) for v in items["change"]],
        "变化率": [tables.fmt_change(v) for v in items["change_pct"]],
    })
    return tables.html_table(frame, caption=caption, align_right=set(frame.columns[1:]))


def items_html(m: MerchDay, *, top: int = 10, movers: int = 5) -> str:
    """
    Build the 商品 section: top items, movers, conversion falls, no-sale items, 动销率.

    Parameters
    ----------
    m : MerchDay
        From :func:`storeops.analysis.merch.merch_day`.
    top, movers : int
        Rows of the top-GMV table and of each change table.
    """
    parts = []
    s = m.sales
    if s is None:
        parts.append(_missing("商品销售", "items"))
    else:
        parts.append(_items_table(s.top(top), f"支付金额前 {top} 的商品（宝贝报表，按付款时间）"))
        if s.has_base:
            parts.append(_items_table(s.fallers(movers), "较上周同日下降最多的商品"))
            parts.append(_items_table(s.risers(movers), "较上周同日增长最多的商品"))
        else:
            parts.append(_note(f"上周同日 {s.base.isoformat()} 没有宝贝报表数据，"
                               "无法对比商品变化。"))
    t = m.traffic
    if t is None:
        parts.append(_note(f"商品转化率与流量暂无数据：上传当日的「{SOURCES['item_daily']}」"
                           "导出即可显示转化下降、有流量无成交的商品。"))
    else:
        c = t.cvr_fell
        frame = pd.DataFrame({
            "商品": c["name"].where(c["name"].notna(), c["item_id"]),
            "商品ID": c["item_id"],
            "访客数": [tables.fmt_int(v) for v in c["visitors"]],
            "支付转化率": [tables.fmt_pct(v, decimals=2) for v in c["cvr"]],
            "上周同日": [tables.fmt_pct(v, decimals=2) for v in c["cvr_base"]],
            "变化": [tables.fmt_pp(v) for v in c["cvr_change"]],
            "少成交买家": [tables.fmt_int(v) for v in c["lost_buyers"]],
        })
        parts.append(tables.html_table(
            frame, caption="支付转化率下降的商品（两天访客都不少于门槛；按少成交买家排序）",
            align_right=set(frame.columns[2:])))
        n = t.no_sales
        frame = pd.DataFrame({
            "商品": n["name"].where(n["name"].notna(), n["item_id"]),
            "商品ID": n["item_id"],
            f"近{t.window_days}天访客（Σ日访客）": [tables.fmt_int(v) for v in n["visitors"]],
            "加购人数（Σ日）": [tables.fmt_int(v) for v in n["cart_users"]],
        })
        cover = ("" if t.covered_days == t.window_days
                 else f"；商品报表只有其中 {t.covered_days} 天")
        parts.append(tables.html_table(
            frame, caption=f"有流量无成交的商品（近{t.window_days}天 0 支付买家{cover}）",
            align_right=set(frame.columns[2:])))
    a = m.active
    if a is None:
        parts.append(_note(f"动销率暂无数据：上传「{SOURCES['inventory']}」或"
                           f"「{SOURCES['items']}」即可计算。"))
    else:
        parts.append(_note(f"动销率 {tables.fmt_pct(a.rate)}：近{a.days}天有销量 "
                           f"{tables.fmt_int(a.active)} 款 ÷ 在售 {tables.fmt_int(a.on_sale)} 款"
                           f"（{a.basis_label}）。"))
    return "".join(parts)


def show_items(m: MerchDay, *, top: int = 10, movers: int = 5) -> None:
    """Display the 商品 section (see :func:`items_html`)."""
    tables.show_html(items_html(m, top=top, movers=movers))


def merch_actions(m: MerchDay, *, max_items: int = 3, fall_share: float = 0.05,
                  fall_pct: float = -0.3, low_active: float = 0.5) -> list[str]:
    """
    Return action lines for items, most money first. Lines are not escaped.

    Items whose GMV fell by at least ``fall_share`` of last week's item GMV and by
    ``fall_pct`` or more; items whose conversion fell (most lost buyers first); items with
    traffic and no sale; 动销率 below ``low_active``. At most ``max_items`` lines per kind.
    """
    out: list[str] = []
    s, t, a = m.sales, m.traffic, m.active
    if s is not None and s.has_base and s.gmv_base:
        floor = s.gmv_base * Decimal(str(fall_share))
        for r in s.fallers(max_items).itertuples(index=False):
            if -r.change >= floor and (r.change_pct is None or r.change_pct <= fall_pct):
                out.append(f"商品「{r.title}」支付金额 {tables.fmt_money(r.gmv)}，较上周同日 "
                           f"{fmt_money_delta(r.change)}（{tables.fmt_change(r.change_pct)}）："
                           "查库存、价格、主图与该款的推广计划。")
    if t is not None:
        for r in t.cvr_fell.head(max_items).itertuples(index=False):
            name = r.name if not tables.is_missing(r.name) else r.item_id
            out.append(f"商品「{name}」支付转化率 {tables.fmt_pct(r.cvr_base, decimals=2)} → "
                       f"{tables.fmt_pct(r.cvr, decimals=2)}（访客 {tables.fmt_int(r.visitors)}，"
                       f"约少 {tables.fmt_int(r.lost_buyers)} 个买家）："
                       "查价格、评价、SKU 断码与详情页。")
        for r in t.no_sales.head(max_items).itertuples(index=False):
            name = r.name if not tables.is_missing(r.name) else r.item_id
            out.append(f"商品「{name}」近{t.window_days}天访客 {tables.fmt_int(r.visitors)}"
                       "（Σ日访客）、0 成交：检查详情页、价格与评价，或减少对它的引流。")
    if a is not None and a.rate is not None and a.rate < low_active:
        out.append(f"动销率 {tables.fmt_pct(a.rate)}（近{a.days}天有销量 {a.active} / 在售 "
                   f"{a.on_sale} 款）：滞销款清仓或下架，把流量集中到动销款。")
    return out


# ---------------------------------------------------------------- 数据核对


def check_mark(ok: bool | None) -> str:
    """``✓`` passed, ``⚠`` failed, ``—`` not run."""
    return tables.MISSING if ok is None else OK_MARK if ok else BAD_MARK


def checks_html(checks: list[Check]) -> str:
    """Build the 数据核对 table: one row per check with ✓ / ⚠ / — (not run)."""
    frame = pd.DataFrame({
        "": [check_mark(c.ok) for c in checks],
        "核对项": [c.label for c in checks],
        "结果": [c.detail for c in checks],
        "容差": [c.tolerance for c in checks],
    })
    return tables.html_table(frame, caption="数据核对（✓ 通过，⚠ 超出容差，— 无法核对）")


def show_checks(checks: list[Check]) -> None:
    """Display the 数据核对 section (see :func:`checks_html`)."""
    tables.show_html(checks_html(checks))


def checks_actions(checks: list[Check]) -> list[str]:
    """Return one line per failed check, naming the figures. Lines are not escaped."""
    return [f"数据核对{BAD_MARK} {c.label}：{c.detail}，超出容差（{c.tolerance}）："
            "重新下载相关导出后再看复盘。" for c in checks if c.ok is False]
