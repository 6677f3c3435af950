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
    row = calls.rows("recall_due").iloc[0]
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


def test_private_csvs_go_to_the_report_days_private_folder(home):
    frame = pd.DataFrame([{
        "list": "first_order_25_30", "buyer_key": "=cmd|' /C calc'!A0", "last_order_id": "123",
        "last_paid_at": pd.Timestamp("2026-10-27 10:00"), "last_amount": Decimal("10.5"),
        "days_since": 30, "orders": 1, "gmv": Decimal("10.5"), "orders_ever": 1,
        "m_score": 3}])
    written = cust_report.write_recall_csvs("t", D, customers.Recall(D, 30, frame))
    folder = home / "reports/t/2026-11-26/private"
    assert written == {k: folder / f"recall_{k}.csv" for k in customers.RECALL_LISTS}
    raw = written["first_order_25_30"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:2] == ["名单", "买家编号"]
    cell = dict(zip(rows[0], rows[1], strict=True))
    assert (cell["名单"], cell["买家编号"], cell["最近订单编号"]) == (
        "首单25–30天未复购", "'=cmd|' /C calc'!A0", "123")
    assert cell["最近订单金额"] == "10.50"
    assert cell["收货人"] == cell["手机"] == ""  # written without the warehouse: no contacts
    # an empty list still gets its file, header only
    assert written["entering_sleeping"].read_text("utf-8-sig").count("\n") == 1
    assert oct(folder.stat().st_mode)[-3:] == "700"
    assert oct(written["recall_due"].stat().st_mode)[-3:] == "600"


def test_masking():
    assert cust_report.masked_order_id("2704738731696217320") == "2704****7320"
    assert cust_report.masked_key("a59276cfde236531") == "a59276…"


# ---------------------------------------------------------------- 90-day repurchase, gaps, lists
#
# A second warehouse "r", report day D = 2026-11-26; D-180 = 05-30, D-90 = 08-28. Buyers, their
# effective orders (days before D, 元; "×" = refunded in full) and the order lines of the first
# order (item title, 元):
#
#   p  D-180 100 [X], D-90 100     first on the window's first day; second exactly 90 d later
#   q  D-150 100 [X], D-59 100     gap 91: no 90-day repurchase
#   r  D-90 100 [Y],  D-1 100      first on the window's last day; gap 89
#   s  D-181 100, D-170 100        first one day before the window: not in the cohort; gap 11
#   t  D-89 100                    first one day after the window: not in the cohort
#   u  D-120 100 [X 30, Z 70], D-110 ×, D-100 100   refunded order skipped: gap 20
#   v  D-100 100 (no lines)        in the cohort, no second order, first order without lines
#   w  D-25 100                    only order 25 days ago: first_order_25_30 (boundary)
#   x  D-30 100                    only order 30 days ago: first_order_25_30 (boundary), due
#   y  D-24 100                    24 days: too early for the list
#   z  D-31 50                     turned sleeping today (31 d): entering_sleeping
#   k  D-200 100, D-27 100         27 days but not a first-time buyer
#   m  D-37 100                    turned sleeping 6 days ago (37 = 30 + 7): entering_sleeping
#   n  D-38 500                    sleeping for 8 days: not entering; high-value sleeper
#   f  D-28 ×                      refunded in full: in no list

GAP_ORDERS = [  # buyer, days before D, paid, refunded, lines [(title, paid)]
    ("p", 180, "100.00", None, [("X", "100.00")]), ("p", 90, "100.00", None, []),
    ("q", 150, "100.00", None, [("X", "100.00")]), ("q", 59, "100.00", None, []),
    ("r", 90, "100.00", None, [("Y", "100.00")]), ("r", 1, "100.00", None, []),
    ("s", 181, "100.00", None, []), ("s", 170, "100.00", None, []),
    ("t", 89, "100.00", None, []),
    ("u", 120, "100.00", None, [("X", "30.00"), ("Z", "70.00")]),
    ("u", 110, "80.00", "80.00", []), ("u", 100, "100.00", None, []),
    ("v", 100, "100.00", None, []),
    ("w", 25, "100.00", None, []), ("x", 30, "100.00", None, []),
    ("y", 24, "100.00", None, []), ("z", 31, "50.00", None, []),
    ("k", 200, "100.00", None, []), ("k", 27, "100.00", None, []),
    ("m", 37, "100.00", None, []), ("n", 38, "500.00", None, []),
    ("f", 28, "90.00", "90.00", []),
]


