"""The annual plan's arithmetic, calendar and targets writing, checked by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plandata import fill_tiny_store
from storeops import config, warehouse
from storeops.analysis import plan as pl
from storeops.ingest import load

# ---------------------------------------------------------------- allocation


def test_allocate_by_hand():
    # 10 / 3 = 3.33 each: floors 3+3+3 = 9, the one yuan left goes to the first (ties → earlier)
    assert pl.allocate(10, [1, 1, 1]) == [4, 3, 3]
    # quotas 100 × (0.2, 0.3, 0.5) are whole: no remainder
    assert pl.allocate(100, [2, 3, 5]) == [20, 30, 50]
    # quotas 7 × (1/6, 2/6, 3/6) = 1.17, 2.33, 3.5: floors 1+2+3 = 6, the yuan → 3.5 (largest .5)
    assert pl.allocate(7, [1, 2, 3]) == [1, 2, 4]
    assert pl.allocate(5, [0, 0]) == [3, 2]  # no weight: split evenly
    assert pl.allocate(0, [1, 2]) == [0, 0]


@settings(max_examples=200, deadline=None)
@given(total=st.integers(0, 10**10),
       weights=st.lists(st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
                        min_size=1, max_size=370))
def test_allocate_adds_up_exactly(total, weights):
    parts = pl.allocate(total, weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    s = sum(Fraction(w) for w in weights)
    for p, w in zip(parts, weights, strict=True):
        quota = total * Fraction(w) / s if s else Fraction(total, len(weights))
        assert abs(p - quota) < 1


@settings(max_examples=50, deadline=None)
@given(total=st.integers(0, 10**9),
       season=st.lists(st.floats(0.1, 5, allow_nan=False), min_size=12, max_size=12),
       week=st.lists(st.floats(0.1, 3, allow_nan=False), min_size=7, max_size=7))
def test_year_month_day_chain_adds_up(total, season, week):
    days = [date(2027, 1, 1) + timedelta(days=i) for i in range(365)]
    w = [season[d.month - 1] * week[d.weekday()] for d in days]
    months = pl.allocate(total, [sum(x for x, d in zip(w, days, strict=True) if d.month == m)
                                 for m in range(1, 13)])
    assert sum(months) == total
    for m in range(1, 13):
        parts = pl.allocate(months[m - 1], [x for x, d in zip(w, days, strict=True)
                                            if d.month == m])
        assert sum(parts) == months[m - 1]


# ---------------------------------------------------------------- calendar


@pytest.mark.parametrize(("year", "eve"), [
    (2024, date(2024, 2, 9)), (2025, date(2025, 1, 28)), (2026, date(2026, 2, 16)),
    (2027, date(2027, 2, 5)), (2028, date(2028, 1, 25)),
])
def test_spring_festival_stop(year, eve):
    assert pl.new_year_eve(year) == eve
    # 除夕 − 5 … 正月初六 (除夕 + 6)
    assert pl.spring_stop(year) == (eve - timedelta(days=5), eve + timedelta(days=6))


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2028])
def test_double_eleven_on_its_day(year):
    windows = {w.name: w for w in pl.planned_windows(year, [])}
    assert windows["双11"].end == date(year, 11, 11)
    assert windows["双12"].end == date(year, 12, 12)
    assert windows["618"].end == date(year, 6, 18)


def test_store_window_moves_to_plan_year():
    promos = [{"name": "2026年双11", "kind": "平台大促", "window_start": date(2026, 10, 15),
               "start_date": date(2026, 10, 24), "end_date": date(2026, 11, 11)}]
    w = {x.name: x for x in pl.planned_windows(2027, promos)}["双11"]
    assert (w.start, w.main_start, w.end) == (date(2027, 10, 15), date(2027, 10, 24),
                                             date(2027, 11, 11))
    assert w.source.startswith("店铺大促日历")


@pytest.mark.parametrize(("name", "canon"), [
    ("2026年双11", "双11"), ("2025年38女王节", "38节"), ("618", "618"), ("年货节", "年货节"),
    ("2026年双12", "双12"), ("店庆", None),
])
def test_canonical_event(name, canon):
    assert pl.canonical_event(name) == canon


def test_holidays_2027_are_estimated_in_chinese():
    assert pl.holiday_label(date(2027, 2, 6)) == "春节（预计）"
    assert pl.holiday_label(date(2027, 4, 5)) == "清明（预计）"
    assert pl.holiday_label(date(2026, 10, 1)) == "国庆"  # chinese-calendar knows 2026
    assert pl.holiday_label(date(2027, 3, 3)) is None


@pytest.mark.parametrize(("day", "span"), [
    (date(2026, 11, 26), (date(2025, 11, 1), date(2026, 10, 31))),
    (date(2026, 11, 30), (date(2025, 12, 1), date(2026, 11, 30))),
    (date(2026, 1, 15), (date(2025, 1, 1), date(2025, 12, 31))),
])
def test_history_span(day, span):
    assert pl.history_span(day) == span


def test_measure_uplift_by_hand():
    w = pl.Window("38节", date(2026, 3, 6), date(2026, 3, 6), date(2026, 3, 8), "test")
    gmv = {date(2026, 3, 6) - timedelta(days=k): 100.0 for k in range(1, 29)}
    gmv[date(2026, 3, 5)] = 999.0  # a Thursday in another event: excluded
    gmv |= {date(2026, 3, 6): 300.0, date(2026, 3, 7): 250.0, date(2026, 3, 8): 350.0}
    u = pl.measure_uplift(gmv, w, {date(2026, 3, 5)})
    # baseline: 3 days × 100 (Fri, Sat, Sun of the 4 weeks before) = 300; window 900
    assert (u.gmv, u.baseline, u.uplift) == (Decimal(900), Decimal(300), 3.0)
    assert pl.measure_uplift({}, w, set()) is None


# ---------------------------------------------------------------- funnel, team


def test_uv_needed_by_hand():
    # 本月所需UV = 目标 ÷ (转化率 × 客单价): 100 000 ÷ (0.025 × 200) = 20 000
    assert pl.uv_needed(100_000, Decimal("0.025") * Decimal(200)) == 20_000
    assert pl.uv_needed(100_001, Decimal(5)) == 20_001  # ⌈20 000.2⌉
    assert pl.uv_needed(100_000, None) is None


@pytest.mark.parametrize(("revenue", "tier", "heads"), [
    (Decimal(50_000), "起步", 2),  # budget 3 250 < 4 000: the smallest team anyway
    (Decimal(100_000), "起步", 2),  # 6 500 ≥ 4 000
    (Decimal(300_000), "成长", 6),  # 19 500 ≥ 19 000 (6 500 + 5 000 + 5 000 + 2 500)
    (Decimal(400_000), "扩张", 7),  # 26 000 ≥ 21 500
    (Decimal(600_000), "成熟", 12),  # 39 000 ≥ 38 000
])
def test_team_by_revenue_tier(revenue, tier, heads):
    t = pl.team_for(revenue, 0.065)
    assert (t["tier"], t["headcount"]) == (tier, heads)


def test_team_grows_past_top_tier():
    # budget 1 000 000 × 0.065 = 65 000; top tier ¥38 000 for 12 people = 3 166.67 per head
    # → 20 people
    assert pl.team_for(Decimal(1_000_000), 0.065)["headcount"] == 20


def test_parameters():
    assert pl.resolve_year("", date(2026, 11, 26)) == 2027
    assert pl.resolve_year("0", date(2026, 11, 26)) == 2027
    assert pl.resolve_year("2028", date(2026, 11, 26)) == 2028
    assert pl.parse_money("800万") == Decimal(8_000_000)
    assert pl.parse_growth("30%") == pytest.approx(0.3)
    assert pl.parse_growth("") is None
    with pytest.raises(config.ConfigError):
        pl.resolve_year("明年", date(2026, 11, 26))


def test_settings_override(monkeypatch, tmp_path):
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    (tmp_path / "stores.toml").write_text(
        '[stores.s]\nname = "S"\n[stores.s.plan]\nspring_factor = 0.5\n'
        'event_uplift = { "双11" = 2.5 }\n[stores.s.plan."激进"]\ngrowth = 0.8\n', "utf-8")
    conf = pl.settings(config.get_store("s"))
    assert conf.spring_factor == 0.5
    assert conf.event_uplift["双11"] == 2.5
    assert conf.scenarios["激进"].growth == 0.8
    assert conf.scenarios["基准"] == pl.DEFAULT_SCENARIOS["基准"]


# ---------------------------------------------------------------- a tiny 3-month store


@pytest.fixture
def tiny(monkeypatch, tmp_path):
    """A store with 92 days of orders (2026-08-01 … 2026-10-31): ¥1 000 a day, ¥1 500 on
    Saturdays; 200 visitors a day; 4 orders of distinct buyers a day."""
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    con = warehouse.connect("t", read_only=False)
    fill_tiny_store(con)
    yield con
    con.close()


def test_plan_on_three_months(tiny):
    hist = pl.history(tiny, date(2026, 11, 26))
    assert hist.covered_days == 92
    conf = pl.settings(config.StoreConfig(id="t", name="t"))
    p = pl.make(hist, conf, year=2027, annual_target="1200000")
    assert p.annual_target == 1_200_000
    assert sum(p.quarters) == 1_200_000 == int(p.months["target"].sum())
    for month, target in zip(p.months["month"], p.months["target"], strict=True):
        m = int(month[5:])
        assert int(p.days.loc[p.days["month"] == m, "target"].sum()) == target
    # months without history use index 1.0 and are named as defaults
    assert set(hist.missing_months) == set(range(1, 13)) - {8, 9, 10}
    assert any("1.0" in x for x in p.defaults_used)
    # UV value = GMV ÷ Σ日访客 over the last 90 days (08-03 … 10-31):
    # 13 Saturdays (08-08 … 10-31) × 1 500 + 77 other days × 1 000 = 96 500;
    # UV 90 × 200 = 18 000 → ¥5.361
    assert p.uv_value == Decimal(96_500) / Decimal(18_000)
    jan = int(p.months.loc[0, "target"])
    assert p.months.loc[0, "uv_needed"] == -(-jan * 18_000 // 96_500)  # ⌈jan ÷ 5.361⌉
    # weekday index: Saturdays 1.5 × the others within each month → Saturday days get more
    jan_days = p.days.loc[(p.days["month"] == 1) & ~p.days["stop"] & (p.days["event"] == "")]
    sat = jan_days.loc[[d.weekday() == 5 for d in jan_days["day"]], "target"]
    mon = jan_days.loc[[d.weekday() == 0 for d in jan_days["day"]], "target"]
    assert sat.min() > mon.max()
    # proposed target: annualised from 92 days, × 1.3, to ¥1 000
    proposed = pl.make(hist, conf, year=2027)
    assert proposed.annual_target % 1000 == 0
    assert "折算全年" in proposed.target_source


def test_write_targets_is_idempotent(tiny):
    hist = pl.history(tiny, date(2026, 11, 26))
    conf = pl.settings(config.StoreConfig(id="t", name="t"))
    p = pl.make(hist, conf, year=2027, annual_target="1200000")
    tiny.execute("INSERT INTO targets (shop_id, period_type, period_start, metric, target_value,"
                 " owner) VALUES ('t', 'month', '2027-01-01', 'refund_rate', 0.05, '小王')")
    written = pl.write_targets(tiny, "t", p)
    day_sums = ("SELECT count(*), sum(target_value) FILTER (WHERE period_type = 'day' AND "
                "metric = 'pay_amount') FROM targets")
    first = tiny.execute(day_sums).fetchone()
    assert pl.write_targets(tiny, "t", p) == written
    again = tiny.execute(day_sums).fetchone()
    assert first == again == (written + 1, Decimal(1_200_000))  # the hand row is kept


def test_day_targets_of_every_metric_add_up_to_their_months(tiny):
    hist = pl.history(tiny, date(2026, 11, 26))
    conf = pl.settings(config.StoreConfig(id="t", name="t"))
    p = pl.make(hist, conf, year=2027, annual_target="1200000")
    pl.write_targets(tiny, "t", p)
    days = pl.daily_targets(p)
    stored = dict(tiny.execute(
        "SELECT metric, sum(target_value) FROM targets WHERE period_type = 'day' "
        "GROUP BY metric").fetchall())
    # every day column of the plan lands in the table, summed exactly (whole yuan / people)
    assert stored["pay_amount"] == Decimal(1_200_000) == Decimal(int(days["gmv"].sum()))
    assert stored["ad_cost"] == Decimal(int(days["ad_spend"].sum()))
    assert stored["ad_cost"] == Decimal(int(p.months["ad_budget"].sum()))
    for metric, column in (("visitors", "uv"), ("paid_orders", "orders")):
        values = [v for v in days[column] if v is not None and not pd.isna(v)]
        assert stored.get(metric, Decimal(0)) == Decimal(int(sum(values)))


def test_targets_sheet_is_ingested(tiny):
    hist = pl.history(tiny, date(2026, 11, 26))
    conf = pl.settings(config.StoreConfig(id="t", name="t"))
    p = pl.make(hist, conf, year=2027, annual_target="1200000")
    tiny.close()
    path = pl.write_targets_sheet("t", p)
    assert path.name == "年度目标_2027.xlsx" and path.parent.name == "手工"
    load.ingest("t")
    with warehouse.open_store("t") as con:
        rows = con.execute("SELECT period_type, metric, count(*), sum(target_value) FROM targets"
                           " WHERE metric = 'pay_amount' GROUP BY ALL ORDER BY 1").fetchall()
        jan = con.execute("SELECT target_value FROM targets WHERE period_type = 'month' AND "
                          "metric = 'pay_amount' AND period_start = '2027-01-01'").fetchone()[0]
    got = {(t, m): (n, s) for t, m, n, s in rows}
    assert got[("day", "pay_amount")] == (365, Decimal(1_200_000))
    assert got[("month", "pay_amount")] == (12, Decimal(1_200_000))
    assert got[("year", "pay_amount")] == (1, Decimal(1_200_000))
    assert jan == Decimal(int(p.months.loc[0, "target"]))


def test_event_factor_keeps_the_window_total():
    e = pl.PlannedEvent("双11", date(2027, 10, 15), date(2027, 10, 24), date(2027, 11, 11),
                        "test", None, 2.0, "默认")
    days = [e.start + timedelta(days=i) for i in range(28)]
    factors = [pl.event_factor(e, d) for d in days]
    # 28 days × 2.0 = 56 normal days' demand in the window
    assert sum(factors) == pytest.approx(56)
    # extra 28 spread 9 × 0.5 : 18 × 1 : 1 × 3 (Σ 25.5): peak 1 + 28 × 3 / 25.5 = 4.294
    assert factors[-1] == pytest.approx(1 + 28 * 3 / 25.5)
    assert factors[0] == pytest.approx(1 + 28 * 0.5 / 25.5)
    assert pl.event_factor(e, date(2027, 11, 12)) == 1.0


# ---------------------------------------------------------------- categories, 客服, fees


def test_category_split_by_hand():
    code_gmv = [
        {"month": "2026-01", "code": "WY001", "gmv": Decimal(300)},
        {"month": "2026-01", "code": "YR001-BK-M", "gmv": Decimal(100)},
        {"month": "2026-01", "code": "X9", "gmv": Decimal(100)},  # matches no prefix → 其他
        {"month": "2026-02", "code": "WY002", "gmv": Decimal(50)},
    ]
    targets = [1000, 100, *[100] * 10]
    frame, note = pl.category_split(2027, targets, code_gmv,
                                    {"卫衣": ("WY",), "羽绒服": ("YR",), "毛衣": ("MY",)})
    assert list(frame["category"]) == ["卫衣", "羽绒服", "其他"]  # 毛衣 never sold: left out
    # January 300 : 100 : 100 of 1 000
    assert list(frame["2027-01"]) == [600, 200, 200]
    # February: only 卫衣 sold last February
    assert list(frame["2027-02"]) == [100, 0, 0]
    # March had no lines: the whole history 350 : 100 : 100 of 100 = 63.6, 18.2, 18.2
    # → floors 63 + 18 + 18 = 99, the yuan to the largest remainder (.64)
    assert list(frame["2027-03"]) == [64, 18, 18]
    assert frame["share"].tolist() == pytest.approx([350 / 550, 100 / 550, 100 / 550])
    for m in range(1, 13):
        assert frame[f"2027-{m:02d}"].sum() == targets[m - 1]
    assert "3月" in note  # months without lines are named
    none, why = pl.category_split(2027, targets, code_gmv, {})
    assert none is None and "类目" in why
    none, why = pl.category_split(2027, targets, [], {"卫衣": ("WY",)})
    assert none is None and "订单明细" in why


def test_service_plan_by_hand():
    jan = [date(2027, 1, 1) + timedelta(days=i) for i in range(31)]
    feb = [date(2027, 2, 1) + timedelta(days=i) for i in range(28)]
    days = pd.DataFrame({"day": jan + feb, "month": [1] * 31 + [2] * 28,
                         "target": [4100] + [1000] * 30 + [500] * 28})
    history = [{"day": date(2026, 11, 1), "inquiries": 30, "agents": 2, "gmv": Decimal(5000)},
               {"day": date(2026, 11, 2), "inquiries": 50, "agents": None,
                "gmv": Decimal(5000)}]
    svc = pl.service_plan(days, history, 10)
    # 80 inquiries per ¥10 000; observed load 30 ÷ 2 agents (the day without agents is out)
    assert svc["per_10k"] == pytest.approx(80)
    assert svc["observed_per_agent"] == pytest.approx(15)
    # Jan 34 100 × 0.008 = 272.8 → 273, ÷ 31 days = 8.8 a day → ⌈0.88⌉ = 1 agent
    # Feb 14 000 × 0.008 = 112, 4 a day → 1
    assert [(x["inquiries"], x["agents"]) for x in svc["months"]] == [(273, 1), (112, 1)]
    # year: 385 ÷ 59 days ÷ 10 = 0.65 → 1; peak day 4 100 × 0.008 = 32.8 ÷ 10 → 4
    assert (svc["year_round"], svc["peak_agents"], svc["peak_day"]) == (1, 4, date(2027, 1, 1))
    assert pl.service_plan(days, [], 10) is None


def test_settings_read_fees_categories_and_agents(monkeypatch, tmp_path):
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    (tmp_path / "stores.toml").write_text(
        '[stores.s]\nname = "S"\n[stores.s.plan]\njuhuasuan_slot_fee = 8000\n'
        'juhuasuan_commission_rate = 0.03\njuhuasuan_events = ["2027年双11", "618"]\n'
        'inquiries_per_agent = 120\n[stores.s.plan.categories]\n"卫衣" = ["WY"]\n'
        '"下装" = ["NZ", "KK"]\n', "utf-8")
    conf = pl.settings(config.get_store("s"))
    assert conf.juhuasuan_slot_fee == Decimal(8000)
    assert conf.juhuasuan_commission_rate == 0.03
    assert conf.juhuasuan_events == ("双11", "618")
    assert conf.inquiries_per_agent == 120
    assert conf.categories == {"卫衣": ("WY",), "下装": ("NZ", "KK")}
    defaults = pl.settings(config.StoreConfig(id="d", name="d"))
    assert (defaults.juhuasuan_slot_fee, defaults.juhuasuan_commission_rate) == (0, 0)
    assert defaults.inquiries_per_agent == pl.INQUIRIES_PER_AGENT
    bad = config.StoreConfig(id="b", name="b", extra={"plan": {"juhuasuan_commission_rate": 3}})
    with pytest.raises(config.ConfigError):
        pl.settings(bad)


def test_campaign_fees_count_against_the_ceiling(tiny):
    hist = pl.history(tiny, date(2026, 11, 26))
    base = pl.settings(config.StoreConfig(id="t", name="t"))
    conf = replace(base, juhuasuan_slot_fee=Decimal(1000), juhuasuan_commission_rate=0.1,
                   juhuasuan_gmv_share=0.5, juhuasuan_events=("双11",))
    p = pl.make(hist, conf, year=2027, annual_target="1200000")
    e = next(x for x in p.calendar.events if x.name == "双11")
    window = p.days.loc[(p.days["day"] >= e.start) & (p.days["day"] <= e.end)]
    assert set(p.fees["event"]) == {"双11"}
    for m, part in window.groupby("month"):
        row = p.fees.loc[p.fees["month"] == m].iloc[0]
        # 佣金 = 10 % × 50 % of the window's day targets in that month, to the yuan
        assert row["commission"] == round(int(part["target"].sum()) * 0.05)
        assert row["slot_fee"] == (1000 if m == e.main_start.month else 0)
    assert p.campaign_fee_total == int(p.fees["fee"].sum()) == int(p.months["campaign_fee"].sum())
    # ads + fees stay within 20 % of each month's target
    for t, ad, fee in zip(p.months["target"], p.months["ad_budget"], p.months["campaign_fee"],
                          strict=True):
        assert ad + fee <= t * 0.20 + 0.5
    huge = pl.make(hist, replace(conf, juhuasuan_slot_fee=Decimal(10**7)), year=2027,
                   annual_target="1200000")
    oct_ = huge.months.loc[huge.months["month"] == f"2027-{e.main_start.month:02d}"].iloc[0]
    assert oct_["over_ceiling"] and oct_["ad_budget"] == 0 and oct_["cap_binds"]
    zero = pl.make(hist, base, year=2027, annual_target="1200000")
    assert zero.fees.empty and zero.campaign_fee_total == 0
    assert any("聚划算" in x for x in zero.defaults_used)


def test_daily_targets_add_up_to_the_months(tiny):
    hist = pl.history(tiny, date(2026, 11, 26))
    p = pl.make(hist, pl.settings(config.StoreConfig(id="t", name="t")), year=2027,
                annual_target="1200000")
    days = pl.daily_targets(p)
    assert len(days) == 365 and days["gmv"].sum() == 1_200_000
    month = [d.month for d in days["day"]]
    by = days.assign(m=month).groupby("m")
    assert by["uv"].sum().tolist() == [int(v) for v in p.months["uv_needed"]]
    assert by["ad_spend"].sum().tolist() == [int(v) for v in p.months["ad_budget"]]
    # orders: ⌈month target ÷ AOV⌉; AOV = 96 500 ÷ 360 buyers
    jan = int(p.months.loc[0, "target"])
    assert by["orders"].sum().iloc[0] == -(-jan * 360 // 96_500)
