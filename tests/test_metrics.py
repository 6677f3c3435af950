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