def _orders_and_lines(store: str, orders: list[tuple], at) -> None:
    con = warehouse.connect(store, read_only=False)
    ids = [str(100 + i) for i in range(len(orders))]
    warehouse.upsert(con, "orders", pd.DataFrame({
        "shop_id": store, "order_id": ids, "buyer_key": [o[0] for o in orders],
        "created_at": [at(o[1]) - timedelta(minutes=5) for o in orders],
        "paid_at": [at(o[1]) for o in orders],
        "paid_amount": [o[2] for o in orders], "refund_amount": [o[3] for o in orders]}))
    lines = [(oid, n, title, paid) for oid, o in zip(ids, orders, strict=True)
             for n, (title, paid) in enumerate(o[4], start=1)]
    warehouse.upsert(con, "order_items", pd.DataFrame({
        "shop_id": store, "sub_order_id": [f"{oid}#{n}" for oid, n, _, _ in lines],
        "order_id": [x[0] for x in lines], "line_no": [x[1] for x in lines],
        "title": [x[2] for x in lines], "unit_price": [x[3] for x in lines], "qty": 1,
        "paid_amount": [x[3] for x in lines]}))
    con.close()


@pytest.fixture
def gap_con(home):
    _orders_and_lines("r", GAP_ORDERS, _at)
    c = warehouse.connect("r", read_only=True)
    yield c
    c.close()


def test_first_time_repurchase_within_90_days_by_hand(gap_con):
    first = customers.first_repurchase(gap_con, D)
    assert (first.first_start, first.first_end) == (date(2026, 5, 30), date(2026, 8, 28))
    # cohort p q r u v (s one day early, t one day late); repeat within 90 d: p (exactly 90),
    # r (89), u (20, the refunded order skipped); q at 91 days does not count -> 3 / 5
    assert (first.buyers, first.repeat_buyers) == (5, 3)
    assert first.rate == pytest.approx(0.6)


def test_first_time_repurchase_by_main_item_of_the_first_order(gap_con):
    by_item = customers.first_repurchase(gap_con, D).by_item
    # X: p (repeat), q; Y: r (repeat); Z: u (its larger line, 70 > 30; repeat); v no lines
    rows = [(r.item_key, r.buyers, r.repeat_buyers) for r in by_item.itertuples()]
    assert rows[:3] == [("X", 2, 1), ("Y", 1, 1), ("Z", 1, 1)]
    assert pd.isna(rows[3][0]) and rows[3][1:] == (1, 0)
    assert by_item["rate"].iloc[0] == pytest.approx(0.5)


def test_days_to_second_order_by_hand(gap_con):
    gap = customers.second_order_gap(gap_con, D)
    # first order within the 365 days, second by D: s 11, u 20, r 89, p 90, q 91 (k's first
    # order is 200 days ago and its second 27: 173)
    assert dict(zip(gap.counts["days"], gap.counts["buyers"], strict=True)) == \
        {11: 1, 20: 1, 89: 1, 90: 1, 91: 1, 173: 1}
    # nearest rank over n = 6: p25 needs 1.5 -> 2nd = 20; median 3 -> 3rd = 89;
    # p75 4.5 -> 5th = 91; p90 5.4 -> 6th = 173
    assert gap.quantiles == {"p25": 20, "median": 89, "p75": 91, "p90": 173}
    bins = gap.histogram(width=7, cap=91).set_index("label")["buyers"]
    # 11 -> 7–13, 20 -> 14–20, 89 and 90 -> 84–90, 91 and 173 -> 91+
    assert (bins["7–13"], bins["14–20"], bins["84–90"], bins["91+"]) == (1, 1, 2, 2)
    assert bins.sum() == 6


def test_nearest_rank_is_none_without_buyers():
    empty = pd.DataFrame({"days": [], "buyers": []})
    assert customers.nearest_rank(empty, 0.5) is None


def test_recall_lists_boundaries_at_25_30_and_37_days(gap_con):
    calls = customers.recall(gap_con, D, recall_days=30, sleeping_days=30, lost_days=50)
    listed = {k: sorted(calls.rows(k)["buyer_key"]) for k in customers.RECALL_LISTS}
    # first-time buyers at 25–30 days: w (25), x (30); y (24) too early, k bought twice,
    # f refunded in full
    assert listed["first_order_25_30"] == ["w", "x"]
    # turned sleeping in the 7 days up to D: z (31 d, today) and m (37 d, 6 days ago); n (38)
    assert listed["entering_sleeping"] == ["m", "z"]
    # M score over the 14 window buyers, 1 + floor(5 (rank - 1) / 14): n 500 -> 5;
    # z 50 and m 100 -> 1: only n of the sleepers is high value
    assert listed["sleeping_high_value"] == ["n"]
    assert listed["recall_due"] == ["x"]
    assert calls.counts() == {"entering_sleeping": 2, "sleeping_high_value": 1,
                              "first_order_25_30": 2}
    assert calls.rows("first_order_25_30")["orders_ever"].tolist() == [1, 1]


