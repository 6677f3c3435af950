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


# ---------------------------------------------------------------- repurchase, stock, rivals


def test_repurchase_counts_within_each_horizon_and_days_to_come():
    # 5 new buyers: next orders 1, 30, 31 and 60 days after the end, one never; data 45 days on
    got = {r.days: r for r in cp.repurchase([1, 30, 31, 60, None], observed_days=45)}
    assert (got[30].bought_again, got[30].complete, got[30].days_to_come) == (2, True, 0)
    assert got[30].rate == pytest.approx(2 / 5)
    # only 45 of the 60 days are covered: 1, 30, 31 so far (60 lies beyond the data)
    assert (got[60].bought_again, got[60].complete, got[60].days_to_come) == (3, False, 15)
    assert got[60].as_json()["observed_days"] == 45


def test_repurchase_before_the_campaign_ends():
    got = cp.repurchase([None, None], observed_days=0)
    assert [(r.bought_again, r.days_to_come) for r in got] == [(0, 30), (0, 60)]


def test_repurchase_of_the_tiny_store(tiny):
    w, _, _ = _campaign(tiny)
    b = cp.buyers(tiny, w)
    # the campaign ends 07-22 and the report cutoff is the orders' last day, 07-22: 0 days seen
    r30 = b.repurchase_within(30)
    assert (r30.new_buyers, r30.bought_again, r30.days_to_come) == (3, 0, 30)


def _stock(day: date, sku: str, available: int | None) -> dict:
    return {"day": day, "sku_code": sku, "name": f"商品{sku}", "spec": "黑色;M",
            "available": available}


def test_stock_outs_day_zero_days_and_restock():
    d = date(2026, 10, 14)  # the day before the pre-heat
    rows = [
        # A: 5 → 0 on 10-16, 0 on 10-17, back on 10-18
        _stock(d, "A", 5), _stock(d + timedelta(1), "A", 3), _stock(d + timedelta(2), "A", 0),
        _stock(d + timedelta(3), "A", 0), _stock(d + timedelta(4), "A", 9),
        # B: already out before the pre-heat and never back; C never runs out
        _stock(d, "B", 0), _stock(d + timedelta(1), "B", -2),
        _stock(d + timedelta(1), "C", 1), _stock(d + timedelta(2), "C", None),
    ]
    frame = cp.find_stock_outs(rows, d + timedelta(1), {"A": 3, "C": 1})
    assert frame["sku_code"].tolist() == ["A", "B"]  # ranked A first, unranked B last
    a, b = frame.to_dict("records")
    assert (a["sold_out_day"], a["zero_days"], a["back_day"], a["out_before"]) == (
        date(2026, 10, 16), 2, date(2026, 10, 18), False)
    assert (b["sold_out_day"], b["zero_days"], b["back_day"], b["out_before"]) == (
        date(2026, 10, 15), 1, None, True)
    assert b["gmv_rank"] is None


def test_price_cut_table_price_and_uplift_by_hand():
    rows = [
        # base 10 units for 1000.00 (100/unit) over 20 days; main 6 units for 480.00 (80/unit)
        # over 4 days: cut 1 − 80/100 = 20 %; expected 10/20 × 4 = 2 units; uplift 6/2 − 1 = 200 %
        {"item_key": "X", "title": "降价款", "base_qty": 10, "main_qty": 6,
         "base_paid": Decimal("1000.00"), "main_paid": Decimal("480.00")},
        # base 100/unit, main 95/unit: cut 5 %; expected 2, sold 1: uplift −50 %
        {"item_key": "Y", "title": "微降款", "base_qty": 10, "main_qty": 1,
         "base_paid": Decimal("1000.00"), "main_paid": Decimal("95.00")},
        # too few baseline units: left out
        {"item_key": "Z", "title": "新款", "base_qty": 2, "main_qty": 9,
         "base_paid": Decimal("200.00"), "main_paid": Decimal("900.00")},
    ]
    frame = cp.price_cut_table(rows, main_days=4, base_days=20)
    assert frame["item_key"].tolist() == ["X", "Y"]
    x, y = frame.to_dict("records")
    assert (x["base_price"], x["main_price"]) == (Decimal("100.00"), Decimal("80.00"))
    assert x["cut"] == pytest.approx(0.2)
    assert x["expected_units"] == pytest.approx(2.0)
    assert x["uplift"] == pytest.approx(2.0)
    assert y["cut"] == pytest.approx(0.05) and y["uplift"] == pytest.approx(-0.5)


