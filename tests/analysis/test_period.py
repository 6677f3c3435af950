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


# ---------------------------------------------------------------- sections 5–7 on a tiny warehouse


@pytest.fixture
def full(con):
    """The tiny warehouse plus ads of two channels, 淘宝客佣金, sources, 客服, DSR, refunds."""
    ads = pd.DataFrame({
        "shop_id": "t",
        "stat_date": pd.to_datetime(["2026-11-16", "2026-11-23"]),
        "channel": ["关键词推广", "人群推广"], "report_level": ["keyword", "crowd"],
        "plan_id": "p2", "unit_key": "u", "entity_key": "k2", "attribution_window_days": 15,
        "cost": ["40.00", "5.00"], "gmv_total": ["100.00", None],
    })
    warehouse.upsert(con, "ad_reports", ads)
    warehouse.upsert(con, "shop_daily", pd.DataFrame({
        "shop_id": "t", "stat_date": pd.to_datetime(["2026-11-23"]), "cost_taoke": ["7.00"]}))
    src = pd.DataFrame({
        "shop_id": "t",
        "stat_date": pd.to_datetime(["2026-11-23", "2026-11-23", "2026-11-24",
                                     "2026-11-16", "2026-11-16", "2026-11-16"]),
        "device": "无线", "scope": "shop", "item_id": "",
        "source_l1": ["淘内免费", "付费流量", "淘内免费", "淘内免费", "付费流量", "自主访问"],
        "source_l2": ["手淘搜索", "直通车", "手淘搜索", "手淘搜索", "直通车", "(合计)"],
        "visitors": [50, 30, 40, 100, 10, 20],
    })
    warehouse.upsert(con, "traffic_sources", src)
    cs = pd.DataFrame({
        "shop_id": "t",
        "stat_date": pd.to_datetime(["2026-11-23", "2026-11-24", "2026-11-16"]),
        "row_label": "全店汇总值", "inquiry_users": [10, 30, 20],
        "inquiry_paid_users": [4, 6, 10], "first_resp_sec": [20.0, 10.0, 30.0],
        "avg_resp_sec": [40.0, 30.0, 50.0],
    })
    warehouse.upsert(con, "cs_benchmarks", cs)
    dsr = pd.DataFrame({
        "shop_id": "t",
        "snapshot_date": pd.to_datetime(["2026-11-20", "2026-11-25", "2026-11-26",
                                         "2026-11-24"]),
        "metric": ["物流服务", "物流服务", "物流服务", "描述相符"],
        "window": ["daily", "daily", "180d", "daily"],
        "score": ["4.81000", "4.79000", "4.78500", "4.90000"],
    })
    warehouse.upsert(con, "dsr", dsr)
    refunds = pd.DataFrame({
        "shop_id": "t", "refund_id": ["r1", "r2", "r3", "r4", "r5", "r6"],
        "status": ["退款成功", "退款成功", "退款成功", "退款成功", "退款关闭", "退款成功"],
        "after_sale_type": ["仅退款", "退货退款", "换货", "仅退款", "仅退款", "仅退款"],
        "reason": ["尺码不合适", "质量问题", "质量问题", "尺码不合适", "尺码不合适", "发货慢"],
        "refund_amount": ["60.00", "30.00", "20.00", "15.00", "99.00", "5.00"],
        "finished_at": pd.to_datetime(["2026-11-24 10:00", "2026-11-25 10:00",
                                       "2026-11-25 11:00", "2026-11-17 10:00",
                                       "2026-11-24 10:00", "2026-11-27 10:00"]),
    })
    warehouse.upsert(con, "refunds", refunds)
    return con