# New vs returning, warehouse "nr" (D = 2026-11-26); orders (time, 元) and their lines:
#   a1  10-01 00:05 100 [A], 10-20 50 [B], 11-03 80 [A]   first on the 1st of October
#   b1  11-01 10:00 200 [A 150, C 50]                      first on the 1st of November
#   c1  09-30 23:59 60 [C], 10-01 00:00:30 40 [B]          new in September, back in October
#   d1  11-01 300 refunded in full [A], 11-10 120 [B]      new in November (first effective)

_t = datetime.fromisoformat

NR_ORDERS = [  # buyer, pay time, paid, refunded, lines
    ("a1", _t("2026-10-01 00:05:00"), "100.00", None, [("A", "100.00")]),
    ("a1", _t("2026-10-20 12:00:00"), "50.00", None, [("B", "50.00")]),
    ("a1", _t("2026-11-03 12:00:00"), "80.00", None, [("A", "80.00")]),
    ("b1", _t("2026-11-01 10:00:00"), "200.00", None, [("A", "150.00"), ("C", "50.00")]),
    ("c1", _t("2026-09-30 23:59:00"), "60.00", None, [("C", "60.00")]),
    ("c1", _t("2026-10-01 00:00:30"), "40.00", None, [("B", "40.00")]),
    ("d1", _t("2026-11-01 09:00:00"), "300.00", "300.00", [("A", "300.00")]),
    ("d1", _t("2026-11-10 09:00:00"), "120.00", None, [("B", "120.00")]),
]


@pytest.fixture
def nr_con(home):
    _orders_and_lines("nr", [(b, t, p, r, lines) for b, t, p, r, lines in NR_ORDERS],
                      lambda t: t)
    c = warehouse.connect("nr", read_only=True)
    yield c
    c.close()


def test_new_vs_returning_by_month_by_hand(nr_con):
    mix = customers.new_vs_returning(nr_con, D, months=12)
    m = mix.months.set_index("month")
    assert list(m.index) == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    sep, octo, nov = m.loc[date(2026, 9, 1)], m.loc[date(2026, 10, 1)], m.loc[date(2026, 11, 1)]
    # September: c1 new, 1 order 60, nobody returning
    assert (sep["new_buyers"], sep["returning_buyers"], sep["new_gmv"]) == (1, 0, Decimal("60"))
    assert sep["returning_aov"] is None and sep["new_share"] == 1.0
    # October: a1 new (first on the 1st: 100 + 50 in 2 orders), c1 returning (40)
    assert (octo["new_buyers"], octo["new_orders"], octo["new_gmv"]) == (1, 2, Decimal("150"))
    assert (octo["returning_buyers"], octo["returning_gmv"]) == (1, Decimal("40"))
    assert (octo["new_aov"], octo["returning_aov"]) == (Decimal("75"), Decimal("40"))
    assert octo["new_share"] == 0.5
    # November: b1 200 + d1 120 new (d1's refunded order does not make it new earlier),
    # a1 returning 80; new share 2 / 3; new AOV 320 / 2 = 160
    assert (nov["new_buyers"], nov["new_gmv"], nov["new_aov"]) == (2, Decimal("320"),
                                                                  Decimal("160"))
    assert (nov["returning_buyers"], nov["returning_aov"]) == (1, Decimal("80"))
    assert nov["new_share"] == pytest.approx(2 / 3)
    assert nov["new_gmv_share"] == pytest.approx(320 / 400)
    assert bool(nov["partial"]) and not bool(octo["partial"])


def test_items_that_bring_new_and_returning_buyers(nr_con):
    mix = customers.new_vs_returning(nr_con, D, months=12)
    # first orders: a1 [A 100], b1 [A 150, C 50], c1 [C 60], d1 [B 120] -> A 2 buyers 250,
    # C 2 buyers 110, B 1 buyer 120
    assert [(r.item_key, r.buyers, r.gmv) for r in mix.new_items.itertuples()] == [
        ("A", 2, Decimal("250.00")), ("C", 2, Decimal("110.00")), ("B", 1, Decimal("120.00"))]
    # later orders: a1 10-20 [B 50], c1 10-01 [B 40], a1 11-03 [A 80]
    assert [(r.item_key, r.buyers, r.orders) for r in mix.return_items.itertuples()] == [
        ("B", 2, 2), ("A", 1, 1)]


