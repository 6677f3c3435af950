"""annual_plan.ipynb on a 400-day demo store, checked against the raw order exports.

The last 12 complete months' GMV is recomputed here with plain pandas + Decimal from the
ExportOrderList CSVs (not through storeops' readers or SQL); the proposed target is that × 1.3
rounded half-up to ¥1,000, and every total of the plan must add up exactly.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from rawfiles import orders_by_hand
from storeops import demo, paths, runner
from storeops.ingest import load

END = date(2026, 11, 26)
pytestmark = pytest.mark.slow


PLAN_TOML = """
[stores.demo.plan]
juhuasuan_slot_fee = 8000
juhuasuan_commission_rate = 0.03
juhuasuan_events = ["618", "双11"]

[stores.demo.plan.categories]
"卫衣" = ["WY"]
"下装" = ["NZ", "KK", "BQ", "DK", "YD"]
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A 400-day demo store, ingested; the plan for 2027 run once."""
    root = tmp_path_factory.mktemp("plan")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(root))
        demo.generate("demo", end=END, days=400, daily_orders=8)
        load.ingest("demo")
        with paths.stores_toml().open("a", encoding="utf-8") as fh:
            fh.write(PLAN_TOML)
        result = runner.run_notebook("demo", "plan", END, {"year": "2027"})
        assert result.ok, result.error
        yield root


def _gmv(raw: Path, first: date, last: date) -> Decimal:
    orders = orders_by_hand(raw)
    paid = orders.loc[orders["订单付款时间"].str.len() > 0]
    day = paid["订单付款时间"].str[:10].map(date.fromisoformat)
    picked = paid.loc[(day >= first) & (day <= last), "买家实际支付金额"]
    return sum((Decimal(v) for v in picked), Decimal(0))


def test_plan_figures(home):
    got = json.loads(paths.metrics_file("demo", END, "annual_plan").read_text("utf-8"))["metrics"]
    gmv = _gmv(home / "data/raw/demo", date(2025, 11, 1), date(2026, 10, 31))
    assert Decimal(str(got["history"]["gmv"])) == gmv
    # proposed: 12 months × 1.3, to ¥1 000 half-up
    expected = int((gmv * Decimal("1.3") / 1000).quantize(Decimal(1), ROUND_HALF_UP) * 1000)
    assert got["year"] == 2027
    assert got["annual_target"] == expected
    assert sum(got["months"].values()) == expected == sum(got["quarters"])
    assert got["day_targets_total"] == expected
    assert list(got["months"]) == [f"2027-{m:02d}" for m in range(1, 13)]
    assert got["uv_needed_total"] == sum(got["uv_needed"])
    assert got["ad_budget_total"] == sum(got["ad_budget"])
    for month, budget in zip(got["months"].values(), got["ad_budget"], strict=True):
        assert budget <= month * 0.20 + 0.5  # 推广费比 ceiling
    assert got["staff_budget_total"] == pytest.approx(expected * 0.065, abs=12)
    names = [e["name"] for e in got["events"]]
    assert names == ["年货节", "38节", "618", "99大促", "双11", "双12"]
    assert got["spring_stop"] == ["2027-01-31", "2027-02-11"]  # 除夕 2027-02-05 − 5 … + 6


def test_targets_sheet_and_html(home):
    sheet = home / "data/raw/demo/手工/年度目标_2027.xlsx"
    assert sheet.exists()
    frame = pd.read_excel(sheet, dtype=str, engine="calamine")
    assert list(frame.columns[:4]) == ["周期类型", "周期开始", "指标", "目标值"]
    days = frame.loc[(frame["周期类型"] == "日") & (frame["指标"] == "支付金额")]
    got = json.loads(paths.metrics_file("demo", END, "annual_plan").read_text("utf-8"))["metrics"]
    assert len(days) == 365
    assert sum(int(v) for v in days["目标值"]) == got["annual_target"]
    html = paths.report_file("demo", END, "annual_plan", ".html").read_text("utf-8")
    for text in ("年度计划", "目标分解", "春节物流停运", "三种情景对比", "年度目标_2027.xlsx"):
        assert text in html


def test_storeops_run_plan_lands_the_targets_the_daily_review_uses(home):
    from typer.testing import CliRunner

    from storeops import warehouse
    from storeops.analysis import daily
    from storeops.cli import app

    result = CliRunner().invoke(app, ["--home", str(home), "run", "plan", "--store", "demo",
                                      "--date", END.isoformat(), "--year", "2027"])
    assert result.exit_code == 0, result.output
    assert "年度目标已写入数据仓库" in result.output
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        con = warehouse.connect("demo")
        month = con.execute(
            "SELECT target_value FROM targets WHERE period_type = 'month' "
            "AND period_start = DATE '2027-03-01' AND metric = 'pay_amount'").fetchone()[0]
        days = con.execute(
            "SELECT sum(target_value) FROM targets WHERE period_type = 'day' "
            "AND metric = 'pay_amount' AND period_start BETWEEN DATE '2027-03-01' "
            "AND DATE '2027-03-31'").fetchone()[0]
        got = daily.month_to_date(con, date(2027, 3, 10))
        con.close()
    assert days == month  # the days add up to the month, to the yuan
    assert got.target == month and got.target_source == "目标表"


def test_categories_fees_team_and_workbook(home):
    got = json.loads(paths.metrics_file("demo", END, "annual_plan").read_text("utf-8"))["metrics"]
    months = list(got["months"].values())
    cats = got["categories"]
    assert list(cats) == ["卫衣", "下装", "其他"]
    for m in range(12):  # the categories add up to each month, to the yuan
        assert sum(v[m] for v in cats.values()) == months[m]
    # 卫衣 sells in winter: last December's share beats last July's, so does the plan's
    assert cats["卫衣"][11] / months[11] > cats["卫衣"][6] / months[6]

    fees = got["campaign_fees"]
    assert fees["juhuasuan_slot_fee"] == 16000  # 618 + 双11, ¥8 000 each
    assert fees["total"] == sum(fees["months"]) == 16000 + fees["juhuasuan_commission"]
    for target, ads, fee in zip(months, got["ad_budget"], fees["months"], strict=True):
        assert ads + fee <= target * 0.20 + 0.5  # fees count against the 推广费比 ceiling
    assert got["promotion_ratio"] == pytest.approx(
        (got["ad_budget_total"] + fees["total"]) / got["annual_target"])

    cs = got["cs_by_inquiry"]
    assert got["headcount"]["客服（按询单量）"] == cs["year_round"]
    # year-round 客服 = ⌈inquiries ÷ 365 days ÷ inquiries per agent a day⌉
    assert cs["year_round"] == -(-cs["inquiries"] // (365 * cs["per_agent"]))
    assert "客服" in got["headcount"]

    book = home / "reports/demo/plan-2027.xlsx"
    assert got["workbook"] == "reports/demo/plan-2027.xlsx"
    sheets = pd.read_excel(book, sheet_name=None, engine="calamine")
    days = sheets["日目标"]
    assert days["支付金额目标（元）"].sum() == got["annual_target"]
    assert days["访客数"].sum() == got["uv_needed_total"]
    assert days["推广花费（元）"].sum() == got["ad_budget_total"]
    year = sheets["年度目标"]
    month_rows = year.loc[year["期间"].astype(str).str.match(r"^2027-\d\d$")]
    assert month_rows["目标（元）"].tolist() == months
    assert month_rows["卫衣（元）"].tolist() == cats["卫衣"]
    budget = sheets["预算"]
    assert budget.loc[budget["月份"] == "合计", "聚划算费用（元）"].iloc[0] == fees["total"]
    html = paths.report_file("demo", END, "annual_plan", ".html").read_text("utf-8")
    for text in ("按类目分解", "聚划算费用", "客服按询单量", "plan-2027.xlsx", "JupyterLab"):
        assert text in html
