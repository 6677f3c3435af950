"""Campaign post-mortem: baseline choice, incremental arithmetic, hours, new buyers, Pareto."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from storeops import warehouse
from storeops.analysis import campaign as cp
from storeops.errors import ConfigError

PROMOS = [
    {"name": "2026年双11", "kind": "平台大促", "preheat_start": date(2026, 10, 15),
     "start_date": date(2026, 10, 24), "end_date": date(2026, 11, 11)},
    {"name": "2025年双11", "kind": "平台大促", "preheat_start": date(2025, 10, 15),
     "start_date": date(2025, 10, 24), "end_date": date(2025, 11, 11)},
    {"name": "9月聚划算", "kind": "聚划算", "preheat_start": None,
     "start_date": date(2026, 9, 20), "end_date": date(2026, 9, 22)},
]


# ---------------------------------------------------------------- windows


@pytest.mark.parametrize("text", ["2026年双11", "2026双11", "双11", "平台大促"])
def test_find_promotion_by_name_year_or_kind(text):
    found = cp.find_promotion(PROMOS, text, date(2026, 11, 19))
    assert found["name"] == "2026年双11"


def test_find_promotion_takes_the_latest_started():
    # on 2026-06-01 the 2026 双11 has not started: the 2025 one is the latest
    assert cp.find_promotion(PROMOS, "双11", date(2026, 6, 1))["name"] == "2025年双11"


def test_platform_event_when_not_in_the_table():
    w = cp.resolve_windows([], date(2026, 6, 25), campaign="618")
    assert (w.source, w.preheat_start, w.start, w.end) == (
        "平台日历", date(2026, 5, 20), date(2026, 5, 31), date(2026, 6, 18))
    assert w.tail_end == date(2026, 6, 25)


def test_explicit_dates_and_unknown_campaign():
    w = cp.resolve_windows([], date(2026, 8, 1), start="2026-07-10", end="2026-07-12")
    assert (w.preheat_start, w.start, w.end, w.source) == (
        date(2026, 7, 10), date(2026, 7, 10), date(2026, 7, 12), "手动")
    with pytest.raises(ConfigError):
        cp.resolve_windows([], date(2026, 8, 1), campaign="不存在的活动")


def test_phases_are_cut_at_the_report_day():
    w = cp.resolve_windows(PROMOS, date(2026, 11, 14), campaign="双11")
    assert [p[0] for p in w.phases()] == [cp.PREHEAT, cp.MAIN, cp.TAIL]
    assert w.phases()[-1][1:] == (date(2026, 11, 12), date(2026, 11, 14))
    assert w.open_days == 4  # 11-15 .. 11-18 still to come


# ---------------------------------------------------------------- baseline


def test_baseline_skips_holidays_and_other_promotions():
    w = cp.resolve_windows(PROMOS, date(2026, 11, 19), campaign="双11")
    why = cp.excluder(PROMOS, w)
    taken, skipped = cp.choose_baseline(w.preheat_start, 28, why, first_day=None)
    assert len(taken) == 28
    reasons = dict(skipped)
    assert reasons[date(2026, 10, 3)] == "国庆假期"
    # the 聚划算 of 9-20..9-22 plus its 7-day tail is skipped
    assert reasons[date(2026, 9, 20)] == "促销：9月聚划算"
    assert reasons[date(2026, 9, 29)] == "促销：9月聚划算"
    assert date(2026, 9, 30) in taken and date(2026, 10, 14) in taken
    assert all(d < w.preheat_start for d in taken)


def test_baseline_stops_at_the_first_order_day():
    taken, _ = cp.choose_baseline(date(2026, 6, 10), 28, lambda d: None,
                                  first_day=date(2026, 6, 1))
    assert sorted(taken) == [date(2026, 6, d) for d in range(1, 10)]


def test_expected_is_the_same_weekday_mean_rounded_to_the_cent():
    mon = date(2026, 9, 7)  # a Monday
    history = {mon: Decimal("100.00"), mon + timedelta(7): Decimal("200.01"),
               mon + timedelta(14): Decimal("300.00"),
               mon + timedelta(1): Decimal("9999")}  # a Tuesday: ignored for Mondays
    base, low, high = cp.expected(date(2026, 10, 19), history)
    # (100 + 200.01 + 300) / 3 = 200.003333… -> 200.00
    assert base == Decimal("200.00")
    # inclusive quartiles of 100, 200.01, 300: 150.005 and 250.005
    assert low == pytest.approx(150.005)
    assert high == pytest.approx(250.005)


# ---------------------------------------------------------------- a tiny warehouse


def _order(i: int, paid: datetime, amount: str, buyer: str, *, refund: str = "0") -> dict:
    return {"shop_id": "t", "order_id": f"o{i}", "buyer_key": buyer, "paid_at": paid,
            "created_at": paid - timedelta(minutes=1), "paid_amount": Decimal(amount),
            "goods_payable": Decimal(amount), "postage": Decimal(0),
            "refund_amount": Decimal(refund)}


def _at(day: date, clock: str) -> datetime:
    """A naive Asia/Shanghai time, as the warehouse stores it."""
    return datetime.combine(day, time.fromisoformat(clock))


@pytest.fixture
def tiny(home):
    """
    Orders on 4 baseline Mondays/Tuesdays before a manual campaign, and during it.

    Campaign: pre-heat Mon 2026-07-20, main Tue 07-21 .. Wed 07-22 (report 07-30: tail to 07-29).
    """
    rows = []
    mondays = [date(2026, 6, 22), date(2026, 6, 29), date(2026, 7, 6), date(2026, 7, 13)]
    i = 0
    for k, mon in enumerate(mondays):
        for day, amount in ((mon, f"{100 + k}.00"), (mon + timedelta(1), "50.00"),
                            (mon + timedelta(2), "60.00"), (mon + timedelta(3), "70.00"),
                            (mon + timedelta(4), "80.00"), (mon + timedelta(5), "90.00"),
                            (mon + timedelta(6), "95.00")):
            i += 1
            rows.append(_order(i, datetime.combine(day, datetime.min.time()) +
                               timedelta(hours=10), amount, f"old{i % 5}", refund="0"))
    # campaign: pre-heat Monday 07-20 sells 50 (a dip), main 07-21 sells 500, 07-22 sells 0.01
    rows.append(_order(900, _at(date(2026, 7, 20), "10:00:00"), "40.00", "old1"))
    rows.append(_order(901, _at(date(2026, 7, 21), "00:00:00"), "300.00", "new1", refund="30.00"))
    rows.append(_order(902, _at(date(2026, 7, 21), "23:59:59"), "200.00", "new2"))
    rows.append(_order(903, _at(date(2026, 7, 20), "00:00:00"), "10.00", "late"))
    rows.append(_order(904, _at(date(2026, 7, 22), "00:00:01"), "0.01", "late"))
    con = warehouse.connect("t", read_only=False)
    warehouse.upsert(con, "orders", pd.DataFrame(rows))
    yield con
    con.close()


def _campaign(con):
    w = cp.windows(con, date(2026, 7, 30), start="2026-07-21", end="2026-07-22",
                   preheat_start="2026-07-20")
    b = cp.baseline(con, w, days="28")
    return w, b, cp.uplift(con, w, b)


def test_incremental_parts_reconcile_to_the_cent(tiny):
    _, b, up = _campaign(tiny)
    assert len(b.days) == 28 and b.days[0] == date(2026, 6, 22)
    by_day = dict(zip(up.days["day"], up.days["baseline"], strict=True))
    # Mondays 100, 101, 102, 103 -> 101.50; Tuesdays 50; Wednesdays 60
    assert by_day[date(2026, 7, 20)] == Decimal("101.50")
    assert by_day[date(2026, 7, 21)] == Decimal("50.00")
    assert by_day[date(2026, 7, 22)] == Decimal("60.00")
    phases = {p.phase: p for p in up.phases}
    # pre-heat 07-20: 40 + 10 (at 00:00:00) − 101.50 = −51.50 (the dip)
    assert phases[cp.PREHEAT].incremental == Decimal("-51.50")
    assert up.preheat_dip == Decimal("-51.50")
    # main: (300 + 200 − 50) + (0.01 − 60) = 450 − 59.99 = 390.01
    assert phases[cp.MAIN].incremental == Decimal("390.01")
    parts = sum((p.incremental for p in up.phases if p.phase != cp.TOTAL), Decimal(0))
    assert parts == phases[cp.TOTAL].incremental == up.incremental_gmv
    assert up.actual_gmv - up.baseline_gmv == up.incremental_gmv


def test_costs_and_roi_by_hand(tiny):
    _, _, up = _campaign(tiny)
    c = cp.costs(tiny, up, gross_margin=0.5)
    # no ads, no lines, no 淘宝客: nothing to pay for, so no ROI
    assert c.ads is None and c.discount is None and c.taoke is None
    assert c.campaign_cost == 0 and c.roi is None
    assert c.gross_profit == (up.incremental_gmv * Decimal("0.5")).quantize(Decimal("0.01"))


def test_hours_bucket_across_midnight(tiny):
    _, _, up = _campaign(tiny)
    h = cp.hourly(tiny, up)
    assert h.day == date(2026, 7, 21)  # the main day with the most GMV
    frame = h.frame.set_index("hour")
    assert frame.loc[0, "gmv"] == Decimal("300.00")  # 00:00:00 is hour 0 of the 21st
    assert frame.loc[23, "gmv"] == Decimal("200.00")  # 23:59:59 stays on the 21st
    assert h.first_hour_share == pytest.approx(0.6)


def test_new_buyer_on_the_first_campaign_second(tiny):
    w, _, _ = _campaign(tiny)
    b = cp.buyers(tiny, w)
    # new1 (first order at 07-21 00:00:00), new2 and "late" (first order at 07-20 00:00:00,
    # the very first second of the campaign) are new; old1 also bought in June
    assert (b.new, b.returning) == (3, 1)
    assert b.new_gmv == Decimal("510.01")
    assert b.new_share == pytest.approx(0.75)


def test_refund_rate_of_campaign_orders(tiny):
    _, _, up = _campaign(tiny)
    rt = cp.refund_tail(tiny, up)
    # campaign orders 07-20 .. 07-22: 40 + 10 + 300 + 200 + 0.01 = 550.01, refunds 30
    assert rt.gmv == Decimal("550.01")
    assert rt.rate == pytest.approx(30 / 550.01)
    assert rt.base_rate == 0
    assert rt.curve is None  # no refund export


def test_pareto_counts_items_to_80_percent():
    frame = pd.DataFrame({"gmv": [Decimal(v) for v in ("10", "50", "30", "5", "5")]})
    n80, top20, ranked = cp.pareto(frame)
    # sorted 50, 30, 10, 5, 5 (total 100): 50 + 30 reach 80 -> 2 items; top 20 % = 1 item = 50 %
    assert n80 == 2
    assert top20 == pytest.approx(0.5)
    assert ranked["cum_share"].tolist() == pytest.approx([0.5, 0.8, 0.9, 0.95, 1.0])