def test_channels_by_hand(full):
    r = pa.plan(full, date(2026, 11, 26), "week")
    ch = pa.channels(full, r)
    rows = {x["channel"]: x for x in ch.rows.to_dict("records")}
    # now: 关键词推广 20 + 10 = 30 (sales 90: ROI 3), 人群推广 5 (no sales column: no ROI),
    # 淘宝客佣金 7 from 生意参谋; previous week: 关键词推广 40 (sales 100: ROI 2.5)
    kw = rows["关键词推广"]
    assert kw["cost"] == Decimal(30) and kw["cost_prev"] == Decimal(40)
    assert kw["roi"] == pytest.approx(3.0) and kw["roi_prev"] == pytest.approx(2.5)
    assert kw["cost_ratio"] == pytest.approx(30 / 400) and kw["cost_ratio_prev"] == 0.2
    assert kw["cost_change"] == pytest.approx(-0.25) and kw["plan_column"] == "直通车"
    crowd = rows["人群推广"]
    assert crowd["plan_column"] == "钻展" and crowd["roi"] is None
    assert crowd["cost_prev"] == Decimal(0)  # the previous week has ads, not this channel
    assert rows[pa.TAOKE_SYCM]["cost"] == Decimal(7)
    assert list(ch.rows["channel"]) == ["关键词推广", pa.TAOKE_SYCM, "人群推广"]  # most spend
    t = ch.total
    # 30 + 5 + 7 = 42 = the plan table's 推广费; one channel with sales: its ROI
    assert t["cost"] == Decimal(42) == r.total["ad_cost"]
    assert t["cost_ratio"] == pytest.approx(42 / 400) and t["roi"] == pytest.approx(3.0)
    assert t["cost_prev"] == Decimal(40) and ch.days == 2 and ch.days_prev == 1
    fig = pa.channel_figures(ch, None)
    assert fig["channels"]["total"]["cost"] == 42.0 and fig["sources"] is None


def test_merge_channels_without_previous_ads_is_absent_not_zero():
    rows, total = pa.merge_channels(
        [{"channel": "淘宝客", "cost": Decimal("8"), "gmv_total": Decimal("16"), "gmv_rows": 1}],
        [], gmv=Decimal(80), gmv_prev=Decimal(50),
        taoke={"cost": Decimal(99), "days": 3})  # a 淘宝客 ad report wins over 生意参谋
    assert list(rows["channel"]) == ["淘宝客"] and rows["cost_prev"].iloc[0] is None
    assert total["cost"] == Decimal(8) and total["cost_prev"] is None
    assert total["cost_ratio"] == pytest.approx(0.1) and total["roi"] == pytest.approx(2.0)
    assert total["cost_change"] is None


def test_traffic_sources_by_hand(full):
    r = pa.plan(full, date(2026, 11, 26), "week")
    found = pa.traffic(full, r)
    # now 手淘搜索 50 + 40 = 90, 直通车 30; before 100, 10 and 自主访问 (a kept subtotal) 20
    by = {x["source"]: x for x in found.sources.to_dict("records")}
    assert by["淘内免费 / 手淘搜索"]["change"] == -10
    assert by["自主访问"]["visitors"] == 0 and by["自主访问"]["change_pct"] == -1.0
    assert list(found.grew["source"]) == ["付费流量 / 直通车"]
    assert found.grew["change_pct"].iloc[0] == pytest.approx(2.0)
    assert list(found.shrank["source"]) == ["自主访问", "淘内免费 / 手淘搜索"]
    assert (found.days, found.days_base) == (2, 1)


def test_no_traffic_source_rows_is_none():
    assert pa.source_changes([]) is None


