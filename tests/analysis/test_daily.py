"""Daily-review splits on a tiny warehouse, with the allocation worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from storeops import warehouse
from storeops.analysis import daily

DAY, BASE = date(2026, 11, 26), date(2026, 11, 19)


@pytest.fixture
def con(home):
    c = warehouse.connect("t", read_only=False)
    orders = pd.DataFrame({
        "shop_id": "t", "order_id": ["1", "2", "3"],
        "paid_at": pd.to_datetime(["2026-11-26 10:00", "2026-11-26 11:00", "2026-11-19 09:00"]),
        "created_at": pd.to_datetime(["2026-11-26 09:59", "2026-11-26 10:59",
                                      "2026-11-19 08:59"]),
        "paid_amount": ["90.00", "50.00", "100.00"],
        "buyer_key": ["a", "b", "c"],
    })
    warehouse.upsert(c, "orders", orders)
    # order 1: two lines, list 60 (A 1×60) + 40 (B 2×20) = 100, paid 90 -> A 54.00, B 36.00
    lines = pd.DataFrame({
        "shop_id": "t", "sub_order_id": ["1#1", "1#2", "2#1", "3#1"],
        "order_id": ["1", "1", "2", "3"], "title": ["A", "B", "A", "B"],
        "unit_price": ["60.00", "20.00", "50.00", "100.00"], "qty": [1, 2, 1, 1],
    })
    warehouse.upsert(c, "order_items", lines)
    traffic = pd.DataFrame({
        "shop_id": "t", "stat_date": pd.to_datetime([DAY, DAY, DAY, BASE]), "device": "无线",
        "scope": "shop", "item_id": "",
        "source_l1": ["淘内免费", "淘内免费", "付费流量", "淘内免费"],
        "source_l2": ["(合计)", "手淘搜索", "直通车", "手淘搜索"],
        "visitors": [500, 400, 100, 300], "pay_amount": ["100.00", "100.00", "30.00", "80.00"],
    })
    warehouse.upsert(c, "traffic_sources", traffic)
    yield c
    c.close()


def test_item_split_allocates_paid_pro_rata_and_adds_up(con):
    k = daily.kpis(con, DAY)
    got = daily.item_split(con, k).set_index("title")
    # today: A = 54.00 + 50.00 = 104.00, B = 36.00; last week: B = 100.00
    assert got.loc["A", "now"] == Decimal("104.00")
    assert got.loc["B", "now"] == Decimal("36.00")
    assert got.loc["B", "before"] == Decimal("100.00")
    assert got["change"].sum() == Decimal("140.00") - Decimal("100.00")


def test_source_split_skips_subtotals_and_keeps_a_residual(con):
    k = daily.kpis(con, DAY)
    got = daily.source_split(con, k).set_index("part")
    # details today: 搜索 100 + 直通车 30 = 130 of GMV 140 -> 未归属 10; last week 80 of 100
    assert got.loc["淘内免费 / 手淘搜索", "change"] == Decimal("20.00")
    assert got.loc["付费流量 / 直通车", "change"] == Decimal("30.00")
    assert got.loc["未归属", "now"] == Decimal("10.00")
    assert got["change"].sum() == Decimal("40.00")


def test_splits_are_none_without_the_source(home):
    c = warehouse.connect("u", read_only=False)
    warehouse.upsert(c, "orders", pd.DataFrame({
        "shop_id": "u", "order_id": ["9"], "paid_amount": ["10.00"], "buyer_key": ["x"],
        "paid_at": pd.to_datetime(["2026-11-26 10:00"]),
        "created_at": pd.to_datetime(["2026-11-26 10:00"])}))
    k = daily.kpis(c, DAY)
    assert daily.source_split(c, k) is None
    assert daily.item_split(c, k) is None
    c.close()


def test_month_to_date_by_hand(con):
    # November so far: 90 + 50 (11-26) + 100 (11-19) = 240; target 600 from stores.toml;
    # 4 days left (27..30): (600 − 240) / 4 = 90 a day
    got = daily.month_to_date(con, DAY, configured_target=600)
    assert got.mtd_gmv == Decimal("240.00")
    assert got.target == Decimal("600") and got.target_source == "stores.toml"
    assert got.required_daily == Decimal("90")
    assert got.progress == pytest.approx(0.4)
    # no history before November: every weekday weighs the same -> 26 / 30 of the month
    assert got.expected_share == pytest.approx(26 / 30)


def test_month_target_from_the_targets_table_wins(con):
    warehouse.upsert(con, "targets", pd.DataFrame({
        "shop_id": ["t"], "period_type": ["month"], "period_start": [date(2026, 11, 1)],
        "metric": ["pay_amount"], "target_value": ["1000"]}))
    got = daily.month_to_date(con, DAY, configured_target=600)
    assert got.target == Decimal("1000") and got.target_source == "目标表"


def test_customer_status_by_recency(con):
    # buyers a, b paid on 11-26 (0 days), c on 11-19 (7 days): all active, none due
    got = daily.customer_status(con, DAY)
    assert (got.active, got.sleeping, got.lost, got.recall_due) == (3, 0, 0, 0)
    later = daily.customer_status(con, date(2026, 12, 26))  # a, b 30 days (active); c 37
    assert (later.active, later.sleeping, later.recall_due) == (2, 1, 2)


def test_a_first_level_row_without_details_counts_once(con):
    # 11-26 gets a 自主访问 subtotal with no detail rows: it stands for its source
    warehouse.upsert(con, "traffic_sources", pd.DataFrame({
        "shop_id": ["t"], "stat_date": pd.to_datetime([DAY]), "device": "无线",
        "scope": "shop", "item_id": "", "source_l1": ["自主访问"], "source_l2": ["(合计)"],
        "visitors": [50], "pay_amount": ["5.00"]}))
    got = daily.source_split(con, daily.kpis(con, DAY)).set_index("part")
    assert got.loc["自主访问 / 自主访问", "now"] == Decimal("5.00")
    assert got.loc["淘内免费 / 手淘搜索", "now"] == Decimal("100.00")  # its subtotal is not added
    assert got.loc["未归属", "now"] == Decimal("5.00")  # 140 − (100 + 30 + 5)
