"""The customers notebook end to end on a small demo store, checked against plain pandas.

The expected figures are computed here from the raw ExportOrderList CSVs by 买家会员名 (not
through storeops' readers, keys or SQL): effective order = paid on or before the day and not
fully refunded; lifecycle active ≤ 30 days, sleeping 31–50, lost > 50.
"""

from __future__ import annotations

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
        rows.append((unicodedata.normalize("NFKC", nick), datetime.fromisoformat(paid_at).date(),
                     paid))
    by_buyer: dict[str, list[tuple[date, Decimal]]] = {}
    for nick, day, paid in rows:
        by_buyer.setdefault(nick, []).append((day, paid))
    last = {b: max(d for d, _ in v) for b, v in by_buyer.items()}
    age = {b: (DAY - d).days for b, d in last.items()}
    start = DAY - timedelta(days=364)
    window = {b: [x for x in v if x[0] >= start] for b, v in by_buyer.items()}
    window = {b: v for b, v in window.items() if v}
    sleeping = [b for b, a in age.items() if 30 < a <= 50]
    return {
        "active": sum(a <= 30 for a in age.values()),
        "sleeping": len(sleeping),
        "lost": sum(a > 50 for a in age.values()),
        "recall_due": sum(a == 30 for a in age.values()),
        "repurchase_rate": sum(len(v) >= 2 for v in window.values()) / len(window),
        "value_at_risk": sum((p for b in sleeping for _, p in window[b]), Decimal(0)),
        "window_buyers": len(window),
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


def test_html_shows_counts_but_not_the_private_list(demo_home):
    html = paths.report_file("demo", DAY, "customers", ".html").read_text("utf-8")
    assert "客户分析" in html and "RFM 分层" in html and "重要价值" in html
    assert "data:image/png;base64," in html
    private = paths.processed_dir("demo") / "private" / "recall_2026-11-26.csv"
    text = private.read_text("utf-8-sig")
    assert "recall_2026" not in html and "private/" not in html and str(demo_home) not in html
    keys = [line.split(",")[1] for line in text.splitlines()[1:]]
    assert keys and not any(k in html for k in keys)  # no full buyer key in the HTML
    assert not list((demo_home / "reports").rglob("*.csv"))


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
    assert not (paths.processed_dir("masked") / "private").exists()