def test_new_figures_in_the_metrics_json(gap_con):
    got = customers.figures(
        D, None, None, None, customers.recall(gap_con, D),
        first=customers.first_repurchase(gap_con, D),
        gap=customers.second_order_gap(gap_con, D),
        mix=customers.new_vs_returning(gap_con, D))
    assert got["repurchase_90d_first_time"] == pytest.approx(0.6)
    assert got["repurchase_90d_cohort"]["buyers"] == 5
    assert got["days_to_second_order"] == {"buyers": 6, "p25": 20, "median": 89, "p75": 91,
                                           "p90": 173}
    assert got["recall_counts"] == {"entering_sleeping": 2, "sleeping_high_value": 1,
                                    "first_order_25_30": 2}
    # November 2026 in "r": w (D-25 = 11-01) and y (D-24) buy for the first time; r
    # (D-1 = 11-25) first bought on 08-28 -> new 2, returning 1
    nov = got["new_vs_returning"]["2026-11"]
    assert (nov["new_buyers"], nov["returning_buyers"]) == (2, 1)


# ---------------------------------------------------------------- per-buyer temp tables (cache)


def test_cached_facts_follow_the_report_day_and_the_window(con, home):
    # One read-only connection asked for D, then D - 31, then D again: each answer equals the
    # one of a fresh connection, so the temp tables are rebuilt when the day changes.
    # At D - 31 (10-26) the buyers with orders by then: b (0 d), c (19), d (20), e (69), h (9):
    # active b c d h, lost e (a's order is D - 30, after that day)
    early = D - timedelta(days=31)
    assert customers.lifecycle(con, D).now == {"active": 2, "sleeping": 3, "lost": 1}
    assert customers.lifecycle(con, early).now == {"active": 4, "sleeping": 0, "lost": 1}
    assert customers.lifecycle(con, D).now == {"active": 2, "sleeping": 3, "lost": 1}
    # a 60-day window (a b c d h e's second order; e's first is 100 days back): 6 buyers, none
    # with two orders; back to the default window: e repeats again
    assert (customers.repurchase(con, D, window_days=60).repeat_buyers,
            customers.repurchase(con, D).repeat_buyers) == (0, 1)
    fresh = warehouse.connect("t", read_only=True)
    for day in (D, early):
        assert customers.rfm(con, day).counts() == customers.rfm(fresh, day).counts()
        assert customers.recall(con, day).buyers.equals(customers.recall(fresh, day).buyers)
    fresh.close()


def test_writable_connection_never_answers_from_stale_tables(home):
    _warehouse("w")
    con = warehouse.connect("w", read_only=False)
    assert customers.lifecycle(con, D).now["active"] == 2
    # a new buyer pays on D - 1 on the same connection: one more active buyer right away
    warehouse.upsert(con, "orders", pd.DataFrame({
        "shop_id": ["w"], "order_id": ["99"], "buyer_key": ["new"],
        "created_at": [_at(1) - timedelta(minutes=5)], "paid_at": [_at(1)],
        "paid_amount": ["10.00"], "refund_amount": [None]}))
    assert customers.lifecycle(con, D).now["active"] == 3
    assert customers.identity(con, D).buyers == 8  # a b c d e h f (refunded only) + new
    con.close()


@pytest.mark.parametrize("n", [1, 2, 4, 5, 6, 7, 9, 10, 11, 14, 37, 100])
def test_quintile_positions_pick_the_ceil_jn_over_5_th_value(n):
    # c_j = ceil(j n / 5); the position (c_j - 0.5) / n times n lies strictly between c_j - 1
    # and c_j, so the ceil(q n)-th smallest value (percentile_disc) is the c_j-th
    for j, q in enumerate(customers.quintile_positions(n), start=1):
        c = -(-j * n // 5)
        assert c - 1 < q * n < c
        assert math.ceil(q * n) == c


def test_rfm_scores_equal_ranks_on_many_ties(home):
    # 23 buyers with heavy ties in every dimension; scores by the cut values must equal
    # 1 + floor(5 (rank - 1) / n) computed here with pandas ranks
    rows = []
    for b in range(23):
        for k in range(1 + b % 3):
            rows.append((f"k{b:02d}", 5 + (b % 4) * 20 + k, f"{10 * (1 + b % 5)}.00", None, []))
    _orders_and_lines("ties", rows, _at)
    con = warehouse.connect("ties", read_only=True)
    frame = pd.DataFrame(rows, columns=["buyer", "days", "paid", "ref", "lines"]).assign(
        paid=lambda d: d["paid"].map(Decimal))
    per = frame.groupby("buyer").agg(last=("days", "min"), f=("days", "size"), m=("paid", "sum"))
    n = len(per)

    def score(values: pd.Series) -> pd.Series:
        return 1 + (5 * (values.rank(method="min") - 1) // n).astype(int)

    r, f, m = score(-per["last"]), score(per["f"]), score(per["m"].astype(float))
    want: dict[str, int] = {}
    for flags in zip(r >= 3, f >= 3, m >= 3, strict=True):
        name = customers.SEGMENTS[tuple(bool(x) for x in flags)]
        want[name] = want.get(name, 0) + 1
    got = {k: v for k, v in customers.rfm(con, D).counts().items() if v}
    assert got == want
    con.close()
