"""周报 / 月报: period boundaries, targets, ads by column, the plan table on a tiny warehouse
(every figure worked out by hand) and its xlsx copy."""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from storeops import warehouse
from storeops.analysis import period as pa
from storeops.report import period as pr

# ---------------------------------------------------------------- periods


def test_week_of_a_sunday_is_the_week_ending_that_sunday():
    p = pa.period_of(date(2026, 11, 29), "week")
    assert (p.start, p.end, p.through) == (date(2026, 11, 23), date(2026, 11, 29),
                                           date(2026, 11, 29))
    assert p.complete and p.days == 7 and p.elapsed == 7


def test_week_of_a_thursday_runs_to_the_thursday_and_compares_like_for_like():
    p = pa.period_of(date(2026, 11, 26), "week")
    assert (p.start, p.through, p.elapsed, p.complete) == (date(2026, 11, 23),
                                                           date(2026, 11, 26), 4, False)
    prev = pa.previous_period(p)
    assert (prev.start, prev.through) == (date(2026, 11, 16), date(2026, 11, 19))
    ly = pa.last_year_period(p)  # 52 weeks back: same weekdays
    assert (ly.start, ly.through) == (date(2025, 11, 24), date(2025, 11, 27))
    assert ly.start.weekday() == 0


@pytest.mark.parametrize(("day", "days"), [
    (date(2026, 2, 10), 28), (date(2028, 2, 29), 29), (date(2026, 1, 31), 31),
    (date(2026, 4, 1), 30)])
def test_month_lengths(day, days):
    p = pa.period_of(day, "month")
    assert p.start == day.replace(day=1) and p.days == days
    assert p.end == date(day.year, day.month, days)


def test_year_boundary():
    week = pa.period_of(date(2026, 1, 1), "week")  # a Thursday
    assert (week.start, week.end) == (date(2025, 12, 29), date(2026, 1, 4))
    assert week.label == "2026年第1周"  # ISO week of the Monday 2025-12-29
    jan = pa.period_of(date(2026, 1, 31), "month")
    prev = pa.previous_period(jan)
    assert (prev.start, prev.end, prev.through) == (date(2025, 12, 1), date(2025, 12, 31),
                                                    date(2025, 12, 31))
    assert pa.next_period(pa.period_of(date(2025, 12, 5), "month")).start == date(2026, 1, 1)


def test_previous_month_is_capped_at_its_end():
    # March runs to the 31st; February 2026 has 28 days
    prev = pa.previous_period(pa.period_of(date(2026, 3, 31), "month"))
    assert (prev.start, prev.through) == (date(2026, 2, 1), date(2026, 2, 28))
    # 2028-02-29 last year is 2027-02: capped at the 28th
    ly = pa.last_year_period(pa.period_of(date(2028, 2, 29), "month"))
    assert (ly.start, ly.through) == (date(2027, 2, 1), date(2027, 2, 28))


def test_trend_periods_end_with_the_current_one():
    p = pa.period_of(date(2026, 1, 15), "month")
    months = pa.trend_periods(p)
    assert len(months) == 12 and months[-1] == p
    assert months[0].start == date(2025, 2, 1)
    weeks = pa.trend_periods(pa.period_of(date(2026, 11, 26), "week"))
    assert [w.start for w in weeks][:2] == [date(2026, 10, 5), date(2026, 10, 12)]


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="week"):
        pa.period_of(date(2026, 1, 1), "quarter")


# ---------------------------------------------------------------- targets


def test_month_target_spread_over_its_days_adds_back_exactly():
    t = pa.Targets({}, {("pay_amount", date(2026, 2, 1)): Decimal("2800")})
    assert t.gmv_day(date(2026, 2, 3)) == (Decimal(100), "目标表（月目标按天均分）")
    assert t.gmv(date(2026, 2, 1), date(2026, 2, 28)) == Decimal(2800)
    # a 31-day month of ¥1,000,000: every day 1e6/31, the whole month exactly 1e6
    t = pa.Targets({}, {}, Decimal(1_000_000))
    assert t.gmv(date(2026, 1, 1), date(2026, 1, 31)) == Decimal(1_000_000)
    assert t.gmv_day(date(2026, 1, 5))[1] == "stores.toml 月目标按天均分"