def test_service_by_hand(full):
    r = pa.plan(full, date(2026, 11, 26), "week")
    s = pa.service(full, r)
    # now: 询单 10 + 30 = 40, paid 4 + 6 = 10; visitors of those days 200
    assert (s.now.days, s.now.inquiry_users, s.now.inquiry_paid_users) == (2, 40, 10)
    assert s.now.inquiry_cvr == pytest.approx(0.25) and s.now.inquiry_rate == pytest.approx(0.2)
    # response times weighted by 询单人数: (20×10 + 10×30) ÷ 40, (40×10 + 30×30) ÷ 40
    assert s.now.first_resp_sec == pytest.approx(12.5)
    assert s.now.avg_resp_sec == pytest.approx(32.5)
    assert s.previous.inquiry_cvr == pytest.approx(0.5)
    assert s.previous.first_resp_sec == pytest.approx(30.0)
    # refunds: 退款成功 completed 11-23..11-26; 换货 counted without money; 退款关闭 and
    # 11-27 left out; previous week 15
    reasons = s.reasons.to_dict("records")
    assert [x["reason"] for x in reasons] == ["尺码不合适", "质量问题"]
    assert reasons[1]["refunds"] == 2 and reasons[1]["refund_amount"] == Decimal(30)
    assert reasons[0]["refund_amount_base"] == Decimal(15)
    assert s.refund_total == Decimal(90) and s.refund_total_prev == Decimal(15)
    assert s.refund_rate == pytest.approx(60 / 400)  # the orders' pay-day cohort
    # DSR 物流服务: as of 11-23 the daily 4.81 (11-20); as of 11-26 the 180-day 4.785
    dsr = {x["metric"]: x for x in s.dsr.to_dict("records")}
    assert dsr["物流服务"]["start_score"] == Decimal("4.81")
    assert dsr["物流服务"]["end_score"] == Decimal("4.785")
    assert dsr["物流服务"]["change"] == Decimal("-0.025") and dsr["物流服务"]["below_line"]
    assert dsr["描述相符"]["start_score"] is None and dsr["描述相符"]["change"] is None
    fig = pa.service_figures(s)["service"]
    assert fig["dsr"]["物流服务"]["change"] == -0.025 and fig["refund_total"] == 90.0


def test_service_without_exports(con):
    r = pa.plan(con, date(2026, 11, 26), "week")
    s = pa.service(con, r)
    assert s.dsr is None and s.reasons is None and s.refund_total is None
    assert s.now.first_resp_sec is None and s.previous.days == 0


def test_next_period_by_hand(full):
    r = pa.plan(full, date(2026, 11, 26), "week", configured_target=3000.0)
    by_day = {date(2026, 11, 25): ["客服 小王：询单转化率 20.0 %，复盘聊天记录并辅导。"],
              date(2026, 11, 26): ["客服 小王：询单转化率 25.0 %，复盘聊天记录并辅导。"]}
    n = pa.next_plan(full, r, by_day, configured_target=3000.0)
    # next week 11-30..12-06: 3000 ÷ 30 for 11-30, 3000 × 6 ÷ 31 for December
    assert n.gmv_target == Decimal(3000) / 30 + Decimal(3000) * 6 / 31
    # CR 3/400 × AOV 400/3 = 1 元 per visitor: needed 680.6 → 681; pace 400 ÷ 4 × 7 = 700
    assert (n.uv_needed, n.uv_pace, n.uv_gap) == (681, 700, -19)
    assert n.actions["first_seen"].iloc[0] == date(2026, 11, 25)
    assert n.actions["days"].iloc[0] == 2 and "25.0 %" in n.actions["text"].iloc[0]
    fig = pa.next_figures(n)["next_period"]
    assert fig["uv_gap"] == -19 and fig["open_actions"][0]["days"] == 2


def test_next_period_without_target(con):
    r = pa.plan(con, date(2026, 11, 26), "month")
    n = pa.next_plan(con, r, {})
    assert n.gmv_target is None and n.uv_needed is None and n.uv_gap is None
    # shop_daily starts on 11-16: November's Σ日访客 is unknown, so is the pace
    assert n.period.start == date(2026, 12, 1) and n.uv_now is None and n.uv_pace is None


# ---------------------------------------------------------------- carried-over actions

D1, D2, D3 = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)


