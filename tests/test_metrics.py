"""Metric definitions checked against numbers worked out by hand on a tiny warehouse."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from storeops import metrics, warehouse

D = date


def _orders() -> pd.DataFrame:
    rows = [
        # order, buyer, created,               paid,                  paid_amount, refund, province
        ("1001", "k1", "2026-11-25 09:00:00", "2026-11-25 09:05:00", "100.10", "0.00", "浙江"),
        ("1002", "k2", "2026-11-25 10:00:00", "2026-11-25 10:01:00", "50.25", "50.25", "上海"),
        ("1003", "k1", "2026-11-25 23:50:00", "2026-11-26 00:10:00", "30.00", None, "浙江"),
        ("1004", "k3", "2026-11-25 12:00:00", None, "80.00", None, "江苏"),
        ("1005", "k2", "2026-11-24 12:00:00", "2026-11-24 12:01:00", "20.00", "5.00", "上海"),
    ]
    frame = pd.DataFrame(rows, columns=["order_id", "buyer_key", "created_at", "paid_at",
                                        "paid_amount", "refund_amount", "receiver_province"])
    return frame.assign(
        shop_id="m",
        created_at=pd.to_datetime(frame["created_at"]),
        paid_at=pd.to_datetime(frame["paid_at"]),
    )


@pytest.fixture
def con(home):
    c = warehouse.connect("m", read_only=False)
    warehouse.upsert(c, "orders", _orders())
    traffic = pd.DataFrame({"shop_id": "m", "stat_date": pd.to_datetime(["2026-11-24",
                                                                          "2026-11-25"]),
                            "visitors": [80, 100]})
    warehouse.upsert(c, "shop_daily", traffic)
    yield c
    c.close()


def test_registry_is_complete():
    for name, m in metrics.METRICS.items():
        assert m.name == name
        assert m.label and m.formula and m.source
        assert m.unit in {"元", "%", "人", "笔", "件"}
        assert m.kind in {"simple", "ratio", "derived"}
        if m.kind == "ratio":
            assert m.numerator and m.denominator


def test_day_by_hand(con):
    got = metrics.day_metrics(con, D(2026, 11, 25))
    # paid on 11-25: 1001 (100.10) + 1002 (50.25) = 150.35; 1003 pays after midnight.
    assert got["gmv"] == Decimal("150.35")
    assert got["paid_orders"] == 2
    assert got["paid_buyers"] == 2  # k1, k2
    # created on 11-25: 1001, 1002, 1003, 1004 = 4 orders by 3 buyers (k1, k2, k3);
    # of those buyers k1 and k2 paid -> 2/3 (by buyers).
    assert got["orders_created"] == 4
    assert got["order_pay_rate"] == pytest.approx(2 / 3)
    assert got["order_pay_rate_basis"] == "buyers"
    # 客单价 150.35 / 2 = 75.175 -> JSON 75.18 (half-up)
    assert got["aov"] == Decimal("75.175")
    assert metrics.to_json_value("aov", got["aov"]) == 75.18
    assert got["refund_amount"] == Decimal("50.25")
    assert got["refund_rate"] == pytest.approx(50.25 / 150.35)
    assert got["net_sales"] == Decimal("100.10")
    assert got["uv"] == 100
    assert got["conversion_rate"] == pytest.approx(0.02)  # 2 / 100
    assert got["uv_value"] == Decimal("1.5035")  # 150.35 / 100


def test_gmv_is_uv_times_cr_times_aov(con):
    got = metrics.day_metrics(con, D(2026, 11, 25))
    product = Decimal(got["uv"]) * Decimal(got["paid_buyers"]) / Decimal(got["uv"]) * got["aov"]
    assert product == got["gmv"]


def test_missing_traffic_is_none_not_zero(con):
    got = metrics.day_metrics(con, D(2026, 11, 26))
    assert got["gmv"] == Decimal("30.00")
    assert got["uv"] is None
    assert got["conversion_rate"] is None
    assert got["uv_value"] is None


def test_period_is_sum_then_divide(con):
    got = metrics.compute(con, D(2026, 11, 24), D(2026, 11, 25))[0]
    # GMV 20.00 + 150.35 = 170.35; buyers over the period: k2, k1 = 2 (not 1 + 2 = 3)
    assert got["gmv"] == Decimal("170.35")
    assert got["paid_buyers"] == 2
    # refunds 5.00 + 50.25 = 55.25 -> rate 55.25 / 170.35 (not the mean of daily rates)
    assert got["refund_rate"] == pytest.approx(55.25 / 170.35)
    assert got["uv"] == 180  # Σ日访客 80 + 100
    assert got["conversion_rate"] == pytest.approx(2 / 180)


def test_partial_traffic_coverage_gives_no_uv(con):
    got = metrics.compute(con, D(2026, 11, 24), D(2026, 11, 26))[0]
    assert got["gmv"] == Decimal("200.35")
    assert got["uv"] is None  # shop_daily has 2 of the 3 days


def test_by_day_lists_every_day_and_outside_coverage_is_none(con):
    rows = metrics.compute(con, D(2026, 11, 22), D(2026, 11, 26), by="day")
    assert [r["key"] for r in rows] == ["2026-11-22", "2026-11-23", "2026-11-24",
                                        "2026-11-25", "2026-11-26"]
    assert rows[0]["gmv"] is None  # before the first order in the warehouse
    assert [r["gmv"] for r in rows[2:]] == [Decimal("20.00"), Decimal("150.35"),
                                            Decimal("30.00")]


def test_by_province(con):
    rows = {r["key"]: r for r in metrics.compute(con, D(2026, 11, 25), D(2026, 11, 25),
                                                 by="province")}
    assert rows["浙江"]["gmv"] == Decimal("100.10")
    assert rows["上海"]["gmv"] == Decimal("50.25")
    assert rows["江苏"]["gmv"] == Decimal("0.00")  # created, not paid
    assert rows["浙江"]["uv"] is None  # no traffic by province


def test_no_buyer_ids_falls_back_to_orders(home):
    c = warehouse.connect("n", read_only=False)
    warehouse.upsert(c, "orders", _orders().assign(shop_id="n", buyer_key=None))
    got = metrics.day_metrics(c, D(2026, 11, 25))
    assert got["paid_buyers"] is None
    assert got["aov_basis"] == "orders"
    assert got["aov"] == Decimal("75.175")  # 150.35 / 2 orders
    assert metrics.label("aov", got["aov_basis"]) == "客单价（按订单）"
    # by orders: created 4, of which 3 are paid (1001, 1002, 1003)
    assert got["order_pay_rate"] == pytest.approx(3 / 4)
    assert got["conversion_rate"] is None
    c.close()


def test_ratio_helpers():
    assert metrics.ratio(None, 3) is None
    assert metrics.ratio(1, 0) is None
    assert metrics.ratio(Decimal("1"), 4) == 0.25
    assert metrics.round_money(Decimal("2.345")) == Decimal("2.35")
    assert metrics.round_money(Decimal("-2.345")) == Decimal("-2.35")


def test_bad_arguments(con):
    with pytest.raises(ValueError, match="by must be"):
        metrics.compute(con, D(2026, 11, 25), D(2026, 11, 25), by="week")
    with pytest.raises(ValueError, match="before start"):
        metrics.compute(con, D(2026, 11, 25), D(2026, 11, 24))


def test_timestamps_are_local_days(con):
    # 1003 created 23:50 on 11-25 and paid 00:10 on 11-26: counted as created on the 25th,
    # paid on the 26th (no UTC shift).
    d25 = metrics.day_metrics(con, D(2026, 11, 25))
    d26 = metrics.day_metrics(con, D(2026, 11, 26))
    assert d25["orders_created"] == 4 and d26["orders_created"] == 0
    assert d26["paid_orders"] == 1


def _history_orders() -> pd.DataFrame:
    rows = [
        # order, buyer, paid,                  province
        ("a1", "a", "2026-10-01 10:00:00", "浙江"),  # a's first order, long before
        ("a2", "a", "2026-11-24 09:00:00", "浙江"),
        ("b1", "b", "2026-11-24 11:00:00", "上海"),  # b's first order
        ("b2", "b", "2026-11-27 08:00:00", "浙江"),  # b again, another province
        ("c1", "c", "2026-11-25 20:00:00", "上海"),  # c's first order
        ("d1", "d", None, "江苏"),  # created, never paid
        ("e1", "e", "2026-11-20 10:00:00", "江苏"),  # e: before and after the period only
        ("e2", "e", "2026-12-01 10:00:00", "江苏"),
    ]
    frame = pd.DataFrame(rows, columns=["order_id", "buyer_key", "paid_at",
                                        "receiver_province"])
    return frame.assign(
        shop_id="h", paid_amount="10.00",
        created_at=pd.to_datetime(frame["paid_at"].fillna("2026-11-25 12:00:00")),
        paid_at=pd.to_datetime(frame["paid_at"]),
    )


@pytest.fixture
def history(home):
    c = warehouse.connect("h", read_only=False)
    warehouse.upsert(c, "orders", _history_orders())
    yield c
    c.close()


def test_new_buyer_share_by_hand(history):
    extra = ("new_buyer_share",)
    got = metrics.compute(history, D(2026, 11, 24), D(2026, 11, 27), extra=extra)[0]
    # paid 11-24..11-27: a, b, c = 3 buyers; first paid order inside the period: b (11-24),
    # c (11-25); a first paid 10-01 -> 2 new of 3
    assert got["paid_buyers"] == 3 and got["new_buyers"] == 2
    assert got["new_buyer_share"] == pytest.approx(2 / 3)

    days = {r["key"]: r for r in metrics.compute(history, D(2026, 11, 24), D(2026, 11, 27),
                                                 by="day", extra=extra)}
    # 11-24: a (returning) and b (new) -> 1/2; 11-25: c new -> 1/1
    assert (days["2026-11-24"]["new_buyers"], days["2026-11-24"]["new_buyer_share"]) == (1, 0.5)
    assert days["2026-11-25"]["new_buyer_share"] == 1.0
    # 11-26: nobody paid -> 0 new, share undefined (not 0)
    assert days["2026-11-26"]["new_buyers"] == 0 and days["2026-11-26"]["new_buyer_share"] is None
    # 11-27: b pays again, but b's first order was 11-24 -> not new that day: 0/1
    assert days["2026-11-27"]["new_buyer_share"] == 0.0

    prov = {r["key"]: r for r in metrics.compute(history, D(2026, 11, 24), D(2026, 11, 27),
                                                 by="province", extra=extra)}
    # 浙江: a2 (a, returning), b2 (b, first order 11-24 is in the period) -> 1/2
    assert (prov["浙江"]["new_buyers"], prov["浙江"]["paid_buyers"]) == (1, 2)
    assert prov["浙江"]["new_buyer_share"] == 0.5
    # 上海: b1, c1 -> both new, 2/2; 江苏: d1 unpaid -> no paid buyer, share undefined
    assert prov["上海"]["new_buyer_share"] == 1.0
    assert prov["江苏"]["paid_buyers"] == 0 and prov["江苏"]["new_buyer_share"] is None


def test_new_buyer_share_is_sum_then_divide_over_weeks(history):
    extra = ("new_buyer_share",)
    # 11-20..11-27: e (first 11-20), a (returning), b, c -> 3 new of 4 = 0.75,
    # not the mean of the daily shares (11-20: 1, 11-24: 0.5, 11-25: 1, 11-27: 0 -> 0.625)
    got = metrics.compute(history, D(2026, 11, 20), D(2026, 11, 27), extra=extra)[0]
    assert got["new_buyer_share"] == pytest.approx(3 / 4)
    # e's order after the period does not make e's earlier order any less "first"
    later = metrics.compute(history, D(2026, 12, 1), D(2026, 12, 1), extra=extra)[0]
    assert later["new_buyers"] == 0 and later["new_buyer_share"] == 0.0


def test_new_buyer_share_is_absent_without_buyer_ids_or_orders(history, home):
    early = metrics.compute(history, D(2026, 9, 1), D(2026, 9, 30),
                            extra=("new_buyer_share",))[0]
    assert early["new_buyer_share"] is None  # before the first order in the warehouse
    c = warehouse.connect("n2", read_only=False)
    warehouse.upsert(c, "orders", _history_orders().assign(shop_id="n2", buyer_key=None))
    got = metrics.compute(c, D(2026, 11, 24), D(2026, 11, 27), extra=("new_buyer_share",))[0]
    assert got["new_buyers"] is None and got["new_buyer_share"] is None
    c.close()


def test_new_buyer_share_is_on_request_only(history):
    plain = metrics.compute(history, D(2026, 11, 24), D(2026, 11, 27))[0]
    assert "new_buyer_share" not in plain
    assert set(metrics.HEADLINE) | set(metrics.ON_REQUEST) == set(metrics.METRICS)
    with pytest.raises(ValueError, match="extra must be"):
        metrics.compute(history, D(2026, 11, 24), D(2026, 11, 27), extra=("gmv",))