def test_day_targets_win_over_the_month_and_a_missing_day_is_none():
    t = pa.Targets({("pay_amount", date(2026, 2, 1)): Decimal(500)},
                   {("pay_amount", date(2026, 2, 1)): Decimal(2800)})
    # day 1 from its day row (500), day 2 from the month (2800 / 28 = 100)
    assert t.gmv(date(2026, 2, 1), date(2026, 2, 2)) == Decimal(600)
    assert pa.Targets({}, {}).gmv(date(2026, 2, 1), date(2026, 2, 2)) is None


# ---------------------------------------------------------------- ads by column


def _ad(day, channel, window, cost, gmv=None, level="plan"):
    return {"day": day, "channel": channel, "window_days": window, "report_level": level,
            "cost": Decimal(cost), "gmv_total": None if gmv is None else Decimal(gmv),
            "gmv_rows": 0 if gmv is None else 1}


D1, D2, D3 = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)


def test_ad_days_keep_one_window_and_mark_absent_channels():
    rows = [_ad(D1, "关键词推广", 15, "100.00", "300.00"),
            _ad(D1, "关键词推广", 7, "999.00", "1.00"),  # another window: never mixed in
            _ad(D3, "引力魔方", 15, "50.00")]
    extras = [{"day": d, "cost_taoke": Decimal("8.00") if d == D2 else None}
              for d in (D1, D2, D3)]
    ad = pa.ad_days(rows, extras, [D1, D2, D3], 15)
    assert ad.costs[D1]["cost_ztc"] == Decimal(100)
    assert ad.costs[D2]["cost_ztc"] == Decimal(0)  # inside the reports' days, no row: 0
    assert ad.costs[D1]["cost_zz"] == Decimal(0) and ad.costs[D3]["cost_zz"] == Decimal(50)
    assert ad.costs[D1]["cost_jhs"] is None  # no 聚划算 export: absent, not 0
    assert ad.costs[D2]["cost_taoke"] == Decimal(8)  # from 生意参谋 淘宝客佣金
    assert ad.costs[D1]["cost_taoke"] is None
    # ROI: one channel reports sales -> 300 / 100
    assert pa.roi_of([ad.sales[D1], ad.sales[D2]]) == 3.0


def test_roi_is_absent_when_two_channels_report_sales():
    rows = [_ad(D1, "关键词推广", 15, "100.00", "300.00"),
            _ad(D1, "人群推广", 15, "100.00", "250.00")]
    ad = pa.ad_days(rows, [], [D1], 15)
    assert pa.roi_of([ad.sales[D1]]) is None
    assert pa.ad_days(rows, [], [D1], None).costs[D1]["cost_ztc"] is None


# ---------------------------------------------------------------- the plan on a tiny warehouse

WEEK = [date(2026, 11, 23) + pd.Timedelta(days=i) for i in range(7)]


