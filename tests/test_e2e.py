"""End to end on a small demo store: raw exports -> ingest -> papermill -> HTML + metrics JSON.

The metrics JSON is checked against figures computed here independently, with plain pandas
on the raw export files (not through storeops' readers, cleaners or SQL).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rawfiles import orders_by_hand
from storeops import paths
from storeops.cli import app

DAY = date(2026, 11, 26)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A demo store of 45 days, ingested, with the morning batch run for DAY."""
    home = tmp_path_factory.mktemp("home")
    cli = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        steps = [
            ["demo", "--end", DAY.isoformat(), "--days", "45", "--daily-orders", "30"],
            ["ingest", "--store", "demo"],
            ["batch", "--date", DAY.isoformat()],
        ]
        outputs = []
        for args in steps:
            result = cli.invoke(app, ["--home", str(home), *args])
            assert result.exit_code == 0, result.output
            outputs.append(result.output)
        yield home, outputs


def _expected(home: Path, day: date) -> dict:
    orders = orders_by_hand(home / "data/raw/demo")
    paid = orders[orders["订单付款时间"].str.startswith(day.isoformat())]
    created = orders[orders["订单创建时间"].str.startswith(day.isoformat())]
    gmv = sum((Decimal(v) for v in paid["买家实际支付金额"]), Decimal(0))
    refund = sum((Decimal(v) for v in paid["退款金额"] if v), Decimal(0))
    buyers = paid["买家会员名"].nunique()
    sycm = pd.concat(
        pd.read_excel(f, engine="calamine", header=4, dtype=str)
        for f in (home / "data/raw/demo/生意参谋").glob("*.xlsx")
    )
    uv = int(sycm.loc[sycm["统计日期"] == day.isoformat(), "访客数"].iloc[0].replace(",", ""))
    return {"gmv": gmv, "paid_orders": len(paid), "paid_buyers": buyers,
            "orders_created": len(created), "refund_amount": refund, "uv": uv}


def test_metrics_json_matches_an_independent_computation(store):
    home, _ = store
    got = json.loads((home / "reports/demo/2026-11-26/daily_review.metrics.json")
                     .read_text("utf-8"))["metrics"]
    want = _expected(home, DAY)
    assert Decimal(str(got["gmv"])) == want["gmv"]
    assert got["paid_orders"] == want["paid_orders"]
    assert got["paid_buyers"] == want["paid_buyers"]
    assert got["orders_created"] == want["orders_created"]
    assert Decimal(str(got["refund_amount"])) == want["refund_amount"]
    assert got["uv"] == want["uv"]
    assert got["conversion_rate"] == pytest.approx(want["paid_buyers"] / want["uv"])
    aov = (want["gmv"] / want["paid_buyers"]).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    assert Decimal(str(got["aov"])) == aov
    assert Decimal(str(got["net_sales"])) == want["gmv"] - want["refund_amount"]