@pytest.mark.parametrize(("a", "b"), [
    ("关键词「防晒衣（商品 6243）」（推广·拉新）建议暂停：连续7天有花费共 ¥464.71，0 笔成交",
     "关键词「防晒衣（商品 6243）」（推广·拉新）建议暂停：连续7天有花费共 ¥520.00，0 笔成交"),
    ("补货：打底衫（DD26014-NV-M） 可用库存 19，安全库存 90，可售 2.8 天。",
     "补货：打底衫（DD26014-NV-M） 可用库存 11，近期无销量。"),
    ("DSR 物流服务 4.799，低于 4.8：查近期差评与售后原因并逐一回访。",
     "DSR 物流服务 4.792，低于 4.8：查近期差评与售后原因并逐一回访。"),
    ("退款率 17.8 %，高于前30天 7.6 %（当日退款 ¥2,408，最多的原因是「尺码不合适」¥1,221）：检查",
     "退款率 12.6 %，高于前30天 8.0 %（当日退款 ¥3,191，最多的原因是「发货慢」¥2,108）：检查"),
    ("店铺访客数 1,525，较上周同日 ▼ −39.6 %，手淘搜索 访客 888 → 168（−720，▼ −81.1 %）：查",
     "同时手淘搜索 访客 500 → 100（−400，▼ −80.0 %）：查"),
    ("另有 5 个 SKU 库存预警，见库存表。", "另有 2 个 SKU 库存预警，见库存表。"),
    ("某个新动作 12 次（¥3,000）", "某个新动作 15 次（¥2,000）"),
])
def test_the_same_condition_keys_alike_across_days(a, b):
    assert pa.action_key(a) == pa.action_key(b)


@pytest.mark.parametrize(("a", "b"), [
    ("关键词「防晒衣」（推广·拉新）建议暂停：…", "关键词「防晒衣」（推广·拉新）建议更换创意图：…"),
    ("补货：打底衫（DD26014-NV-M） 可用库存 19。", "补货：打底衫（DD26014-NV-XL） 可用库存 19。"),
    ("客服 小王：询单转化率 20.0 %", "客服 小李：询单转化率 20.0 %"),
    ("商品「羽绒服 2025款」支付金额 ¥0", "商品「羽绒服 2026款」支付金额 ¥0"),
])
def test_different_subjects_key_apart(a, b):
    assert pa.action_key(a) != pa.action_key(b)


def test_carry_over_keeps_what_still_holds_on_the_last_day():
    by_day = {
        D1: ["客服 小王：询单转化率 20.0 %", "DSR 物流服务 4.799，低于 4.8：回访。",
             "动销率 40.0 %"],
        D2: ["DSR 物流服务 4.795，低于 4.8：回访。", "客服 小李：首次响应 40 秒"],
        D3: ["客服 小李：首次响应 45 秒", "DSR 物流服务 4.790，低于 4.8：回访。",
             "补货：衬衫（S-1） 可用库存 3。"],
    }
    still, gone = pa.carry_over(by_day, D3)
    # open: the last day's order; DSR since D1 on 3 days, 小李 since D2 on 2, 补货 new
    assert list(still["text"]) == by_day[D3]
    assert list(still["first_seen"]) == [D2, D1, D3] and list(still["days"]) == [2, 3, 1]
    # closed: 小王 and 动销率 held on D1 only
    assert set(gone["key"]) == {"客服|小王", "动销率|动销率"}
    assert set(gone["last_seen"]) == {D1}
    none_left, all_gone = pa.carry_over({D1: ["动销率 40.0 %"], D2: []}, D2)
    assert none_left.empty and len(all_gone) == 1


def test_uv_plan():
    # 1000 ÷ (0.02 × 50) = 1000 visitors; pace 300 ÷ 3 × 7 = 700; gap 300
    assert pa.uv_plan(Decimal(1000), 0.02, Decimal(50), 300, 3, 7) == (1000, 700, 300)
    assert pa.uv_plan(None, 0.02, Decimal(50), 300, 3, 7) == (None, 700, None)
    assert pa.uv_plan(Decimal(1000), None, Decimal(50), None, 3, 7) == (None, None, None)