@pytest.fixture
def con(home):
    c = warehouse.connect("t", read_only=False)
    # this week (Mon 11-23 .. Thu 11-26 = report day): buyer a twice, b, c
    # previous week, same days (11-16 .. 11-19): two orders
    orders = pd.DataFrame({
        "shop_id": "t",
        "order_id": ["1", "2", "3", "4", "5", "6", "7"],
        "paid_at": pd.to_datetime(["2026-11-23 10:00", "2026-11-23 11:00",
                                   "2026-11-24 09:00", "2026-11-26 20:00",
                                   "2026-11-16 10:00", "2026-11-17 10:00",
                                   "2026-11-27 10:00"]),  # after the report day: left out
        "created_at": pd.to_datetime(["2026-11-23 09:00", "2026-11-23 10:00",
                                      "2026-11-24 08:00", "2026-11-26 19:00",
                                      "2026-11-16 09:00", "2026-11-17 09:00",
                                      "2026-11-27 09:00"]),
        "paid_amount": ["100.00", "60.00", "40.00", "200.00", "150.00", "50.00", "999.00"],
        "refund_amount": ["0", "60.00", "0", "0", "0", "0", "0"],
        "buyer_key": ["a", "b", "a", "c", "d", "e", "f"],
    })
    warehouse.upsert(c, "orders", orders)
    days = pd.date_range("2026-11-16", "2026-11-26")
    shop = pd.DataFrame({"shop_id": "t", "stat_date": days, "visitors": 100})
    warehouse.upsert(c, "shop_daily", shop)
    ads = pd.DataFrame({
        "shop_id": "t", "stat_date": pd.to_datetime(["2026-11-23", "2026-11-24"]),
        "channel": "关键词推广", "report_level": "keyword", "plan_id": "p", "unit_key": "u",
        "entity_key": "k", "attribution_window_days": 15,
        "cost": ["20.00", "10.00"], "gmv_total": ["90.00", "0.00"],
    })
    warehouse.upsert(c, "ad_reports", ads)
    cs = pd.DataFrame({
        "shop_id": "t", "stat_date": pd.to_datetime(["2026-11-23", "2026-11-23"]),
        "row_label": ["全店汇总值", "同行同层均值"], "inquiry_users": [10, 99],
        "inquiry_paid_users": [4, 50],
    })
    warehouse.upsert(c, "cs_benchmarks", cs)
    yield c
    c.close()


def test_plan_rows_and_total_by_hand(con):
    r = pa.plan(con, date(2026, 11, 26), "week", configured_target=3000.0)
    assert list(r.rows["day"]) == [d.isoformat() for d in WEEK]
    mon = r.rows.iloc[0]
    # Monday: 100 + 60 = 160, buyers a, b: CR 2/100, AOV 80; refund 60/160; 1 refunded order
    assert mon["gmv"] == Decimal(160) and mon["uv"] == 100
    assert mon["conversion_rate"] == pytest.approx(0.02)
    assert mon["aov"] == Decimal(80)
    assert mon["refund_rate"] == pytest.approx(60 / 160) and mon["refund_orders"] == 1
    # ads: 关键词推广 -> 直通车 20; 费用占比 20/160; ROI 90/20; 钻展 absent
    assert mon["cost_ztc"] == Decimal(20) and mon["ad_cost"] == Decimal(20)
    assert mon["ad_cost_ratio"] == pytest.approx(20 / 160) and mon["roi"] == pytest.approx(4.5)
    assert mon["cost_zz"] is None and mon["cost_jhs"] is None
    # 客服 from 全店汇总值 (not the peer row): 询单率 10/100, 询单转化率 4/10
    assert mon["inquiry_rate"] == pytest.approx(0.1) and mon["inquiry_cvr"] == pytest.approx(0.4)
    # target: 3000 over November's 30 days = 100 a day
    assert mon["target"] == Decimal(100) and mon["completion"] == pytest.approx(1.6)
    wed = r.rows.iloc[2]
    assert wed["gmv"] == Decimal(0) and wed["aov"] is None and wed["inquiry_cvr"] is None
    fri = r.rows.iloc[4]  # after the report day: only the target
    assert fri["gmv"] is None and fri["uv"] is None and fri["target"] == Decimal(100)

    t = r.total
    # Σ 160 + 40 + 0 + 200 = 400; Σ日访客 4 × 100; buyers a, b, c (a twice) = 3
    assert t["gmv"] == Decimal(400) and t["uv"] == 400
    assert t["conversion_rate"] == pytest.approx(3 / 400)
    assert t["aov"] == Decimal(400) / 3
    # the ad report covers 11-23..11-24 only: 费用占比 over those days, 30 / (160 + 40)
    assert t["ad_cost"] == Decimal(30) and t["ad_cost_ratio"] == pytest.approx(30 / 200)
    assert r.rows.iloc[3]["ad_cost"] is None  # Thursday: after the ad report's last day
    assert t["roi"] == pytest.approx(90 / 30)
    assert t["inquiry_rate"] == pytest.approx(10 / 100)  # only Monday has 询单 figures
    assert t["refund_rate"] == pytest.approx(60 / 400) and t["refund_orders"] == 1
    assert t["target"] == Decimal(700) and r.target_to_date == Decimal(400)
    # the total row equals the period metrics
    assert t["gmv"] == r.now["gmv"] and t["uv"] == r.now["uv"]

    # previous week, same 4 days: 150 + 50 = 200, 2 buyers, 400 visitors
    assert r.previous["gmv"] == Decimal(200)
    assert r.gmv_vs_previous == pytest.approx(1.0)
    s = r.bridge
    assert s.complete and s.uv + s.conversion + s.aov == s.total == Decimal(200)
    assert s.uv == Decimal(0)  # same Σ日访客 both weeks
    assert r.last_year["gmv"] is None and r.gmv_vs_last_year is None

    fig = pa.figures(r)
    assert fig["gmv"] == 400.0 and fig["uv_sum"] == 400 and fig["target"] == 700.0
    assert fig["bridge"]["total"] == 200.0 and len(fig["rows"]) == 7
    assert fig["rows"][4]["gmv"] is None and fig["total"]["ad_cost"] == 30.0


