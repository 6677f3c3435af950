"""campaign_postmortem.ipynb on a small demo store, checked against the raw export files.

The figures are recomputed here with plain pandas + Decimal from the ExportOrderList CSVs (not
through storeops' readers or SQL): GMV of the windows, the same-weekday baseline of the
comparable days (国庆 skipped), new vs returning buyers by 买家会员名, the refund rate.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from rawfiles import orders_by_hand
from storeops import calendar, demo, paths, runner
from storeops.ingest import load

END = date(2026, 11, 26)
REPORT = date(2026, 11, 19)
PREHEAT, START, FINISH, TAIL_END = (date(2026, 10, 15), date(2026, 10, 24),
                                    date(2026, 11, 11), date(2026, 11, 18))
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A 60-day demo store (orders from 09-28), ingested; the post-mortem run for 双11."""
    root = tmp_path_factory.mktemp("camp")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(root))
        demo.generate("demo", end=END, days=60, daily_orders=15)
        load.ingest("demo")
        result = runner.run_notebook("demo", "campaign", REPORT, {"campaign": "双11"})
        assert result.ok, result.error
        yield root


def _orders(raw: Path) -> pd.DataFrame:
    orders = orders_by_hand(raw)
    paid = orders.loc[orders["订单付款时间"].str.len() > 0]
    return paid.assign(day=paid["订单付款时间"].str[:10].map(date.fromisoformat),
                       amount=paid["买家实际支付金额"].map(Decimal),
                       refund=paid["退款金额"].map(lambda v: Decimal(v) if v else Decimal(0)))


def _gmv(orders: pd.DataFrame, first: date, last: date) -> Decimal:
    picked = orders.loc[(orders["day"] >= first) & (orders["day"] <= last)]
    return sum(picked["amount"], Decimal(0))


