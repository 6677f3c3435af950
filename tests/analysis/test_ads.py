"""推广: channel spend by one level and one window, the keyword rules at their edges, the
backtest worked out by hand, and the escaped display."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from storeops import warehouse
from storeops.analysis import ads
from storeops.report import ads as ads_report

DAY = date(2026, 11, 26)


def d(n: int) -> date:
    """DAY minus n days."""
    return DAY - timedelta(days=n)


def row(day: date, entity: str, *, cost: str, gmv: str = "0.00", orders: int = 0,
        impressions: int | None = 1000, clicks: int | None = 10, channel: str = "关键词推广",
        level: str = "keyword", plan: str = "P1", unit: str = "U1", window: int = 15,
        item: str | None = None, plan_name: str | None = None) -> dict:
    return {
        "shop_id": "t", "stat_date": day, "channel": channel, "report_level": level,
        "plan_id": plan, "unit_key": unit,
        "entity_key": f"{entity}|{item}" if item and level == "keyword" else entity,
        "attribution_window_days": window, "plan_name": plan_name or f"计划{plan}",
        "item_id": item, "impressions": impressions, "clicks": clicks, "cost": cost,
        "gmv_total": gmv, "orders_total": orders,
    }


def load(rows: list[dict]) -> object:
    con = warehouse.connect("t", read_only=False)
    frame = pd.DataFrame(rows).assign(stat_date=lambda f: pd.to_datetime(f["stat_date"]))
    warehouse.upsert(con, "ad_reports", frame)
    return con


@pytest.fixture
def connect(home):
    opened = []

    def _load(rows):
        con = load(rows)
        opened.append(con)
        return con

    yield _load
    for con in opened:
        con.close()


# ---------------------------------------------------------------- channel summary


def test_channel_summary_sums_one_level_and_one_window(connect):
    con = connect([
        # 关键词推广: the item report and the keyword report show the same ¥100 of spend
        row(DAY, "item9", cost="100.00", gmv="300.00", orders=3, level="item",
            impressions=4000, clicks=80),
        row(DAY, "连衣裙", cost="60.00", gmv="200.00", orders=2, item="item9"),
        row(DAY, "半身裙", cost="40.00", gmv="100.00", orders=1, item="item9"),
        # 直通车: a plan row and its keyword row -> the plan row only
        row(DAY, "", cost="50.00", gmv="100.00", orders=1, channel="直通车", level="plan",
            impressions=None, clicks=None),
        row(DAY, "毛衣", cost="50.00", gmv="100.00", channel="直通车"),
        # 淘宝客: commission is the cost
        row(DAY, "", cost="20.00", gmv="200.00", channel="淘宝客", level="plan",
            impressions=None, clicks=40),
        # a 30-day-window copy (fewer rows): never mixed in
        row(DAY, "item9", cost="999.00", gmv="9999.00", level="item", window=30),
    ])
    got = ads.channel_summary(con, DAY, Decimal("1000.00")).set_index("channel")
    assert set(got["window_days"]) == {15}
    assert got.loc["关键词推广", "report_level"] == "item"
    assert got.loc["关键词推广", "cost"] == Decimal("100.00")  # not 100 + 60 + 40
    assert got.loc["关键词推广", "roi"] == pytest.approx(3.0)  # 300 / 100
    assert got.loc["关键词推广", "ctr"] == pytest.approx(0.02)  # 80 / 4000
    assert got.loc["直通车", "report_level"] == "plan"
    assert got.loc["直通车", "cost"] == Decimal("50.00")
    assert got.loc["直通车", "ctr"] is None  # no impressions: absent, not 0
    assert got.loc["淘宝客", "roi"] == pytest.approx(10.0)  # 200 / 20
    # total 100 + 50 + 20 = 170; 推广费比 170 / 1000 = 17 %
    assert got.loc[ads.TOTAL, "cost"] == Decimal("170.00")
    assert got.loc[ads.TOTAL, "cost_ratio"] == pytest.approx(0.17)
    assert got.loc[ads.TOTAL, "gmv_total"] is None  # ad sales overlap: never added
    assert got.index[0] == "关键词推广"  # most spend first


def test_channel_summary_window_tie_goes_to_15_days_and_no_orders_is_none(connect):
    con = connect([
        row(DAY, "a", cost="10.00", level="item", window=7),
        row(DAY, "b", cost="20.00", level="item", window=15),
    ])
    got = ads.channel_summary(con, DAY, None)
    assert list(got["window_days"]) == [15, 15]
    assert got["cost"].iloc[-1] == Decimal("20.00")
    assert got["cost_ratio"].iloc[-1] is None  # no shop GMV: 推广费比 unknown


def test_channel_summary_without_ads_is_none(connect):
    con = connect([row(d(1), "a", cost="10.00", level="item")])
    assert ads.channel_summary(con, DAY, Decimal("100")) is None


# ---------------------------------------------------------------- keyword rules


def _by(hits, rule):
    return {h.keyword: h for h in hits if h.rule == rule}


def test_ctr_rule_fires_below_half_the_plan_median_only(connect):
    con = connect([
        # P1 CTRs (1000 展现 each): 4 %, 4 %, 2 %, 1.0 %, 0.9 % -> median 2 %, half 1 %
        row(DAY, "A", cost="1.00", clicks=40),
        row(DAY, "B", cost="1.00", clicks=40),
        row(DAY, "M", cost="1.00", clicks=20),
        row(DAY, "C", cost="1.00", clicks=10),  # exactly half: does not fire
        row(DAY, "D", cost="2.00", clicks=9),  # 0.9 % < 1 %: fires
        # P2: G, H 3 % -> median 3 % (E with 499 展现 is neither judged nor in the median)
        row(DAY, "G", cost="1.00", clicks=30, plan="P2"),
        row(DAY, "H", cost="1.00", clicks=30, plan="P2"),
        row(DAY, "E", cost="1.00", impressions=499, clicks=0, plan="P2"),
        row(DAY, "F", cost="3.00", impressions=500, clicks=0, plan="P2"),  # 500: judged
    ])
    hits = _by(ads.keyword_rules(con, DAY, gross_margin=0.5), ads.RULE_CTR)
    assert set(hits) == {"D", "F"}
    assert hits["D"].figures["plan_median_ctr"] == pytest.approx(0.02)
    assert hits["D"].figures["ctr"] == pytest.approx(0.009)
    assert hits["D"].cost == Decimal("2.00")
    assert hits["F"].figures["plan_median_ctr"] == pytest.approx(0.03)  # 2 of 3 at 3 %


def test_no_sale_rule_needs_spend_and_no_order_on_each_of_7_days(connect):
    rows = []
    for n in range(7):  # DAY-6 .. DAY, ¥5 a day (35 < 50: the ROI rule stays quiet)
        rows.append(row(d(n), "N7", cost="5.00", clicks=3))
        rows.append(row(d(n), "NX", cost="5.00", orders=1 if n == 3 else 0,
                        gmv="30.00" if n == 3 else "0.00"))
        rows.append(row(d(n), "NZ", cost="0.00" if n == 2 else "5.00"))
        if n < 6:
            rows.append(row(d(n), "N6", cost="5.00"))  # only 6 days
    con = connect(rows)
    hits = _by(ads.keyword_rules(con, DAY, gross_margin=0.5), ads.RULE_NO_SALE)
    assert set(hits) == {"N7"}
    # 7 × ¥5 = ¥35; 7 × 3 clicks = 21
    assert hits["N7"].figures == {"days": 7, "spend": Decimal("35.00"), "clicks": 21}
    assert hits["N7"].cost == Decimal("35.00")
    assert not _by(ads.keyword_rules(con, DAY, gross_margin=0.5), ads.RULE_ROI)


def test_roi_rule_fires_below_break_even_with_minimum_spend(connect):
    con = connect([
        # gross margin 50 % -> break-even ROI 2
        row(DAY, "R_eq", cost="100.00", gmv="200.00", orders=2),  # ROI 2.00: no
        row(DAY, "R_lo", cost="100.00", gmv="199.99", orders=2),  # ROI 1.9999: fires
        row(DAY, "R_small", cost="49.99", orders=0),  # spend below ¥50: no
        row(DAY, "R_min", cost="50.00", orders=0),  # spend ¥50: fires
        row(d(1), "R_stopped", cost="100.00"),  # no spend on the day: no
        # 7 days: d6 ¥30 + d0 ¥30 = ¥60 spend, ¥100 sales -> ROI 1.67; d7 is outside
        row(d(7), "R_sum", cost="10.00", gmv="1000.00", orders=5),
        row(d(6), "R_sum", cost="30.00"),
        row(DAY, "R_sum", cost="30.00", gmv="100.00", orders=1),
    ])
    hits = _by(ads.keyword_rules(con, DAY, gross_margin=0.5), ads.RULE_ROI)
    assert set(hits) == {"R_lo", "R_min", "R_sum"}
    assert hits["R_sum"].figures["spend"] == Decimal("60.00")
    assert hits["R_sum"].figures["gmv"] == Decimal("100.00")
    assert hits["R_sum"].figures["roi"] == pytest.approx(100 / 60)
    assert hits["R_lo"].figures["break_even"] == pytest.approx(2.0)
    assert ads.break_even_roi(0.45) == pytest.approx(2.2222, abs=1e-4)


def test_rules_strip_the_item_suffix_and_sort_by_money(connect):
    con = connect([
        row(DAY, "连衣裙", cost="80.00", item="123"),
        row(DAY, "毛衣", cost="60.00", item="456"),
    ])
    hits = ads.keyword_rules(con, DAY, gross_margin=0.45)
    assert [(h.keyword, h.item_id, h.cost) for h in hits] == [
        ("连衣裙", "123", Decimal("80.00")), ("毛衣", "456", Decimal("60.00"))]


def test_bad_gross_margin_is_refused(connect):
    con = connect([row(DAY, "a", cost="1.00")])
    with pytest.raises(ads.ConfigError):
        ads.keyword_rules(con, DAY, gross_margin=45)


# ---------------------------------------------------------------- backtest


def test_backtest_totals_by_hand(connect):
    rows = []
    for n in range(10):  # K1: ¥5 a day d9..d0, no order until d1 (¥80)
        sold = n == 1
        rows.append(row(d(n), "K1", cost="5.00", orders=1 if sold else 0,
                        gmv="80.00" if sold else "0.00"))
        rows.append(row(d(n), "K3", cost="10.00", gmv="50.00", orders=1))  # ROI 5: healthy
    # K2: ¥40 a day d2..d0; sales d2 ¥20, d1 ¥100, d0 ¥30
    rows += [row(d(2), "K2", cost="40.00", gmv="20.00", orders=1),
             row(d(1), "K2", cost="40.00", gmv="100.00", orders=1),
             row(DAY, "K2", cost="40.00", gmv="30.00", orders=1)]
    # K4: ¥5 a day d40..d25, never sold: already due for a pause when the period starts
    rows += [row(d(n), "K4", cost="5.00") for n in range(25, 41)]
    rows.append(row(DAY, "K1", cost="999.00", window=30))  # other window: ignored
    con = connect(rows)
    bt = ads.backtest(con, DAY, gross_margin=0.5, days=30)
    paused = {p.keyword: p for p in bt.paused}
    # K1: 7 no-sale days d9..d3 -> paused d3; saved d2..d0 = 3 × 5 = 15; at risk d1 = 80
    #     (ROI: at most 7 × 5 = 35 < ¥50 of spend, never judged)
    assert (paused["K1"].rule, paused["K1"].paused_on) == (ads.RULE_NO_SALE, d(3))
    assert (paused["K1"].saved, paused["K1"].at_risk) == (Decimal("15.00"), Decimal("80.00"))
    # K2: as of d2 spend 40 < 50; as of d1 spend 80, sales 120 -> ROI 1.5 < 2 -> paused d1;
    #     saved d0 = 40, at risk d0 = 30
    assert (paused["K2"].rule, paused["K2"].paused_on) == (ads.RULE_ROI, d(1))
    assert (paused["K2"].saved, paused["K2"].at_risk) == (Decimal("40.00"), Decimal("30.00"))
    # K4: first day of the period d29 (d35..d29 all unsold) -> saved d28..d25 = 4 × 5 = 20
    assert (paused["K4"].paused_on, paused["K4"].saved) == (d(29), Decimal("20.00"))
    assert "K3" not in paused
    # totals: saved 15 + 40 + 20 = 75; at risk 80 + 30 + 0 = 110
    assert (bt.keywords, bt.saved, bt.at_risk) == (3, Decimal("75.00"), Decimal("110.00"))
    by_rule = {r.rule: r for r in bt.by_rule}
    assert (by_rule[ads.RULE_NO_SALE].keywords, by_rule[ads.RULE_NO_SALE].saved,
            by_rule[ads.RULE_NO_SALE].at_risk) == (2, Decimal("35.00"), Decimal("80.00"))
    assert (by_rule[ads.RULE_ROI].keywords, by_rule[ads.RULE_ROI].saved,
            by_rule[ads.RULE_ROI].at_risk) == (1, Decimal("40.00"), Decimal("30.00"))
    assert bt.window_days == 15 and bt.last_day == DAY
    assert "可省 ¥75 花费" in ads_report.backtest_sentence(bt)
    assert "¥110 成交会受影响" in ads_report.backtest_sentence(bt)


def test_backtest_without_keyword_report(connect):
    con = connect([row(DAY, "x", cost="5.00", level="item")])
    bt = ads.backtest(con, DAY, gross_margin=0.45)
    assert not bt.has_data and bt.saved == 0
    assert "万相台/直通车 关键词报表" in ads_report.backtest_sentence(bt)


# ---------------------------------------------------------------- display


def test_display_escapes_and_flags_the_ceiling(connect):
    rows = [row(d(n), "<script>", cost="10.00", item="9", plan_name="<b>计划</b>")
            for n in range(7)]
    rows.append(row(DAY, "x", cost="300.00", gmv="900.00", level="item"))
    con = connect(rows)
    summary = ads.channel_summary(con, DAY, Decimal("1000.00"))  # 300 / 1000 = 30 % > 20 %
    hits = ads.keyword_rules(con, DAY, gross_margin=0.45)
    bt = ads.backtest(con, DAY, gross_margin=0.45)
    page = ads_report.ads_html(summary, hits, bt)
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert "&lt;b&gt;计划&lt;/b&gt;" in page
    assert "30.0 % ⚠" in page
    assert "¥300" in page
    # the keyword is hit twice (7 days unsold, ROI 0 on ¥70): one action line, 暂停 first
    actions = ads_report.ads_actions(hits)
    assert len(actions) == 1
    assert actions[0].startswith("关键词「<script>（商品 9）」（关键词推广·<b>计划</b>）建议暂停")
    assert "¥70.00" in actions[0]


def test_display_without_ad_data_names_the_export(connect):
    con = connect([row(d(40), "x", cost="1.00")])
    page = ads_report.ads_html(ads.channel_summary(con, DAY, None),
                               ads.keyword_rules(con, DAY, gross_margin=0.45),
                               ads.backtest(con, DAY, gross_margin=0.45))
    assert "当日没有推广数据" in page and "万相台/直通车 关键词报表" in page


def test_actions_order_by_money_and_cap(connect):
    hits = [ads.RuleHit(ads.RULE_CTR, "关键词推广", "P", f"k{i}", {
        "ctr": 0.001, "plan_median_ctr": 0.02, "ctr_ratio": 0.5, "impressions": 1000,
        "clicks": 1}, Decimal(i)) for i in range(1, 8)]
    lines = ads_report.ads_actions(hits, limit=5)
    assert lines[0].startswith("关键词「k7」（关键词推广·P）建议更换创意图：")
    # the rest: k2 + k1 = ¥3
    assert lines[-1] == "另有 2 个关键词触发推广规则（涉及花费 ¥3），见推广一节"
    assert ads.figures(None, hits, ads.Backtest(DAY, DAY, 30, None, None))["ad_rule_hits"][
        ads.RULE_CTR] == 7