def test_competitor_table_before_vs_window():
    pre = date(2026, 10, 15)

    def snap(day, item, index, rank):
        return {"day": day, "item_id": item, "device": "无线", "shop": "对手店", "title": item,
                "trade_index": index, "traffic_index": None, "rank": rank}

    rows = [snap(pre - timedelta(2), "R1", 900.0, 80),
            snap(pre - timedelta(1), "R1", 1000.0, 70),
            snap(pre, "R1", 1500.0, 40), snap(pre + timedelta(1), "R1", 2500.0, 20),
            snap(pre, "R2", 500.0, 90),  # no snapshot before the pre-heat
            snap(pre - timedelta(1), "R3", 800.0, 60)]  # nothing in the window: left out
    frame = cp.competitor_table(rows, pre, pre + timedelta(3))
    assert frame["item_id"].tolist() == ["R1", "R2"]
    r1, r2 = frame.to_dict("records")
    # window mean (1500 + 2500) / 2 = 2000 vs 1000 the day before the pre-heat: +100 %
    assert (r1["before_index"], r1["window_index"], r1["change"]) == (1000.0, 2000.0, 1.0)
    assert (r1["before_rank"], r1["best_rank"], r1["peak_index"]) == (70, 20, 2500.0)
    assert r2["change"] is None and r2["before_day"] is None


def test_actions_for_stock_outs_flat_price_cuts_and_rivals():
    so = cp.StockOuts(frame=pd.DataFrame([{
        "sku_code": "A", "name": "主推卫衣", "spec": "黑色;M", "sold_out_day": date(2026, 11, 11),
        "zero_days": 3, "back_day": None, "out_before": False, "gmv_rank": 2}], dtype=object),
        snapshot_days=30, first=date(2026, 10, 15), last=date(2026, 11, 18))
    pc = cp.PriceCuts(frame=pd.DataFrame([
        {"item_key": "X", "title": "白降款", "cut": 0.25, "uplift": -0.1},
        {"item_key": "Y", "title": "好卖款", "cut": 0.3, "uplift": 1.5}], dtype=object),
        main_days=4, base_days=28, compared=2)
    comp = cp.Competitors(frame=pd.DataFrame([{"title": "对手羽绒服", "change": 0.8}],
                                             dtype=object), window_days=30)
    todo = cp.actions(None, None, None, None, None, None, so=so, pc=pc, comp=comp)
    assert any("热销第 2 名「主推卫衣 黑色;M」" in t and "11-11 断货" in t for t in todo)
    assert any(t.startswith("1 个商品降价 10% 以上却没有比平时多卖（如「白降款」降 25%）")
               for t in todo)
    assert any("对手羽绒服" in t and "80%" in t for t in todo)


# ---------------------------------------------------------------- presale, competitor prices


def test_presale_hours_by_hand():
    rows = [{"stage": "尾款", "hour": 0, "gmv": Decimal("300.00"), "paid_orders": 3},
            {"stage": "尾款", "hour": 1, "gmv": Decimal("100.00"), "paid_orders": 1},
            {"stage": "定金", "hour": 20, "gmv": Decimal("50.00"), "paid_orders": 5}]
    wide, summary = cp.presale_hours(rows, Decimal("1000.00"))
    assert wide.columns.tolist() == ["hour", "定金", "尾款"]  # display order, not alphabetical
    assert wide.loc[0, "尾款"] == Decimal("300.00") and wide.loc[5, "尾款"] == 0
    dep, bal = summary.to_dict("records")
    # 尾款: 400 of the day's 1000 (40 %), 300 of its 400 in hour 0 (75 %)
    assert (bal["gmv"], bal["paid_orders"]) == (Decimal("400.00"), 4)
    assert bal["day_share"] == pytest.approx(0.4)
    assert bal["first_hour_share"] == pytest.approx(0.75)
    assert (dep["gmv"], dep["first_hour_share"]) == (Decimal("50.00"), 0)
    assert cp.presale_hours([], Decimal(1)) == (None, None)


def test_presale_refunds_by_hand():
    rows = [{"stage": "尾款", "paid_orders": 4, "gmv": Decimal("400.00"),
             "refund_amount": Decimal("40.00")},
            {"stage": "定金", "paid_orders": 2, "gmv": Decimal("100.00"),
             "refund_amount": Decimal("0")}]
    days = [{"stage": "尾款", "days_after": 3, "refund_amount": Decimal("10.00")},
            {"stage": "尾款", "days_after": 20, "refund_amount": Decimal("30.00")}]
    dep, bal = cp.presale_refunds(rows, days, has_refund_export=True).to_dict("records")
    assert dep["stage"] == "定金" and dep["rate"] == 0 and dep["curve_30"] == 0
    # 尾款: 40 / 400 = 10 %; by day 7: 10 / 400 = 2.5 %; by day 30: 40 / 400 = 10 %
    assert bal["rate"] == pytest.approx(0.1)
    assert (bal["curve_7"], bal["curve_15"], bal["curve_30"]) == pytest.approx(
        (0.025, 0.025, 0.1))
    no_export = cp.presale_refunds(rows, [], has_refund_export=False)
    assert no_export["curve_30"].tolist() == [None, None]
    assert cp.presale_refunds([], [], has_refund_export=True) is None


