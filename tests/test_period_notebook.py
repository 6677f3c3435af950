"""The period review (周报 / 月报) end to end on a small demo store, week and month.

The week runs through the CLI (``storeops run period --param period=week``), the month through
``runner.run_notebook``. Expected figures come from the raw exports with plain pandas and
Decimal (ExportOrderList CSVs for GMV and buyers, the 生意参谋 workbooks for 访客数), not
through storeops' readers or SQL; the xlsx is read back with python-calamine.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from rawfiles import orders_by_hand
from storeops import demo, paths, runner
from storeops.cli import app
from storeops.ingest import load

DAY = date(2026, 11, 26)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    home = tmp_path_factory.mktemp("period")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        demo.generate("demo", end=DAY, days=45, daily_orders=12)
        load.ingest("demo")
        out = {}
        result = CliRunner().invoke(app, ["--home", str(home), "run", "period", "--store",
                                          "demo", "--date", DAY.isoformat(), "--param",
                                          "period=week"])
        assert result.exit_code == 0, result.output
        folder = paths.report_dir("demo", DAY)
        out["week"] = json.loads((folder / "period_review_week.metrics.json")
                                 .read_text("utf-8"))
        shutil.copy(folder / "period_review_week.html", home / "week.html")
        done = runner.run_notebook("demo", "period", DAY, {"period": "month"})
        assert done.ok, done.error
        out["month"] = json.loads((folder / "period_review_month.metrics.json")
                                  .read_text("utf-8"))
        # a week's and a month's review of one day live side by side
        assert (folder / "period_review_week.html").exists()
        assert done.notebook == "period_review_month"
        yield home, out


def _money(text: str) -> Decimal:
    return Decimal(text.replace("元", "").replace(",", "").strip() or "0")


def _expected(home: Path, start: date, end: date) -> dict:
    orders = orders_by_hand(home / "data/raw/demo")
    paid_day = orders["订单付款时间"].str.slice(0, 10)
    days = [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    paid = orders.assign(day=paid_day).loc[lambda o: o["day"].isin(days)]
    by_day = {d: sum((_money(v) for v in paid.loc[paid["day"] == d, "买家实际支付金额"]),
                     Decimal(0)) for d in days}
    sycm = pd.concat(
        pd.read_excel(f, engine="calamine", header=4, dtype=str)
        for f in (home / "data/raw/demo/生意参谋").glob("*.xlsx"))
    sycm = sycm.drop_duplicates("统计日期", keep="last").set_index("统计日期")
    uv = {d: int(sycm.loc[d, "访客数"].replace(",", "")) for d in days}
    return {"gmv": sum(by_day.values(), Decimal(0)), "by_day": by_day,
            "buyers": paid["买家会员名"].nunique(), "uv": sum(uv.values()), "uv_by_day": uv,
            "paid_orders": len(paid)}


@pytest.mark.parametrize(("kind", "start", "end"), [
    ("week", date(2026, 11, 23), date(2026, 11, 29)),
    ("month", date(2026, 11, 1), date(2026, 11, 30))])
def test_metrics_json_matches_the_raw_exports(store, kind, start, end):
    home, out = store
    got = out[kind]["metrics"]
    want = _expected(home, start, DAY)
    assert (got["period"], got["start"], got["end"], got["through"]) == (
        kind, start.isoformat(), end.isoformat(), DAY.isoformat())
    assert Decimal(str(got["gmv"])) == want["gmv"]
    assert got["uv_sum"] == want["uv"]
    # sum-then-divide: distinct buyers of the period ÷ Σ日访客
    assert got["conversion_rate"] == pytest.approx(want["buyers"] / want["uv"])
    assert Decimal(str(got["aov"])) == (want["gmv"] / want["buyers"]).quantize(Decimal("0.01"))
    rows = got["rows"]
    assert len(rows) == (end - start).days + 1
    for row in rows:
        if row["day"] <= DAY.isoformat():
            assert Decimal(str(row["gmv"])) == want["by_day"][row["day"]]
            assert row["uv"] == want["uv_by_day"][row["day"]]
        else:
            assert row["gmv"] is None and row["uv"] is None  # not yet: absent, not 0
    # the total row equals the period figures
    assert got["total"]["gmv"] == got["gmv"] and got["total"]["uv"] == got["uv_sum"]
    assert got["total"]["paid_orders"] == want["paid_orders"]
    # stores.toml of the demo has no monthly target: target columns absent
    b = got["bridge"]
    if b["uv"] is not None:
        assert b["uv"] + b["conversion"] + b["aov"] == pytest.approx(b["total"], abs=0.011)
    for key in ("gmv_vs_previous", "gmv_vs_last_year", "ad_cost_ratio", "refund_rate",
                "inquiry_cvr", "target"):
        assert key in got


@pytest.mark.parametrize("kind", ["week", "month"])
def test_xlsx_totals_equal_the_json(store, kind):
    _home, out = store
    got = out[kind]["metrics"]["total"]
    path = paths.report_file("demo", DAY, f"period_{kind}", ".xlsx")
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name("周计划表" if kind == "week" else "月计划表").to_python()
    header = rows[0]
    total = dict(zip(header, next(r for r in rows if r[0] == "合计"), strict=True))
    assert total["日销售额"] == got["gmv"]
    assert total["当日UV"] == got["uv"]
    assert total["日销笔数"] == got["paid_orders"]
    assert total["推广费"] == (got["ad_cost"] if got["ad_cost"] is not None else "—")
    assert total["转化率"] == pytest.approx(got["conversion_rate"])
    assert total["聚划算"] == "—"  # no 聚划算 export in the demo: absent, never 0
    days = [r for r in rows[1:] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(r[0]))]
    assert len(days) == len(out[kind]["metrics"]["rows"])


def _in(day: str, start: date, end: date) -> bool:
    return start.isoformat() <= day[:10] <= end.isoformat()


def _sections_by_hand(home: Path, start: date, end: date) -> dict:
    """Ad spend, 全店 询单 and successful refunds of start..end from the raw exports."""
    raw = home / "data/raw/demo"
    ads = []
    for f in sorted((raw / "推广").glob("推广关键词报表_*.csv")):
        ads.append(pd.read_csv(f, encoding="gb18030", dtype=str).assign(_file=f.name))
    kw = (pd.concat(ads).drop_duplicates(["日期", "计划ID", "单元ID", "词名字/词包名字", "宝贝ID"],
                                         keep="last"))
    kw = kw.loc[[_in(d, start, end) for d in kw["日期"]]]
    cost = sum((Decimal(v) for v in kw["花费"]), Decimal(0))
    asked = paid = 0
    for f in (raw / "客服").glob("*.xlsx"):
        day = re.search(r"_(\d{8})_", f.name).group(1)
        if not _in(f"{day[:4]}-{day[4:6]}-{day[6:]}", start, end):
            continue
        cs = pd.read_excel(f, engine="calamine", dtype=str).set_index("旺旺昵称")
        asked += int(cs.loc["全店汇总值", "询单人数"])
        paid += int(cs.loc["全店汇总值", "询单最终付款人数"])
    refunds = pd.concat(pd.read_excel(f, engine="calamine", dtype=str)
                        for f in (raw / "售后").glob("*.xlsx"))
    done = refunds.loc[(refunds["退款状态"] == "退款成功")
                       & ~refunds["售后类型"].isin(["换货", "补寄", "维修"])
                       & refunds["退款完结时间"].map(lambda d: _in(str(d), start, end))]
    return {"ad_cost": cost, "inquiry_users": asked, "inquiry_paid_users": paid,
            "refund_total": sum((Decimal(v) for v in done["退款总额"]), Decimal(0))}


@pytest.mark.parametrize(("kind", "start"), [("week", date(2026, 11, 23)),
                                             ("month", date(2026, 11, 1))])
def test_sections_5_to_7_match_the_raw_exports(store, kind, start):
    home, out = store
    got = out[kind]["metrics"]
    want = _sections_by_hand(home, start, DAY)
    ch = got["channels"]
    # one channel in the demo (关键词推广 = the seeds' 直通车), its spend = the plan's 推广费
    assert Decimal(str(ch["total"]["cost"])) == want["ad_cost"]
    assert ch["total"]["cost"] == got["total"]["ad_cost"]
    assert ch["total"]["cost_ratio"] == pytest.approx(float(want["ad_cost"]) / got["gmv"])
    assert [r["plan_column"] for r in ch["rows"]] == ["直通车"]
    s = got["service"]
    assert s["now"]["inquiry_users"] == want["inquiry_users"]
    assert s["now"]["inquiry_cvr"] == pytest.approx(
        want["inquiry_paid_users"] / want["inquiry_users"])
    assert s["now"]["inquiry_cvr"] == pytest.approx(got["inquiry_conversion"])
    assert Decimal(str(s["refund_total"])) == want["refund_total"]
    assert s["refund_rate"] == got["refund_rate"] and s["dsr"]
    assert sum(Decimal(str(r["refund_amount"])) for r in s["refund_reasons"]) \
        <= want["refund_total"]
    src = got["sources"]
    assert src["has_base"] and all(r["change"] > 0 for r in src["grew"])
    assert all(r["change"] < 0 for r in src["shrank"])
    n = got["next_period"]
    assert n["gmv_target"] is None and n["uv_needed"] is None  # the demo has no target
    # pace: Σ日访客 so far ÷ days elapsed × days of the next period
    days = (DAY - start).days + 1
    next_days = 7 if kind == "week" else 31
    assert n["uv_pace"] == round(got["uv_sum"] / days * next_days)
    assert n["action_days"] == days and isinstance(n["closed_actions"], int)
    for key in ("gmv_target", "gmv_prev", "ad_ratio", "inquiry_conversion"):
        assert key in got


def test_html_is_escaped_and_has_the_sections(store):
    home, _ = store
    html = (home / "week.html").read_text("utf-8")
    for text in ("结论", "周计划表", "趋势", "商品", "Σ日访客", "推广与流量", "客服与售后",
                 "下期计划"):
        assert text in html
    assert "PosixPath" not in html and "Traceback" not in html
