"""流量, 商品 and 数据核对 sections on tiny warehouses, worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from storeops import warehouse
from storeops.analysis import daily
from storeops.analysis import merch as mc
from storeops.report import merch as show

DAY = date(2026, 11, 26)
BASE = date(2026, 11, 19)  # same weekday last week


def ts(*values: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), format="ISO8601"))


def store(name: str, **frames: pd.DataFrame):
    con = warehouse.connect(name, read_only=False)
    for table, frame in frames.items():
        warehouse.upsert(con, table, frame.assign(shop_id=name))
    return con


def src(day, device, l1, l2, visitors, buyers=0):
    return {"stat_date": day, "device": device, "scope": "shop", "item_id": "",
            "source_l1": l1, "source_l2": l2, "visitors": visitors, "pay_buyers": buyers}


TRAFFIC = pd.DataFrame([
    # DAY: 手淘搜索 100+20 (两设备相加) = 120, 手淘推荐 80, 直通车 50; subtotal 180 ignored
    src(DAY, "无线", "淘内免费", "(合计)", 180),
    src(DAY, "无线", "淘内免费", "手淘搜索", 100, 4),
    src(DAY, "PC", "淘内免费", "手淘搜索", 20, 1),
    src(DAY, "无线", "淘内免费", "手淘推荐", 80),
    src(DAY, "无线", "付费流量", "直通车", 50, 1),
    # 淘外流量 has only its first-level row: kept as its own line (30)
    src(DAY, "无线", "淘外流量", "(合计)", 30),
    src(DAY, "无线", "搜索词", "连衣裙", 999) | {"scope": "keyword"},  # never counted
    # BASE: 手淘搜索 400, 手淘推荐 100, 直通车 40, 淘外流量 30
    src(BASE, "无线", "淘内免费", "(合计)", 480),
    src(BASE, "无线", "淘内免费", "手淘搜索", 400),
    src(BASE, "无线", "淘内免费", "手淘推荐", 100),
    src(BASE, "无线", "付费流量", "直通车", 40),
    src(BASE, "无线", "淘外流量", "(合计)", 30),
]).assign(stat_date=lambda d: pd.to_datetime(d["stat_date"]))

SHOP = pd.DataFrame({"stat_date": pd.to_datetime([DAY, BASE]), "visitors": [250, 500],
                     "pay_amount": ["1000.00", "800.00"]})


def orders_frame():
    return pd.DataFrame({
        "order_id": ["o1", "o2", "o3", "b1", "b2"],
        "paid_at": ts("2026-11-26 09:00", "2026-11-26 10:00", "2026-11-26 11:00",
                      "2026-11-19 09:00", "2026-11-19 10:00"),
        "created_at": ts("2026-11-26 08:00", "2026-11-26 09:00", "2026-11-26 10:00",
                         "2026-11-19 08:00", "2026-11-19 09:00"),
        # DAY GMV 600 + 300 + 105 = 1005 (o3 has ¥5 postage); BASE 500 + 300 = 800
        "paid_amount": ["600.00", "300.00", "105.00", "500.00", "300.00"],
        "postage": ["0.00", "0.00", "5.00", "0.00", "0.00"],
        "list_total": ["650.00", "300.00", "105.00", "500.00", "300.00"],
        "item_qty": [3, 1, 1, 1, 1],
    })


LINES = pd.DataFrame({
    "sub_order_id": ["o1#1", "o1#2", "o2#1", "o3#1", "b1#1", "b2#1"],
    "order_id": ["o1", "o1", "o2", "o3", "b1", "b2"],
    "item_id": [None] * 6,
    "title": ["<script>alert(1)</script>裙", "毛衣", "毛衣", "围巾", "毛衣", "裙子"],
    "sku_code": ["Q1-S", "M1-M", "M1-L", "W1", "M1-M", "Q2-M"],
    "outer_id": ["Q1", "M1", "M1", "W1", "M1", "Q2"],
    # o1: 2 × 200 + 1 × 250 = 650 = 总金额; o3: 100 + ¥5 邮费 = 总金额 105
    "unit_price": ["200.00", "250.00", "300.00", "100.00", "500.00", "300.00"],
    "qty": [2, 1, 1, 1, 1, 1],
})


@pytest.fixture
def full(home):
    con = store("t", traffic_sources=TRAFFIC, shop_daily=SHOP, orders=orders_frame(),
                order_items=LINES)
    yield con
    con.close()


# ---------------------------------------------------------------- 流量


def test_sources_sum_devices_and_skip_subtotals(full):
    t = mc.traffic_day(full, daily.kpis(full, DAY))
    s = t.sources.set_index("source")
    assert s.loc["手淘搜索", "visitors"] == 120          # 100 无线 + 20 PC
    assert s.loc["淘外流量", "visitors"] == 30            # subtotal kept: no detail rows
    assert "连衣裙" not in s.index                       # keyword scope
    # 来源访客合计 120 + 80 + 50 + 30 = 280 (not 280 + 180); base 400 + 100 + 40 + 30 = 570
    assert (t.source_total, t.source_total_base) == (280, 570)
    assert (t.shop_uv, t.shop_change) == (250, -250)
    # changes: 搜索 −280, 推荐 +(−20), 直通车 +10, 淘外 0; falling moves 280 + 20 = 300
    assert s.loc["手淘搜索", "change"] == -280
    assert s.loc["手淘搜索", "move_share"] == pytest.approx(280 / 300)
    assert s.loc["手淘搜索", "pay_cvr"] == pytest.approx(5 / 120)
    assert s.loc["手淘搜索", "share"] == pytest.approx(120 / 280)
    # 搜索 alone covers 93 % ≥ 80 %
    assert t.drivers == ("手淘搜索",)


def test_explain_change_takes_sources_until_cover():
    changes = pd.Series({"a": -50, "b": -30, "c": -20, "d": 40})
    drivers, shares = mc.explain_change(changes, -60)
    # falling moves 50 + 30 + 20 = 100: a 50 % then b 80 % reaches the 80 % cover
    assert drivers == ["a", "b"]
    assert pd.isna(shares["d"])
    # shop flat: the sources' net (−60) gives the direction; limit 1
    assert mc.explain_change(changes, 0, limit=1)[0] == ["a"]
    assert mc.explain_change(pd.Series({"a": 0}), 0)[0] == []


def test_traffic_figures_and_actions(full):
    t = mc.traffic_day(full, daily.kpis(full, DAY))
    fig = mc.traffic_figures(t)
    assert fig["traffic_source_visitors"] == 280
    assert fig["traffic_drivers"] == [{"source": "手淘搜索", "visitors": 120,
                                       "visitors_last_week": 400, "change": -280,
                                       "move_share": pytest.approx(280 / 300)}]
    lines = show.traffic_actions(t)
    # shop 250 vs 500 = −50 %; 手淘搜索 400 → 120 = −70 %
    assert lines and "−50.0 %" in lines[0] and "手淘搜索 访客 400 → 120" in lines[0]
    html = show.traffic_html(t)
    assert "来源访客合计 280" in html and "店铺访客数 250" in html


def test_traffic_without_export(home):
    con = store("t", shop_daily=SHOP)
    t = mc.traffic_day(con, daily.kpis(con, DAY))
    assert t is None
    assert mc.traffic_figures(None)["traffic_drivers"] is None
    assert show.traffic_actions(None) == []
    assert "流量来源" in show.traffic_html(None)


# ---------------------------------------------------------------- 商品


def test_item_sales_top_and_movers(full):
    s = mc.item_sales(full, daily.kpis(full, DAY))
    g = s.items.set_index("title")
    # o1 (no line paid amounts): 600 × 400/650 = 369.23 (裙), 600 × 250/650 = 230.77 (毛衣)
    # 毛衣 DAY 230.77 + 300 = 530.77 vs BASE 500 -> +30.77; 裙子 0 vs 300 -> −300
    assert g.loc["毛衣", "gmv"] == Decimal("530.77")
    assert g.loc["毛衣", "change"] == Decimal("30.77")
    assert list(s.top(2)["title"]) == ["毛衣", "<script>alert(1)</script>裙"]
    assert list(s.fallers(1)["title"]) == ["裙子"]
    assert s.gmv_base == Decimal("800.00")


def test_item_titles_are_escaped(full):
    m = mc.merch_day(full, daily.kpis(full, DAY))
    html = show.items_html(m)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;裙" in html


def test_merch_without_item_daily_names_the_export(full):
    m = mc.merch_day(full, daily.kpis(full, DAY))
    assert m.traffic is None
    assert "生意参谋 商品_全部" in show.items_html(m)
    fig = mc.merch_figures(m)
    # sold on DAY: 裙, 毛衣, 围巾 (裙子 only last week)
    assert fig["items_cvr_fell"] is None and fig["items_sold"] == 3
    # no inventory: 在售 = items seen over 90 days (裙, 毛衣, 围巾, 裙子) = 4, all sold
    assert (fig["active_items"], fig["on_sale_items"], fig["active_item_basis"]) == (4, 4, "seen")
    # 裙子 fell 300 of 800 (≥ 5 %) by −100 % -> one action line naming it
    assert any("裙子" in line and "−¥300" in line for line in show.merch_actions(m))


def test_merch_without_any_data(home):
    con = store("t", shop_daily=SHOP)
    m = mc.merch_day(con, daily.kpis(con, DAY))
    assert (m.sales, m.traffic, m.active) == (None, None, None)
    assert all(v is None for v in mc.merch_figures(m).values())
    assert show.merch_actions(m) == []
    assert "宝贝报表" in show.items_html(m)


ITEM_DAILY = pd.DataFrame({
    "stat_date": pd.to_datetime([DAY, BASE, DAY, BASE, DAY, date(2026, 11, 24)]),
    "item_id": ["i1", "i1", "i2", "i2", "i3", "i3"],
    "item_name": ["毛衣", "毛衣", "<b>围巾</b>", "<b>围巾</b>", "帽子", "帽子"],
    "style_no": ["M1", "M1", "W1", "W1", "H1", "H1"],
    # i1: 10/200 = 5 % -> 4/200 = 2 %: fell; i2: 5/100 -> 4/100: −20 % only
    # i3: 0 buyers with 70 + 60 = 130 visitors over 7 days (≥ 100)
    "visitors": [200, 200, 100, 100, 70, 60],
    "pay_buyers": [4, 10, 4, 5, 0, 0],
    "pay_amount": ["400.00", "1000.00", "400.00", "500.00", "0.00", "0.00"],
})

INVENTORY = pd.DataFrame({
    "snapshot_date": pd.to_datetime([DAY] * 5),
    "erp": ["聚水潭"] * 5, "warehouse": [""] * 5,
    "sku_code": ["M1-M", "M1-L", "H1-S", "Z1-S", "Q1-S"],
    "style_code": ["M1", "M1", "H1", "Z1", "Q1"],
    "name": ["毛衣", "毛衣", "帽子", "袜子", "裙"],
    # 款 M1 3 + 0 > 0, H1 5, Z1 2, Q1 0 (sold out: not on sale)
    "available": [3, 0, 5, 2, 0],
})


def test_item_traffic_conversion_and_no_sales(home):
    con = store("t", item_daily=ITEM_DAILY)
    t = mc.item_traffic(con, DAY)
    assert list(t.cvr_fell["item_id"]) == ["i1"]
    row = t.cvr_fell.iloc[0]
    # (0.05 − 0.02) × 200 = 6 lost buyers; change −3 pp
    assert row["cvr_change"] == pytest.approx(-0.03)
    assert row["lost_buyers"] == pytest.approx(6.0)
    assert list(t.no_sales["item_id"]) == ["i3"] and t.no_sales["visitors"].iloc[0] == 130
    lines = show.merch_actions(mc.MerchDay(DAY, None, t, None))
    assert any("毛衣" in x and "5.00 % → 2.00 %" in x for x in lines)
    assert any("帽子" in x and "130" in x for x in lines)


def test_active_items_use_inventory_when_present(home):
    con = store("t", orders=orders_frame(), order_items=LINES, item_daily=ITEM_DAILY,
                inventory=INVENTORY)
    a = mc.active_items(con, DAY)
    # on sale: M1, H1, Z1 = 3 (Q1 sold out); sold in 30 days: M1 (lines) -> 1 / 3
    # H1 had visitors but no sale; Z1 never sold
    assert (a.basis, a.on_sale, a.active) == ("inventory", 3, 1)
    assert a.rate == pytest.approx(1 / 3)
    assert "库存快照 2026-11-26" in a.basis_label


# ---------------------------------------------------------------- 数据核对


def test_gmv_check_tolerance():
    # 1 % of 2000 = 20 > ¥10: a gap of 15 passes, 25 fails
    assert mc.gmv_check(Decimal("2000"), Decimal("2015")).ok is True
    assert mc.gmv_check(Decimal("2000"), Decimal("2025")).ok is False
    # 1 % of 500 = 5 < ¥10 floor: a gap of 9 passes
    assert mc.gmv_check(Decimal("500"), Decimal("509")).ok is True
    assert mc.gmv_check(None, Decimal("1")).ok is None


def test_ad_gmv_check():
    summary = pd.DataFrame({"channel": ["直通车", "万相台", "合计"],
                            "gmv_total": [Decimal("900"), Decimal("1200"), None],
                            "window_days": [15, 15, 15]}, dtype=object)
    # shop 1000: 万相台 1200 − 1000 = 200 > max(10, 10) -> fails; 直通车 fine
    c = mc.ad_gmv_check(summary, Decimal("1000"))
    assert c.ok is False and c.figures["channels_over"] == ["万相台"]
    assert mc.ad_gmv_check(None, Decimal("1000")).ok is None


def test_cross_checks_on_the_store(full):
    k = daily.kpis(full, DAY)
    checks = {c.name: c for c in mc.cross_checks(full, k, None)}
    # 生意参谋 1000 vs orders 1005: gap 5 ≤ ¥10
    assert checks["gmv_sycm_vs_orders"].ok is True
    assert checks["gmv_sycm_vs_orders"].figures["gap"] == Decimal("5.00")
    assert checks["ad_gmv_within_shop"].ok is None
    # every paid order has lines; o1 650 = 650, o2 300, o3 100 + 5 邮费 = 105
    assert checks["order_lines_present"].ok is True
    assert checks["order_lines_sum"].ok is True
    fig = mc.checks_figures(list(checks.values()))
    assert fig["checks_failed"] == 0 and fig["gmv_sycm_gap"] == 5.0


def test_line_mismatch_is_flagged(home):
    bad = orders_frame().assign(item_qty=[3, 2, 1, 1, 1])  # o2 says 2 pieces, line has 1
    con = store("t", orders=bad, order_items=LINES)
    checks = {c.name: c for c in mc.cross_checks(con, daily.kpis(con, DAY), None)}
    c = checks["order_lines_sum"]
    # 1 of 3 orders > 1 %: ⚠
    assert c.ok is False and c.figures["examples"] == ["o2"]
    assert "明细数量 1 ≠ 宝贝总数量 2" in c.detail
    assert checks["gmv_sycm_vs_orders"].ok is None       # no shop_daily
    html = show.checks_html(list(checks.values()))
    assert "⚠" in html and "✓" in html
    assert show.checks_actions(list(checks.values()))[0].startswith("数据核对⚠ 宝贝明细")


def test_checks_without_lines(home):
    con = store("t", orders=orders_frame())
    checks = {c.name: c for c in mc.cross_checks(con, daily.kpis(con, DAY), None)}
    assert checks["order_lines_present"].ok is None
    assert "宝贝报表" in checks["order_lines_sum"].detail