def _presale(con, order_id: str, stage: str) -> None:
    con.execute("UPDATE orders SET presale_stage = $s WHERE order_id = $o",
                {"s": stage, "o": order_id})


def test_hours_and_refunds_split_presale_orders(tiny):
    _, _, up = _campaign(tiny)
    h = cp.hourly(tiny, up)
    assert h.presale is None and h.presale_summary is None  # no marker: the note stays
    assert cp.refund_tail(tiny, up).presale is None
    _presale(tiny, "o901", "尾款")  # 07-21 00:00:00, 300.00, refund 30.00
    _presale(tiny, "o900", "定金")  # 07-20 10:00, 40.00: a campaign order, not the main day
    h = cp.hourly(tiny, up)
    (bal,) = h.presale_summary.to_dict("records")
    # main day 07-21: 300 + 200 = 500; the 尾款 order is 300 of it, all in hour 0
    assert (bal["stage"], bal["gmv"], bal["day_share"], bal["first_hour_share"]) == (
        "尾款", Decimal("300.00"), pytest.approx(0.6), pytest.approx(1.0))
    rt = cp.refund_tail(tiny, up)
    assert rt.presale["stage"].tolist() == ["定金", "尾款"]
    assert rt.presale["rate"].tolist() == pytest.approx([0.0, 0.1])  # 30 / 300
    assert rt.gmv == Decimal("550.01")  # the totals still include them


def test_competitor_prices_before_and_in_the_main_window():
    pre, main = date(2026, 10, 15), (date(2026, 10, 24), date(2026, 11, 11))

    def snap(day, price):
        return {"day": day, "item_id": "R1", "device": "无线", "shop": "对手店", "title": "R1",
                "trade_index": 1000.0, "traffic_index": None, "rank": 5, "price": price}

    rows = [snap(pre - timedelta(2), Decimal("199.00")), snap(pre - timedelta(1), None),
            snap(pre, Decimal("199.00")),  # pre-heat: not in the main window
            snap(main[0], Decimal("159.00")), snap(main[1], Decimal("169.00"))]
    (r1,) = cp.competitor_table(rows, pre, date(2026, 11, 18), main=main).to_dict("records")
    # before: the last priced snapshot 10-13 = 199; main mean (159 + 169) / 2 = 164
    assert (r1["before_price"], r1["main_price"]) == (Decimal("199.00"), Decimal("164.00"))
    assert r1["price_change"] == pytest.approx(164 / 199 - 1)


def test_price_position_by_hand():
    ours = [
        # 10 units for 1500: 150 each (comparable: between 100/2 and 200×2)
        {"item_key": "A", "main_qty": 10, "main_paid": Decimal("1500.00")},
        # 2 units for 600: 300 each (comparable)
        {"item_key": "B", "main_qty": 2, "main_paid": Decimal("600.00")},
        # 1 unit for 9: far below half the cheapest rival (50): left out
        {"item_key": "C", "main_qty": 1, "main_paid": Decimal("9.00")},
        {"item_key": "D", "main_qty": 0, "main_paid": Decimal("0")},
    ]
    our, rival, position, n = cp.price_position([Decimal("100"), Decimal("200"), None], ours)
    # rivals (100 + 200) / 2 = 150; ours (1500 + 600) / 12 = 175; 175 / 150 − 1 = +16.7 %
    assert (our, rival, n) == (Decimal("175.00"), Decimal("150.00"), 2)
    assert position == pytest.approx(175 / 150 - 1)
    assert cp.price_position([None], ours) == (None, None, None, 0)


def test_competitor_action_names_the_price_cut_when_prices_exist():
    frame = pd.DataFrame([{"title": "对手羽绒服", "change": 0.8, "price_change": -0.16}],
                         dtype=object)
    comp = cp.Competitors(frame=frame, window_days=30, has_prices=True,
                          our_price=Decimal("180"), rival_price=Decimal("200"),
                          price_position=-0.1, our_items=3)
    (todo,) = cp.actions(None, None, None, None, None, None, comp=comp)
    assert "活动价比预热前降了 16%" in todo and "比竞品低 10%" in todo
    assert "没有价格" not in todo