def test_trends_sum_then_divide(con):
    r = pa.plan(con, date(2026, 11, 26), "week")
    trend = pa.trends(con, r.period, count=2, ad_cost_ceiling=0.2)
    assert list(trend["start"]) == [date(2026, 11, 16), date(2026, 11, 23)]
    last = trend.iloc[-1]
    assert last["gmv"] == Decimal(400) and last["uv"] == 400
    assert last["ad_cost_ratio"] == pytest.approx(30 / 200)  # days the ad report covers
    assert last["ad_cost_ratio_target"] == 0.2 and last["gmv_target"] is None
    assert trend.iloc[0]["ad_cost_ratio"] is None  # no ad report that week: absent


def test_conclusion_has_five_sentences(con):
    r = pa.plan(con, date(2026, 11, 26), "week", configured_target=3000.0)
    lines = pr.conclusion(r, None, ad_ceiling=0.2)
    assert len(lines) == 5
    assert "Σ日访客" in lines[2] and "¥700" in lines[0]


# ---------------------------------------------------------------- xlsx


def test_xlsx_opens_with_the_same_totals_and_neutralises_formulas(con, tmp_path):
    r = pa.plan(con, date(2026, 11, 26), "week", configured_target=3000.0)
    sales = pa.rank_items([
        {"item": "1", "title": "=HYPERLINK(\"http://x\",\"点我\")", "gmv": Decimal(10),
         "gmv_base": Decimal(0), "qty": 1}])
    found = pa.PeriodItems(r.period, sales, False, pa.new_best_sellers(sales), None, None,
                           None, None, None, None)
    path = pr.write_plan_xlsx(r, found, tmp_path / "period_week.xlsx")
    assert not list(tmp_path.glob(".*tmp*"))  # written to a temp name, then renamed
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["周计划表", "商品", "说明"]
    rows = book.get_sheet_by_name("周计划表").to_python()
    header = rows[0]
    assert header[:4] == ["日期", "星期", "目标销售额", "日销售额"]
    total = next(row for row in rows if row[0] == "合计")
    got = dict(zip(header, total, strict=True))
    assert got["日销售额"] == 400.0 and got["当日UV"] == 400 and got["推广费"] == 30.0
    assert got["钻展"] == "—"  # absent, not 0
    assert got["费用占比"] == pytest.approx(30 / 200)
    items = book.get_sheet_by_name("商品").to_python()
    assert any(str(c).startswith("=HYPERLINK") for row in items for c in row)
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets"))
        styles = z.read("xl/styles.xml").decode()
    assert "<f>" not in xml  # no formula anywhere
    assert 'quotePrefix="1"' in styles
    assert pr.safe_text("+86 138") == ("+86 138", True)
    assert pr.safe_text("普通标题") == ("普通标题", False)
