"""Customers analysis on a tiny hand-made warehouse; every expected figure worked out by hand.

Report day D = 2026-11-26, sleeping after 30 days, lost after 50. Buyers and their paid orders
(days before D, 元):

    a  D-30 100                     -> active (exactly 30: boundary), recall due
    b  D-31 200                     -> sleeping (first day past 30)
    c  D-50 300                     -> sleeping (exactly 50: boundary)
    d  D-51 50                      -> lost
    e  D-100 80, D-5 120            -> active, the only repeat buyer
    h  D-40 90 (30 refunded)        -> sleeping; a partial refund still counts
    f  D-10 60 (60 refunded)        -> excluded: refunded in full
    g  D+1 70                       -> excluded: after the report day
    i  created, never paid          -> excluded
    (no key) D-3 500                -> excluded: no buyer identity
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from storeops import warehouse
from storeops.analysis import customers
from storeops.report import customers as cust_report

D = date(2026, 11, 26)


def _at(days_before: int) -> datetime:
    return datetime.combine(D - timedelta(days=days_before), datetime.min.time()) \
        + timedelta(hours=10)


ORDERS = [  # order_id, buyer_key, days before D (None = unpaid), paid, refunded
    ("1", "a", 30, "100.00", None),
    ("2", "b", 31, "200.00", "0.00"),
    ("3", "c", 50, "300.00", None),
    ("4", "d", 51, "50.00", None),
    ("5", "e", 100, "80.00", None),
    ("6", "e", 5, "120.00", None),
    ("7", "h", 40, "90.00", "30.00"),
    ("8", "f", 10, "60.00", "60.00"),
    ("9", "g", -1, "70.00", None),
    ("10", "i", None, "40.00", None),
    ("11", None, 3, "500.00", None),
]


def _warehouse(store: str, keyed: bool = True) -> None:
    con = warehouse.connect(store, read_only=False)
    frame = pd.DataFrame({
        "shop_id": store,
        "order_id": [o[0] for o in ORDERS],
        "buyer_key": [o[1] if keyed else None for o in ORDERS],
        "created_at": [_at(o[2] if o[2] is not None else 2) - timedelta(minutes=5)
                       for o in ORDERS],
        "paid_at": [_at(o[2]) if o[2] is not None else None for o in ORDERS],
        "paid_amount": [o[3] for o in ORDERS],
        "refund_amount": [o[4] for o in ORDERS],
    })
    warehouse.upsert(con, "orders", frame)
    con.close()


@pytest.fixture
def con(home):
    _warehouse("t")
    c = warehouse.connect("t", read_only=True)
    yield c
    c.close()


def test_lifecycle_boundaries_at_30_and_50_days(con):
    life = customers.lifecycle(con, D, sleeping_days=30, lost_days=50)
    # active: a (30 d), e (5 d); sleeping: b (31), h (40), c (50); lost: d (51)
    assert life.now == {"active": 2, "sleeping": 3, "lost": 1}
    # 30 days before (10-27): a 0 d, b 1, c 20, d 21, h 10 -> active; e 70 -> lost
    assert life.then == {"active": 5, "sleeping": 0, "lost": 1}
    assert life.change("sleeping") == 3
    flows = {(r.state_before, r.state_now): r.buyers for r in life.flows.itertuples()}
    assert flows == {("active", "active"): 1, ("active", "sleeping"): 3,
                     ("active", "lost"): 1, ("lost", "active"): 1}
    # value at risk: b 200 + c 300 + h 90 (partial refund not subtracted) = 590
    assert life.value_at_risk == Decimal("590.00")


def test_lifecycle_thresholds_come_from_the_store(con):
    life = customers.lifecycle(con, D, sleeping_days=40, lost_days=90)
    # active ≤ 40: a, b, e, h; sleeping 41–90: c, d
    assert life.now == {"active": 4, "sleeping": 2, "lost": 0}


def test_repurchase_rate_by_hand(con):
    rep = customers.repurchase(con, D)
    # buyers with ≥1 effective order: a b c d e h = 6 (f refunded in full, g after D, no-key
    # and unpaid orders out); ≥2: e -> 1/6
    assert (rep.buyers, rep.repeat_buyers) == (6, 1)
    assert rep.rate == pytest.approx(1 / 6)


def test_rfm_quintiles_and_segments_by_hand(con):
    segs = customers.rfm(con, D)
    # n = 6, score = 1 + floor(5 (rank - 1) / 6)
    # R (older = worse): d51 c50 h40 b31 a30 e5 -> 1 1 2 3 4 5 -> high: b a e
    # F: five buyers with 1 -> 1, e 2 -> 5 -> high: e
    # M: d50 h90 a100 b200 e200 c300 -> 1 1 2 3 3 5 -> high: b e c
    # a 高低低 一般深耕, b 高低高 重要深耕, c 低低高 重要挽留, d 低低低, h 低低低 一般挽留,
    # e 高高高 重要价值
    assert segs.counts() == {"重要价值": 1, "重要唤回": 0, "重要深耕": 1, "重要挽留": 1,
                             "一般价值": 0, "一般唤回": 0, "一般深耕": 1, "一般挽留": 2}
    rows = segs.segments.set_index("segment")
    assert segs.gmv == Decimal("940.00")  # 100 + 200 + 300 + 50 + 200 + 90
    assert rows.loc["一般挽留", "gmv"] == Decimal("140.00")  # d 50 + h 90
    assert rows.loc["一般挽留", "gmv_share"] == pytest.approx(140 / 940)
    assert rows.loc["重要价值", "aov"] == Decimal("100")  # e: 200 ÷ 2 orders
    assert rows.loc["重要价值", "per_buyer"] == Decimal("200")
    assert rows.loc["重要唤回", "aov"] is None


def test_recall_lists(con):
    calls = customers.recall(con, D, recall_days=30, sleeping_days=30, lost_days=50)
    # due: a (exactly 30 d); high-value sleepers (M score ≥ 3): c (5), b (3) — h scores 1
    assert calls.buyers.loc[calls.buyers["list"] == "recall_due", "buyer_key"].tolist() == ["a"]
    assert calls.buyers.loc[calls.buyers["list"] == "sleeping_high_value",
                            "buyer_key"].tolist() == ["c", "b"]
    row = calls.buyers.iloc[0]
    assert (row["last_order_id"], row["last_amount"], row["days_since"]) == \
        ("1", Decimal("100.00"), 30)


def test_cohorts_by_hand(con):
    table = customers.cohorts(con, D, months=12, horizon=6).set_index("cohort")
    # first effective orders: e 2026-08-18; a b c d h in 2026-10
    assert table["new_buyers"].to_dict() == {date(2026, 8, 1): 1, date(2026, 10, 1): 5}
    aug, octo = table.loc[date(2026, 8, 1)], table.loc[date(2026, 10, 1)]
    assert (aug["m1"], aug["m2"], aug["m3"]) == (0.0, 0.0, 1.0)  # e bought again in November
    assert math.isnan(aug["m4"])  # December is after the report month
    assert octo["m1"] == 0.0
    assert aug["gmv_per_buyer"] == Decimal("200")
    assert octo["gmv_per_buyer"] == Decimal("148")  # (100+200+300+50+90) / 5


def test_figures(con):
    life = customers.lifecycle(con, D)
    got = customers.figures(D, life, customers.rfm(con, D), customers.repurchase(con, D),
                            customers.recall(con, D))
    assert (got["active"], got["sleeping"], got["lost"], got["recall_due"]) == (2, 3, 1, 1)
    assert got["value_at_risk"] == Decimal("590.00")
    assert got["segments"]["一般挽留"] == 2


def test_no_buyer_keys_gives_none(home):
    _warehouse("nokey", keyed=False)
    con = warehouse.connect("nokey", read_only=True)
    assert not customers.identity(con, D).ok
    assert customers.lifecycle(con, D) is None
    assert customers.rfm(con, D) is None
    assert customers.repurchase(con, D) is None
    assert customers.cohorts(con, D) is None
    assert customers.recall(con, D) is None
    got = customers.figures(D, None, None, None, None)
    assert got["active"] is None and got["segments"] is None and got["value_at_risk"] is None
    con.close()


@pytest.mark.parametrize(("cell", "want"), [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("abc", "abc"), (Decimal("5"), "5.00"), (None, ""),
    ("2704738731696217320", "2704738731696217320"),
])
def test_csv_cells_are_neutralised(cell, want):
    assert cust_report.neutralise(cell) == want


def test_private_csv_goes_under_processed_not_reports(home):
    frame = pd.DataFrame([{
        "list": "recall_due", "buyer_key": "=cmd|' /C calc'!A0", "last_order_id": "123",
        "last_paid_at": pd.Timestamp("2026-10-27 10:00"), "last_amount": Decimal("10.5"),
        "days_since": 30, "orders": 1, "gmv": Decimal("10.5"), "m_score": 3}])
    path = cust_report.write_recall_csv("t", D, customers.Recall(D, 30, frame))
    assert path == home / "data/processed/t/private/recall_2026-11-26.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:2] == ["名单", "买家编号"]
    assert rows[1][:3] == ["到期召回", "'=cmd|' /C calc'!A0", "123"]
    assert rows[1][4] == "10.50"
    assert not (home / "reports").exists()


def test_masking():
    assert cust_report.masked_order_id("2704738731696217320") == "2704****7320"
    assert cust_report.masked_key("a59276cfde236531") == "a59276…"