def _by_hand(raw: Path) -> dict:
    orders = _orders(raw)
    first_day = min(orders["day"])
    comparable = []
    day = PREHEAT - timedelta(days=1)
    while day >= first_day and len(comparable) < 28:
        if calendar.special_day(day) is None:  # 国庆 10-01..10-07 is skipped
            comparable.append(day)
        day -= timedelta(days=1)
    daily = {d: _gmv(orders, d, d) for d in comparable}
    baseline = Decimal(0)
    d = PREHEAT
    while d <= TAIL_END:
        same = [v for k, v in daily.items() if k.weekday() == d.weekday()] or list(daily.values())
        baseline += (sum(same, Decimal(0)) / len(same)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        d += timedelta(days=1)
    actual = _gmv(orders, PREHEAT, TAIL_END)
    camp = orders.loc[(orders["day"] >= PREHEAT) & (orders["day"] <= FINISH)]
    first_paid = orders.groupby("买家会员名")["订单付款时间"].min()
    buyers = camp["买家会员名"].unique()
    new = sum(first_paid[b] >= PREHEAT.isoformat() for b in buyers)
    return {"actual": actual, "baseline": baseline, "days": len(comparable), "new": new,
            "returning": len(buyers) - new,
            "refund_rate": float(sum(camp["refund"], Decimal(0)) / sum(camp["amount"],
                                                                        Decimal(0)))}


def _metrics(root: Path) -> dict:
    path = root / "reports/demo" / REPORT.isoformat() / "campaign_postmortem.metrics.json"
    return json.loads(path.read_text("utf-8"))["metrics"]


def test_metrics_match_the_raw_exports(home):
    got = _metrics(home)
    want = _by_hand(home / "data/raw/demo")
    assert got["campaign"] == "2026年双11"
    assert got["windows"]["preheat_start"] == PREHEAT.isoformat()
    assert got["windows"]["start"] == START.isoformat()
    assert got["baseline_days"] == want["days"]
    assert Decimal(str(got["actual_gmv"])) == want["actual"]
    assert Decimal(str(got["baseline_gmv"])) == want["baseline"]
    assert Decimal(str(got["incremental_gmv"])) == want["actual"] - want["baseline"]
    assert (got["new_buyers"], got["returning_buyers"]) == (want["new"], want["returning"])
    assert got["refund_rate"] == got["refund_rate_campaign"] == pytest.approx(
        want["refund_rate"])
    # the money model reconciles: profit = gross profit − cost, ROI = gross profit ÷ cost
    profit = Decimal(str(got["incremental_gross_profit"])) - Decimal(str(got["campaign_cost"]))
    assert Decimal(str(got["incremental_profit"])) == profit
    assert got["campaign_roi"] == got["roi"] == pytest.approx(
        got["incremental_gross_profit"] / got["campaign_cost"])
    assert 0 < got["ad_cost_ratio"] < 1


def test_html_report_has_every_section(home):
    html = (home / "reports/demo" / REPORT.isoformat() / "campaign_postmortem.html"
            ).read_text("utf-8")
    for heading in ("结论", "窗口与基线", "增量", "成本与 ROI", "小时曲线", "买家", "商品",
                    "退款尾巴", "发货", "竞品", "下次怎么做"):
        assert f">{heading}</h2>" in html
    assert "Traceback" not in html


def _sheet(path: Path, header: str) -> list[dict]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    top = next(i for i, r in enumerate(rows) if r and r[0] == header)
    return [dict(zip(rows[top], r, strict=True)) for r in rows[top + 1:]]


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def test_new_figures_match_the_raw_exports(home):
    got = _metrics(home)
    raw = home / "data/raw/demo"
    # repurchase: campaign-new buyers by 买家会员名, next paid order after 11-11 up to 11-19
    orders = _orders(raw)
    first_paid = orders.groupby("买家会员名")["day"].min()
    new = {b for b, d in first_paid.items() if PREHEAT <= d <= FINISH}
    later = orders.loc[(orders["day"] > FINISH) & (orders["day"] <= REPORT)]
    again = new & set(later["买家会员名"])
    r30 = got["repurchase_30d"]
    assert (r30["new_buyers"], r30["bought_again"]) == (len(new), len(again))
    assert (r30["complete"], r30["observed_days"], r30["days_to_come"]) == (False, 8, 22)
    assert got["repurchase_60d"]["days_to_come"] == 52
    # sell-outs: the first day in 10-15 .. 11-18 with 公有可用数 ≤ 0 in the daily stock file
    stock = _sheet(next((raw / "ERP").glob("*库存日报*.xlsx")), "库存日期")
    out: dict[str, date] = {}
    for r in sorted(stock, key=lambda r: _day(r["库存日期"])):
        d = _day(r["库存日期"])
        if PREHEAT <= d <= TAIL_END and int(r["公有可用数"]) <= 0:
            out.setdefault(r["商品编码"], d)
    assert len(out) >= 3
    assert {i["sku"]: date.fromisoformat(i["sold_out_day"]) for i in got["sold_out_items"]} == out
    # competitors: mean 交易指数 of 10-15 .. 11-18 vs the 10-14 snapshot, per item
    rival = _sheet(next((raw / "生意参谋/竞品").glob("*.xlsx")), "统计日期")
    rows = {r["item_id"]: r for r in got["competitors"]["rows"]}
    assert len(rows) == len({r["商品ID"] for r in rival}) == got["competitors"]["items"]
    for item, row in rows.items():
        mine = [r for r in rival if r["商品ID"] == item]
        before = next(float(r["交易指数"]) for r in mine
                      if _day(r["统计日期"]) == PREHEAT - timedelta(days=1))
        inside = [float(r["交易指数"]) for r in mine if PREHEAT <= _day(r["统计日期"]) <= TAIL_END]
        assert row["change"] == pytest.approx(sum(inside) / len(inside) / before - 1)
    # competitor prices: the 10-14 price before, the mean of 10-24 .. 11-11 in the main window
    for item, row in rows.items():
        mine = [r for r in rival if r["商品ID"] == item]
        before = next(Decimal(str(r["价格"])) for r in mine
                      if _day(r["统计日期"]) == PREHEAT - timedelta(days=1))
        main = [Decimal(str(r["价格"])) for r in mine if START <= _day(r["统计日期"]) <= FINISH]
        assert Decimal(str(row["before_price"])) == before
        assert Decimal(str(row["main_price"])) == (sum(main, Decimal(0)) / len(main)).quantize(
            Decimal("0.01"), ROUND_HALF_UP)
    comp = got["competitors"]
    rival_mean = sum(Decimal(str(r["main_price"])) for r in comp["rows"]) / len(comp["rows"])
    assert Decimal(str(comp["rival_price"])) == rival_mean.quantize(Decimal("0.01"),
                                                                    ROUND_HALF_UP)
    assert comp["our_items"] > 0
    assert comp["price_position"] == pytest.approx(comp["our_price"] / comp["rival_price"] - 1,
                                                   abs=1e-3)
    # price cuts: the deepest first, each with price and uplift consistent
    cuts = got["price_cut_items"]
    assert cuts and [c["cut"] for c in cuts] == sorted((c["cut"] for c in cuts), reverse=True)
    for c in cuts:
        assert c["cut"] == pytest.approx(1 - c["main_price"] / c["base_price"], abs=1e-3)
        assert c["uplift"] == pytest.approx(c["units"] / c["expected_units"] - 1)


def test_presale_figures_match_the_raw_exports(home):
    got = _metrics(home)
    orders = _orders(home / "data/raw/demo")
    presale = orders.loc[orders["分阶段订单信息"] != ""]
    assert set(presale["分阶段订单信息"]) == {"定金已付尾款已付"}  # balances paid: 尾款
    # hour curve: the 尾款 orders paid on 11-11, against the day's GMV
    day = orders.loc[orders["day"] == FINISH]
    balance = presale.loc[presale["day"] == FINISH]
    (stage,) = got["presale_stages"]
    first_hour = balance.loc[balance["订单付款时间"].str[11:13] == "00"]
    assert (stage["stage"], stage["paid_orders"]) == ("尾款", len(balance))
    assert Decimal(str(stage["gmv"])) == sum(balance["amount"], Decimal(0))
    assert stage["day_share"] == pytest.approx(
        float(sum(balance["amount"], Decimal(0)) / sum(day["amount"], Decimal(0))))
    assert stage["first_hour_share"] == pytest.approx(
        float(sum(first_hour["amount"], Decimal(0)) / sum(balance["amount"], Decimal(0))))
    # refund tail: the presale orders among the campaign orders (pre-heat .. main end)
    camp = presale.loc[(presale["day"] >= PREHEAT) & (presale["day"] <= FINISH)]
    (refunds,) = got["presale_refunds"]
    assert refunds["paid_orders"] == len(camp)
    assert Decimal(str(refunds["refund_amount"])) == sum(camp["refund"], Decimal(0))
    assert refunds["rate"] == pytest.approx(
        float(sum(camp["refund"], Decimal(0)) / sum(camp["amount"], Decimal(0))))
    html = (home / "reports/demo" / REPORT.isoformat() / "campaign_postmortem.html"
            ).read_text("utf-8")
    assert "其中预售订单" in html and "预售定金/尾款无法单列" not in html


def test_store_with_orders_only(home, tmp_path, monkeypatch):
    """Only the order report: no promotions sheet, ads, lines, refunds export or traffic."""
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    raw = tmp_path / "data/raw/bare/订单报表"
    shutil.copytree(home / "data/raw/demo/订单报表", raw)
    for f in raw.glob("*.xlsx"):  # 生意参谋 files kept in the same folder by the demo
        f.unlink()
    load.ingest("bare")
    result = runner.run_notebook("bare", "campaign", REPORT, {"campaign": "双11"})
    assert result.ok, result.error
    got = json.loads(paths.metrics_file("bare", REPORT, "campaign_postmortem")
                     .read_text("utf-8"))["metrics"]
    # no 大促日历 sheet: the platform calendar's usual 双11 dates (pre-heat 10-20, main 10-31)
    assert got["windows"]["source"] == "平台日历"
    assert got["windows"]["preheat_start"] == "2026-10-20"
    orders = _orders(home / "data/raw/demo")
    assert Decimal(str(got["actual_gmv"])) == _gmv(orders, date(2026, 10, 20), TAIL_END)
    assert got["new_buyers"] is not None and got["refund_rate"] is not None
    assert got["ad_spend"] == 0 and got["discount_cost"] is None
    assert got["taoke_commission"] is None and got["pareto_items_80"] is None
    assert got["sold_out_items"] is None and got["price_cut_items"] is None
    assert got["competitors"] is None and got["repurchase_30d"] is not None
    assert got["presale_stages"] is not None  # the order report carries the presale columns
    # nothing spent: no ROI, and the profit is the gross profit
    assert got["campaign_roi"] is None
    assert got["incremental_profit"] == got["incremental_gross_profit"]
