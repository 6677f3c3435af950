"""The plan workbook and the scenario panel, on a tiny store whose numbers are known by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from plandata import fill_tiny_store
from storeops import config, paths, warehouse
from storeops.analysis import plan as pl
from storeops.report import plan as plan_report
from storeops.report import plan_widgets


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A temporary storeops home for the module."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(tmp_path_factory.mktemp("plan_report")))
        yield


@pytest.fixture(scope="module")
def tiny(home):
    """92 days (2026-08-01 … 10-31) of ¥1 000 a day (¥1 500 on Saturdays) in 4 orders of
    distinct buyers, 200 visitors a day; history plus hand-made order lines and 客服 days."""
    con = warehouse.connect("t", read_only=False)
    fill_tiny_store(con)
    hist = pl.history(con, date(2026, 11, 26))
    con.close()
    # 卫衣 3 : 下装 1 in every month; 40 inquiries per ¥1 000 day with 2 agents
    lines = [{"month": f"2026-{m:02d}", "code": code, "gmv": Decimal(v)}
             for m in (8, 9, 10) for code, v in (("WY01", 300), ("NZ01", 100))]
    asked = [{"day": date(2026, 10, k), "inquiries": 40, "agents": 2, "gmv": Decimal(1000)}
             for k in range(1, 11)]
    return replace(hist, code_gmv=lines, inquiries=asked)


def _conf(**kw):
    base = pl.settings(config.StoreConfig(id="t", name="t"))
    return replace(base, categories={"卫衣": ("WY",), "=下装": ("NZ",)}, **kw)


def test_workbook_sums_equal_the_plan(tiny):
    conf = _conf(juhuasuan_slot_fee=Decimal(2000), juhuasuan_events=("618",))
    p = pl.make(tiny, conf, year=2027, annual_target="1200000")
    scenarios = pl.compare(tiny, conf, year=2027, annual_target="1200000")
    path = plan_report.write_workbook("t", p, scenarios)
    assert path == paths.reports_root() / "t" / "plan-2027.xlsx"
    assert [f.name for f in path.parent.iterdir()] == ["plan-2027.xlsx"]  # no temp left over
    sheets = pd.read_excel(path, sheet_name=None, engine="calamine")
    assert list(sheets) == ["年度目标", "日目标", "预算", "团队", "情景"]

    year = sheets["年度目标"]
    months = year.loc[year["期间"].astype(str).str.match(r"^2027-\d\d$")]
    assert months["目标（元）"].sum() == 1_200_000 == year.loc[0, "目标（元）"]
    quarters = year.loc[year["期间"].isin(["Q1", "Q2", "Q3", "Q4"]), "目标（元）"]
    assert quarters.tolist() == p.quarters
    # categories 3 : 1 each month, adding up to the month to the yuan
    cats = months[["卫衣（元）", "'=下装（元）"]].sum(axis=1)
    assert cats.tolist() == months["目标（元）"].tolist()
    jan = int(p.months.loc[0, "target"])
    assert months.iloc[0]["卫衣（元）"] == pytest.approx(jan * 0.75, abs=1)

    days = sheets["日目标"]
    assert len(days) == 365
    assert days["支付金额目标（元）"].sum() == 1_200_000
    assert days["访客数"].sum() == p.uv_needed_total
    assert days["推广花费（元）"].sum() == p.ad_budget_total

    budget = sheets["预算"]
    total = budget.loc[budget["月份"] == "合计"].iloc[0]
    assert total["推广预算（元）"] == p.ad_budget_total
    assert total["聚划算费用（元）"] == p.campaign_fee_total == 2000  # one 618 slot
    assert budget.loc[budget["月份"].astype(str).str.startswith("2027-"),
                      "聚划算费用（元）"].sum() == 2000

    team = sheets["团队"]
    assert team.loc[0, "岗位"] == p.team["roles"][0]["role"]
    assert "客服（按询单量）" in set(team["岗位"])
    assert sheets["情景"]["情景"].tolist() == ["保守", "基准", "激进"]


def test_workbook_formats_frozen_headers_and_inert_text(tiny):
    openpyxl = pytest.importorskip("openpyxl")
    p = pl.make(tiny, _conf(), year=2027, annual_target="1200000")
    path = plan_report.write_workbook("t", p, None)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "B2", sheet.title
    year = book["年度目标"]
    assert year["B2"].value == 1_200_000 and year["B2"].number_format == plan_report.MONEY_FORMAT
    assert year["D2"].number_format == plan_report.PCT_FORMAT  # blank (no last year), formatted
    assert year["D14"].number_format == plan_report.PCT_FORMAT  # 2027-08 vs 2026-08
    # 2026-08: 5 Saturdays (1, 8, 15, 22, 29) × 1 500 + 26 days × 1 000 = 33 500
    assert year["D14"].value == pytest.approx(int(p.months.loc[7, "target"]) / 33_500 - 1)
    headers = [c.value for c in year[1]]
    assert "'=下装（元）" in headers  # formula-looking text stays text
    assert all(c.data_type != "f" for row in year.iter_rows() for c in row)
    day = book["日目标"]
    assert day["A2"].number_format == plan_report.DATE_FORMAT
    assert day["C2"].number_format == plan_report.MONEY_FORMAT


def test_scenario_panel_recomputes_on_a_slider_change(tiny):
    conf = _conf()
    p = pl.make(tiny, conf, year=2027, annual_target="1200000")
    panel = plan_widgets.ScenarioPanel(tiny, conf, p)
    assert panel.values["annual_target"] == 1_200_000
    assert panel.target.value == 120.0  # 万元
    before = panel.values["uv_needed"]

    panel.target.value = 240.0
    assert panel.values["annual_target"] == 2_400_000
    months = [int(t) for t in panel.plan.months["target"]]
    assert sum(months) == 2_400_000
    # UV value 96 500 ÷ 18 000 = ¥5.361 per visitor: Σ ⌈month ÷ 5.361⌉
    assert panel.values["uv_needed"] == sum(-(-t * 18_000 // 96_500) for t in months)
    assert panel.values["uv_needed"] == pytest.approx(2 * before, abs=30)

    # conversion 2 % (360 buyers ÷ 18 000 visitors) → 4 %: UV value ×2, Σ ⌈month ÷ 10.72⌉
    assert panel.conversion.value == pytest.approx(2.0)
    panel.conversion.value = 4.0
    assert panel.values["conversion"] == pytest.approx(0.04)
    assert panel.values["uv_needed"] == sum(-(-t * 9_000 // 96_500) for t in months)

    # no ad history: the default 10 % is held to a 5 % ceiling → 5 % of each month (no visitor
    # gap top-up without a cost per click)
    assert panel.values["ad_budget"] == pytest.approx(2_400_000 * 0.10, abs=6)
    panel.ceiling.value = 0.05
    assert panel.values["ad_budget"] == pytest.approx(2_400_000 * 0.05, abs=6)
    assert panel.values["promotion_ratio"] == pytest.approx(0.05, abs=1e-5)
    # 客服 by inquiry: 40 per ¥1 000 → 96 000 inquiries a year, 263 a day ÷ 100 → 3
    assert panel.values["cs_by_inquiry"] == 3

    panel.target.value = 0.0  # propose from growth instead
    panel.growth.value = 0.5
    proposed = panel.values["annual_target"]
    panel.growth.value = 0.1
    assert panel.values["annual_target"] < proposed and proposed % 1000 == 0
    assert "折算全年" in panel.plan.target_source
    assert "年度目标" in panel.table.value  # the headline table was redrawn


def test_panel_only_when_interactive(tiny, monkeypatch):
    p = pl.make(tiny, _conf(), year=2027, annual_target="1200000")
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delenv("STOREOPS_INTERACTIVE", raising=False)
    assert not plan_widgets.is_interactive("")
    assert plan_widgets.is_interactive("1") and not plan_widgets.is_interactive("0")
    monkeypatch.setenv("JPY_SESSION_NAME", "annual_plan.ipynb")
    assert plan_widgets.is_interactive("")
    assert not plan_widgets.is_interactive("0")  # the parameter wins
    assert plan_widgets.show_panel(tiny, _conf(), p, interactive="0") is None
