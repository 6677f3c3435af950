"""The customers report's display pieces, on hand-made results (no warehouse)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
from matplotlib.figure import Figure

from storeops.analysis import customers
from storeops.report import customers as cust_report

D = date(2026, 11, 26)


def _gap(days: dict[int, int]) -> customers.SecondOrderGap:
    counts = pd.DataFrame({"days": list(days), "buyers": list(days.values())})
    quantiles = {k: customers.nearest_rank(counts, q) for k, q in customers.QUANTILES.items()}
    return customers.SecondOrderGap(D, date(2025, 11, 27), counts, sum(days.values()),
                                    quantiles)


def test_histogram_bins_and_the_open_last_bin():
    gap = _gap({0: 2, 13: 1, 14: 3, 181: 1, 182: 4})
    bins = gap.histogram(width=14, cap=182).set_index("label")
    # 0 and 13 -> 0–13 (3), 14 -> 14–27 (3), 181 -> 168–181 (1), 182 -> 182+ (4)
    assert (bins.loc["0–13", "buyers"], bins.loc["14–27", "buyers"]) == (3, 3)
    assert (bins.loc["168–181", "buyers"], bins.loc["182+", "buyers"]) == (1, 4)
    assert bins["share"].sum() == 1.0 and len(bins) == 14
    # nearest rank over 11 buyers: median needs 5.5 -> 6th -> 14
    assert gap.quantiles["median"] == 14


def test_charts_have_chinese_titles():
    assert isinstance(cust_report.gap_histogram(_gap({3: 1, 40: 2})), Figure)
    months = pd.DataFrame({
        "month": [date(2026, 10, 1), date(2026, 11, 1)], "new_gmv": [Decimal(100)] * 2,
        "returning_gmv": [Decimal(50)] * 2, "partial": [False, True]})
    mix = customers.NewReturning(D, date(2025, 12, 1), months, pd.DataFrame(), pd.DataFrame())
    fig = cust_report.new_returning_chart(mix)
    assert fig.axes[0].get_title() == "每月支付金额：新客 vs 老客"
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["26-10", "26-11*"]


def test_conclusion_names_the_recall_lists_and_the_90_day_rate():
    life = customers.Lifecycle(D, date(2026, 10, 27), 30, 50,
                               {"active": 5, "sleeping": 3, "lost": 1},
                               {"active": 4, "sleeping": 3, "lost": 1},
                               pd.DataFrame(), Decimal("590"))
    frame = pd.DataFrame({"list": ["entering_sleeping", "first_order_25_30",
                                   "first_order_25_30"], "buyer_key": ["a", "b", "c"]})
    first = customers.FirstRepurchase(D, date(2026, 5, 30), date(2026, 8, 28), 90, 5, 3, 0.6,
                                      pd.DataFrame())
    text = "".join(cust_report.conclusion(life, None, customers.Recall(D, 30, frame), first))
    assert "新客90天复购率 60.0 %" in text and "（首单在 05-30 至 08-28 的 5 位新客中 3 位" in text
    assert "刚转入沉睡 1 人" in text and "首单25–30天未复购 2 人" in text


def _calls() -> customers.Recall:
    base = {"last_order_id": "2345678901234567890", "last_amount": Decimal("99.00"),
            "days_since": 33, "orders": 1, "gmv": Decimal("99.00"), "orders_ever": 1,
            "m_score": 3, "last_paid_at": pd.Timestamp("2026-10-24 10:00")}
    return customers.Recall(D, 30, pd.DataFrame([
        {"list": "entering_sleeping", "buyer_key": "k1", **base},
        {"list": "entering_sleeping", "buyer_key": "k9", **base},  # no contact data
    ]))


def _contacts_con(tmp_path, monkeypatch):
    from storeops import warehouse

    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    con = warehouse.connect("c", read_only=False)
    warehouse.upsert(con, "buyer_contacts", pd.DataFrame([
        {"shop_id": "c", "buyer_key": "k1", "buyer_nick": "tb_abc1", "receiver_name": "张三丰",
         "receiver_phone": "13812341234", "receiver_province": "浙江",
         "receiver_city": "杭州市", "last_order_id": "2345678901234567890",
         "last_paid_at": pd.Timestamp("2026-10-24 10:00")}]))
    return con


def test_private_csv_carries_clear_contacts_and_html_only_masked(tmp_path, monkeypatch):
    import csv
    import io

    from storeops.report import tables

    out: list[str] = []
    monkeypatch.setattr(tables, "show_html", out.append)

    con = _contacts_con(tmp_path, monkeypatch)
    written = cust_report.write_recall_csvs("c", D, _calls(), con)
    rows = list(csv.DictReader(io.StringIO(
        written["entering_sleeping"].read_text("utf-8-sig"))))
    assert [r["买家编号"] for r in rows] == ["k1", "k9"]
    assert (rows[0]["买家会员名"], rows[0]["收货人"], rows[0]["手机"], rows[0]["城市"]) == (
        "tb_abc1", "张三丰", "13812341234", "杭州市")
    assert (rows[1]["收货人"], rows[1]["手机"]) == ("", "")  # no contact data: left empty

    cust_report.show_recall(_calls(), written, con=con)
    html = "\n".join(out)
    assert "张** 138****1234" in html  # masked name and phone
    assert "k9…" in html  # no contacts: the start of the key
    for clear in ("张三丰", "13812341234", "tb_abc1", "recall_"):
        assert clear not in html
    con.close()
