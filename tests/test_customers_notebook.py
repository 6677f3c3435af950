"""The customers notebook end to end on a small demo store, checked against plain pandas.

The expected figures are computed here from the raw ExportOrderList CSVs by 买家会员名 (not
through storeops' readers, keys or SQL): effective order = paid on or before the day and not
fully refunded; lifecycle active ≤ 30 days, sleeping 31–50, lost > 50.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from rawfiles import orders_by_hand
from storeops import demo, paths, runner, warehouse
from storeops.ingest import load
from storeops.report import index

DAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("cust")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        demo.generate("demo", end=DAY, days=150, daily_orders=12)
        load.ingest("demo")
        result = runner.run_notebook("demo", "customers", DAY)
        assert result.ok, result.error
        yield home


def _expected(home: Path) -> dict:
    orders = orders_by_hand(home / "data/raw/demo")
    end = datetime.combine(DAY + timedelta(days=1), datetime.min.time())
    rows = []
    for r in orders.itertuples(index=False):
        paid_at, nick = r.订单付款时间.strip(), r.买家会员名.strip()
        if not paid_at or not nick or datetime.fromisoformat(paid_at) >= end:
            continue
        paid = Decimal(r.买家实际支付金额.replace("元", "").replace(",", ""))
        refund_text = r.退款金额.replace("元", "").replace(",", "").strip()
        refund = Decimal(refund_text) if refund_text else Decimal(0)
        if refund >= paid:
            continue
        rows.append((unicodedata.normalize("NFKC", nick), datetime.fromisoformat(paid_at),
                     paid))
    by_buyer: dict[str, list[tuple[date, Decimal]]] = {}
    times: dict[str, list[datetime]] = {}
    for nick, at, paid in sorted(rows, key=lambda x: x[1]):
        by_buyer.setdefault(nick, []).append((at.date(), paid))
        times.setdefault(nick, []).append(at)
    last = {b: max(d for d, _ in v) for b, v in by_buyer.items()}
    age = {b: (DAY - d).days for b, d in last.items()}
    start = DAY - timedelta(days=364)
    window = {b: [x for x in v if x[0] >= start] for b, v in by_buyer.items()}
    window = {b: v for b, v in window.items() if v}
    sleeping = [b for b, a in age.items() if 30 < a <= 50]
    # 新客90天复购: first order paid in [D-180, D-90], second within 90 days (pay dates)
    firsts = {b: (t[0].date(), t[1].date() if len(t) > 1 else None) for b, t in times.items()}
    cohort = [b for b, (f, _) in firsts.items()
              if DAY - timedelta(days=180) <= f <= DAY - timedelta(days=90)]
    again = [b for b in cohort if firsts[b][1] is not None
             and (firsts[b][1] - firsts[b][0]).days <= 90]
    gaps = sorted((s - f).days for f, s in firsts.values()
                  if s is not None and f >= DAY - timedelta(days=364))
    # new vs returning in the report's month: new = first order this month
    month = DAY.replace(day=1)
    in_month = {b for b, v in by_buyer.items() if any(d >= month for d, _ in v)}
    new = {b for b in in_month if firsts[b][0] >= month}
    new_gmv = sum((p for b in new for d, p in by_buyer[b] if d >= month), Decimal(0))
    single = {b for b, v in by_buyer.items() if len(v) == 1}
    return {
        "active": sum(a <= 30 for a in age.values()),
        "sleeping": len(sleeping),
        "lost": sum(a > 50 for a in age.values()),
        "recall_due": sum(a == 30 for a in age.values()),
        "repurchase_rate": sum(len(v) >= 2 for v in window.values()) / len(window),
        "value_at_risk": sum((p for b in sleeping for _, p in window[b]), Decimal(0)),
        "window_buyers": len(window),
        "first90": (len(cohort), len(again)),
        "gap_median": gaps[(len(gaps) + 1) // 2 - 1],  # nearest rank: ceil(n / 2)-th
        "gap_buyers": len(gaps),
        "month": (len(new), len(in_month - new), new_gmv),
        "entering_sleeping": sum(31 <= a <= 37 for a in age.values()),
        "first_order_25_30": sum(25 <= age[b] <= 30 for b in single),
    }


def test_metrics_match_an_independent_computation(demo_home):
    got = json.loads(paths.metrics_file("demo", DAY, "customers").read_text("utf-8"))["metrics"]
    want = _expected(demo_home)
    assert got["report_date"] == "2026-11-26"
    for key in ("active", "sleeping", "lost", "recall_due"):
        assert got[key] == want[key], key
    assert got["repurchase_rate"] == pytest.approx(want["repurchase_rate"])
    assert Decimal(str(got["value_at_risk"])) == want["value_at_risk"]
    assert sum(got["segments"].values()) == want["window_buyers"]
    assert want["recall_due"] > 0 and want["repurchase_rate"] > 0.05  # returning buyers


def test_new_figures_match_an_independent_computation(demo_home):
    got = json.loads(paths.metrics_file("demo", DAY, "customers").read_text("utf-8"))["metrics"]
    want = _expected(demo_home)
    cohort = got["repurchase_90d_cohort"]
    assert (cohort["buyers"], cohort["repeat_buyers"]) == want["first90"]
    assert got["repurchase_90d_first_time"] == pytest.approx(want["first90"][1]
                                                             / want["first90"][0])
    assert got["days_to_second_order"]["buyers"] == want["gap_buyers"]
    assert got["days_to_second_order"]["median"] == want["gap_median"]
    nov = got["new_vs_returning"]["2026-11"]
    new, returning, new_gmv = want["month"]
    assert (nov["new_buyers"], nov["returning_buyers"]) == (new, returning)
    assert Decimal(str(nov["new_gmv"])) == new_gmv
    assert nov["new_share"] == pytest.approx(new / (new + returning))
    counts = got["recall_counts"]
    assert counts["entering_sleeping"] == want["entering_sleeping"]
    assert counts["first_order_25_30"] == want["first_order_25_30"]
    assert counts["sleeping_high_value"] == got["sleeping_high_value"]
    assert want["first90"][0] > 0 and want["gap_buyers"] > 0 and returning > 0


def test_recall_csvs_open_with_pandas_and_csv(demo_home):
    got = json.loads(paths.metrics_file("demo", DAY, "customers").read_text("utf-8"))["metrics"]
    folder = paths.report_dir("demo", DAY) / "private"
    for segment, count in got["recall_counts"].items():
        path = folder / f"recall_{segment}.csv"
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
        assert len(frame) == count and list(frame.columns[:2]) == ["名单", "买家编号"]
        with path.open(encoding="utf-8-sig", newline="") as fh:
            assert len(list(csv.reader(fh))) == count + 1


def test_html_shows_counts_but_not_the_private_list(demo_home):
    html = paths.report_file("demo", DAY, "customers", ".html").read_text("utf-8")
    assert "客户分析" in html and "RFM 分层" in html and "重要价值" in html
    assert "新客 vs 老客" in html and "新客90天复购率" in html and "本周转入沉睡" in html
    assert "data:image/png;base64," in html
    private = sorted((paths.report_dir("demo", DAY) / "private").glob("recall_*.csv"))
    assert len(private) == 4
    assert "recall_" not in html and "private/" not in html and str(demo_home) not in html
    keys = [line.split(",")[1] for p in private for line in
            p.read_text("utf-8-sig").splitlines()[1:]]
    assert keys and not any(k in html for k in keys)  # no full buyer key in the HTML
    index.write_index()
    listed = paths.index_file().read_text("utf-8") + \
        paths.store_index_file("demo").read_text("utf-8")
    assert "private" not in listed and "recall_" not in listed


def test_store_without_buyer_identity_stops_cleanly(demo_home, monkeypatch):
    monkeypatch.setenv("STOREOPS_HOME", str(demo_home))
    (paths.raw_dir("masked")).mkdir(parents=True)
    con = warehouse.connect("masked", read_only=False)
    warehouse.upsert(con, "orders", pd.DataFrame({
        "shop_id": "masked", "order_id": ["1", "2"],
        "created_at": pd.to_datetime(["2026-11-20 10:00", "2026-11-25 10:00"]),
        "paid_at": pd.to_datetime(["2026-11-20 10:01", "2026-11-25 10:01"]),
        "paid_amount": ["10.00", "20.00"]}))
    con.close()
    result = runner.run_notebook("masked", "customers", DAY)
    assert result.ok, result.error
    html = result.html.read_text("utf-8")
    assert "客户分析需要订单导出中的「买家会员名」" in html
    assert "RFM 分层" not in html
    got = json.loads(paths.metrics_file("masked", DAY, "customers").read_text("utf-8"))
    assert got["metrics"]["active"] is None and got["metrics"]["repurchase_rate"] is None
    assert got["metrics"]["segments"] is None
    assert not (paths.report_dir("masked", DAY) / "private").exists()