def test_cli_metrics_json_agrees_with_the_report(store):
    home, _ = store
    result = CliRunner().invoke(app, ["--home", str(home), "metrics", "--store", "demo",
                                      "--start", "2026-11-25", "--end", "2026-11-26",
                                      "--by", "day", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["day"] for r in rows] == ["2026-11-25", "2026-11-26"]
    want = _expected(home, date(2026, 11, 25))
    assert Decimal(str(rows[0]["gmv"])) == want["gmv"]
    assert rows[0]["uv"] == want["uv"]


def test_html_is_self_contained_and_shows_chinese(store):
    home, _ = store
    html = (home / "reports/demo/2026-11-26/daily_review.html").read_text("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script src" not in html
    assert "data:image/png;base64," in html
    assert "每日运营复盘" in html and "核心指标" in html
    assert "report.start(" not in html  # inputs hidden
    assert str(home) not in html  # no machine paths in the report
    assert len(html.encode()) < 2_000_000


def test_index_links_the_report(store):
    home, outputs = store
    index = (home / "reports/index.html").read_text("utf-8")
    assert 'href="demo/2026-11-26/daily_review.html"' in index
    assert "演示旗舰店" in index
    assert outputs[-1].strip().endswith(str(paths.index_file()))


def test_reingest_is_a_no_op(store):
    home, _ = store
    before = (home / "data/processed/demo/warehouse.duckdb").read_bytes()
    result = CliRunner().invoke(app, ["--home", str(home), "ingest", "--store", "demo"])
    assert result.exit_code == 0, result.output
    files = [p for p in (home / "data/raw/demo").rglob("*") if p.is_file()]
    assert f"导入 0 个文件（0 行），跳过已导入 {len(files)} 个" in result.output
    assert (home / "data/processed/demo/warehouse.duckdb").read_bytes() == before


def test_gmv_bridge_matches_last_week_and_adds_up(store):
    home, _ = store
    got = json.loads((home / "reports/demo/2026-11-26/daily_review.metrics.json")
                     .read_text("utf-8"))["metrics"]
    today, week = _expected(home, DAY), _expected(home, date(2026, 11, 19))
    assert Decimal(str(got["gmv_vs_last_week"])) == today["gmv"] - week["gmv"]
    parts = got["decomposition"]
    total = sum(Decimal(str(parts[k])) for k in ("uv", "conversion", "aov"))
    assert total == today["gmv"] - week["gmv"]
    assert isinstance(got["anomalies"], list) and isinstance(got["actions"], list)
    assert got["report_date"] == DAY.isoformat()


def test_a_store_with_only_an_order_export_renders_every_section(tmp_path, monkeypatch):
    from storeops import demo, runner
    from storeops.ingest.load import ingest

    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    demo.generate("solo", end=DAY, days=40, daily_orders=20)
    raw = tmp_path / "data/raw/solo"
    for f in raw.rglob("*"):
        if f.is_file() and not f.name.startswith("ExportOrderList"):
            f.unlink()
    assert all(r.status == "loaded" for r in ingest("solo"))
    result = runner.run_notebook("solo", "daily", DAY)
    assert result.ok, result.error
    html = result.html.read_text("utf-8")
    for heading in ("今日结论", "核心指标", "目标与进度", "GMV 变化拆解", "异常提醒", "推广",
                    "客服", "售后与评价", "库存与发货", "客户", "今日行动清单"):
        assert heading in html, heading
    assert "无流量数据" in html  # UV-based metrics are absent, not zero
    assert "上传 生意参谋 流量来源" in html and "宝贝报表" in html
    got = json.loads(paths.metrics_file("solo", DAY, "daily_review").read_text("utf-8"))
    assert got["metrics"]["uv"] is None and got["metrics"]["decomposition"]["uv"] is None


def test_the_planted_bad_day_is_caught(store):
    from storeops import runner

    home, _ = store
    bad = date(2026, 11, 20)  # the demo's planted search-traffic drop (6 days before the end)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        result = runner.run_notebook("demo", "daily", bad)
    assert result.ok, result.error
    got = json.loads(paths.metrics_file("demo", bad, "daily_review").read_text("utf-8"))
    flagged = {a["metric"] for a in got["metrics"]["anomalies"] if not a["muted_reason"]}
    assert {"uv", "gmv"} <= flagged
    # the same figures by hand: that day's GMV against the median of the 4 same weekdays
    today = _expected(home, bad)["gmv"]
    history = sorted(_expected(home, bad - timedelta(days=7 * k))["gmv"] for k in range(1, 5))
    median = (history[1] + history[2]) / 2
    gmv = next(a for a in got["metrics"]["anomalies"] if a["metric"] == "gmv")
    assert gmv["change_pct"] == pytest.approx(float((today - median) / median))


def test_data_stamp_names_gaps_and_absent_sources(home):
    import pandas as pd

    from storeops import report, warehouse

    con = warehouse.connect("g", read_only=False)
    warehouse.upsert(con, "shop_daily", pd.DataFrame({
        "shop_id": "g", "visitors": [1, 1, 1],
        "stat_date": pd.to_datetime(["2026-11-20", "2026-11-22", "2026-11-24"])}))
    present, absent = report.data_stamp(con, date(2026, 11, 26))
    # 11-21 and 11-23 are missing before the last day; 11-25/26 are "not yet" (not reached)
    assert present == ["生意参谋 店铺日报：截至 11-24（未覆盖报告日），缺 11-21、11-23"]
    assert "订单报表" in absent and "库存" in absent
    con.close()


def test_month_to_date_figures_match_the_raw_orders(store):
    home, _ = store
    got = json.loads((home / "reports/demo/2026-11-26/daily_review.metrics.json")
                     .read_text("utf-8"))["metrics"]
    orders = orders_by_hand(home / "data/raw/demo")
    paid = orders[orders["订单付款时间"].str[:10].between("2026-11-01", "2026-11-26")]
    mtd = sum((Decimal(v) for v in paid["买家实际支付金额"]), Decimal(0))
    assert Decimal(str(got["mtd_gmv"])) == mtd
    # the demo's stores.toml target: 30 orders/day x ¥250 x 30 days x 1.2, to ¥10,000
    target = Decimal(270000)
    assert Decimal(str(got["mtd_target"])) == target
    # 4 days left in November (27..30): (target − month to date) / 4, to the cent
    need = ((target - mtd) / 4).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    assert Decimal(str(got["required_daily_gmv"])) == need
