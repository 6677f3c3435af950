"""storeops.open(...): the analyst's one-line API, on a small demo store in a temp home.

Every figure is checked against metrics.compute (the reports' definitions) and, where the
rule is simple, by hand from the warehouse rows with pandas + Decimal.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pandas as pd
import pytest
from matplotlib.figure import Figure

import storeops
from storeops import demo, metrics, warehouse
from storeops.ingest.load import ingest
from storeops.session import MetricNotAvailableError, ReadOnlyError, parse_by, periods

END = date(2026, 11, 26)
START = END - timedelta(days=13)


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        demo.generate("demo", end=END, days=60, daily_orders=15)
        ingest("demo")
        yield storeops.open("demo")


def _compute(start, end, by="total"):
    with warehouse.open_store("demo") as con:
        return metrics.compute(con, start, end, by=by)


def _rows(sql, **params):
    with warehouse.open_store("demo") as con:
        cur = con.execute(sql, {"s": START, "e": END, **params})
        cols = [d[0] for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=cols, dtype=object)


def test_total_matches_metrics_compute_and_hand(shop):
    got = shop.metric("gmv", START, END)
    assert list(got["key"]) == ["total"] and got.attrs["unit"] == "元"
    assert isinstance(got["gmv"].iloc[0], Decimal)
    assert got["gmv"].iloc[0] == _compute(START, END)[0]["gmv"]
    orders = _rows("SELECT paid_at, paid_amount FROM orders WHERE paid_at IS NOT NULL "
                   "AND $s::DATE IS NOT NULL AND $e::DATE IS NOT NULL")
    days = orders["paid_at"].map(lambda t: t.date())
    hand = sum(orders.loc[(days >= START) & (days <= END), "paid_amount"], Decimal(0))
    assert got["gmv"].iloc[0] == hand


@pytest.mark.parametrize("name", ["gmv", "paid_buyers", "conversion_rate", "aov", "uv"])
def test_day_and_province_match_metrics_compute(shop, name):
    for by in ("day", "province"):
        if by == "province" and name in ("uv", "conversion_rate"):
            with pytest.raises(MetricNotAvailableError):
                shop.metric(name, START, END, by=by)
            continue
        got = shop.metric(name, START, END, by=by).set_index("key")[name]
        want = {r["key"]: r[name] for r in _compute(START, END, by)}
        assert set(got.index) == set(want)
        for key, value in want.items():
            assert (pd.isna(got[key]) and value is None) or got[key] == pytest.approx(value)


def test_week_and_month_are_sum_then_divide_per_period(shop):
    # 2026-11-13 is a Friday: weeks start Monday 11-09 (partial: 13..15), 11-16, 11-23
    assert [p[0] for p in periods(START, END, "week")] == ["2026-11-09", "2026-11-16",
                                                            "2026-11-23"]
    weeks = shop.metric("conversion_rate", START, END, by="week")
    for row in weeks.itertuples():
        want = _compute(row.start, row.end)[0]
        # 支付买家数 ÷ 访客数 over the week, not the mean of daily rates
        assert row.conversion_rate == pytest.approx(want["paid_buyers"] / want["uv"])
    month = shop.metric("gmv", date(2026, 10, 20), END, by="month")
    assert list(month["key"]) == ["2026-10", "2026-11"]
    assert month["gmv"].sum() == _compute(date(2026, 10, 20), END)[0]["gmv"]


def test_items_use_the_pro_rata_allocation(shop):
    items = shop.metric("gmv", START, END, by="item")
    assert items["gmv"].map(type).eq(Decimal).all()
    assert list(items["gmv"]) == sorted(items["gmv"], reverse=True)
    # by hand: every paid order's amount spread over its lines by price × qty
    lines = _rows(
        "SELECT o.order_id, o.paid_amount, coalesce(nullif(i.item_id, ''), i.title) AS item, "
        "i.unit_price * i.qty AS list FROM orders o JOIN order_items i USING (order_id) "
        "WHERE o.paid_at >= $s::TIMESTAMP AND o.paid_at < ($e + 1)::TIMESTAMP")
    lines["order_list"] = lines.groupby("order_id")["list"].transform("sum")
    lines["alloc"] = [p * li / ol for p, li, ol in
                      zip(lines["paid_amount"], lines["list"], lines["order_list"], strict=True)]
    hand = lines.groupby("item")["alloc"].sum()
    got = items.set_index("key")["gmv"]
    assert set(got.index) == set(hand.index)
    for item, value in hand.items():
        assert abs(got[item] - value) <= Decimal("0.01")
    # items add up to the GMV of the orders that have lines (cents of rounding per item)
    total_with_lines = sum(lines.drop_duplicates("order_id")["paid_amount"], Decimal(0))
    assert abs(items["gmv"].sum() - total_with_lines) <= Decimal("0.01") * len(items)


def test_sources_channels_agents(shop):
    src = shop.metric("gmv", START, END, by="source")
    raw = _rows("SELECT source_l1, source_l2, pay_amount, visitors, pay_buyers "
                "FROM traffic_sources WHERE scope = 'shop' AND stat_date "
                "BETWEEN $s AND $e AND source_l2 <> '(合计)'")
    hand = raw.assign(key=raw["source_l1"] + " / " + raw["source_l2"]).groupby("key")
    assert dict(zip(src["key"], src["gmv"], strict=True)) == hand["pay_amount"].sum().to_dict()
    cvr = shop.metric("conversion_rate", START, END, by="source").set_index("key")
    key = cvr.index[0]
    assert cvr.loc[key, "conversion_rate"] == pytest.approx(
        hand["pay_buyers"].sum()[key] / hand["visitors"].sum()[key])

    ch = shop.metric("gmv", START, END, by="channel")
    ads = _rows("SELECT channel, cost, gmv_total FROM ad_reports WHERE stat_date BETWEEN "
                "$s AND $e AND attribution_window_days = 15")
    for row in ch.itertuples():
        part = ads[ads["channel"] == row.key]
        assert row.cost == sum(part["cost"], Decimal(0))
        assert row.gmv == sum(part["gmv_total"], Decimal(0))
        assert row.roi == pytest.approx(float(row.gmv / row.cost))

    agents = shop.metric("conversion_rate", START, END, by="agent").set_index("key")
    cs = _rows("SELECT coalesce(nullif(sub_account, ''), agent_nick) AS a, inquiry_users, "
               "inquiry_paid_users FROM cs_agents WHERE stat_date BETWEEN $s AND $e")
    sums = cs.groupby("a")[["inquiry_users", "inquiry_paid_users"]].sum()
    for agent, row in sums.iterrows():
        assert agents.loc[agent, "conversion_rate"] == pytest.approx(
            row["inquiry_paid_users"] / row["inquiry_users"])
    with pytest.raises(MetricNotAvailableError, match="按商品"):
        shop.metric("uv", START, END, by="item")


def test_daily_series_of_an_item(shop):
    items = shop.metric("gmv", START, END, by="item")
    key = items["key"].iloc[0]
    series = shop.daily("gmv", START, END, by="item", key=key)
    assert len(series) == 14 and series["key"].iloc[0] == START.isoformat()
    # each day is rounded to the cent after the pro-rata split: at most a cent a day apart
    total = sum(v for v in series["gmv"] if v is not None)
    assert abs(total - items["gmv"].iloc[0]) <= Decimal("0.01") * 14


@pytest.mark.parametrize("statement", [
    "DELETE FROM orders",
    "INSERT INTO promotions (shop_id, name) VALUES ('x', 'y')",
    "CREATE TABLE t AS SELECT 1",
    "DROP TABLE orders",
    "UPDATE orders SET paid_amount = 0",
    "COPY orders TO '/tmp/x.csv'",
    "ATTACH ':memory:' AS m",
    "SELECT 1; DELETE FROM orders",
])
def test_sql_refuses_writes(shop, statement):
    before = shop.sql("SELECT count(*) AS n FROM orders")["n"].iloc[0]
    with pytest.raises(ReadOnlyError, match="只读"):
        shop.sql(statement)
    assert shop.sql("SELECT count(*) AS n FROM orders")["n"].iloc[0] == before


def test_sql_reads_with_bound_parameters_and_holds_no_lock(shop):
    got = shop.sql("SELECT count(*) AS n FROM orders WHERE paid_at >= $d", d=str(END))
    assert got["n"].iloc[0] > 0
    assert "orders" in set(shop.sql("SHOW TABLES")["name"])
    # nothing stays open between calls: an ingest could take the write lock right now
    con = warehouse.connect("demo", read_only=False)
    con.close()
    # and the connection itself is read-only, a second guard behind the statement check
    with warehouse.open_store("demo") as ro, pytest.raises(duckdb.Error, match="read-only"):
        ro.execute("DELETE FROM orders")


def test_tables_plot_and_help(shop):
    t = shop.tables().set_index("table_name")
    assert t.loc["orders", "rows"] == shop.sql("SELECT count(*) AS n FROM orders")["n"].iloc[0]
    assert t.loc["traffic_sources", "last_day"].date() == END
    fig = shop.plot(shop.metric("gmv", START, END, by="day"))
    assert isinstance(fig, Figure)
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any(t.startswith("¥") for t in ticks)
    fig = shop.plot(shop.metric("conversion_rate", START, END, by="week"))
    fig.canvas.draw()
    assert any(t.get_text().endswith("%") for t in fig.axes[0].get_yticklabels())
    assert "storeops.open" in storeops.__doc__ and storeops.__version__
    assert "Examples" in storeops.session.Store.metric.__doc__


def test_new_buyer_share_by_week_and_province_by_hand(shop):
    got = shop.metric("new_buyer_share", START, END, by=["week", "province"])
    assert got.attrs["by"] == "week" and got.attrs["series"] == "province"
    assert list(dict.fromkeys(got["key"])) == ["2026-11-09", "2026-11-16", "2026-11-23"]
    # by hand from the orders: a buyer is new in a (week, province) cell when they paid an
    # order to that province in that week and their first paid order ever is in that week
    orders = _rows("SELECT buyer_key, paid_at, coalesce(receiver_province, '未知') AS p "
                   "FROM orders WHERE paid_at IS NOT NULL "
                   "AND $s::DATE IS NOT NULL AND $e::DATE IS NOT NULL")
    first = orders.groupby("buyer_key")["paid_at"].min()
    for row in got.itertuples():
        lo = pd.Timestamp(row.start)
        hi = pd.Timestamp(row.end) + pd.Timedelta(days=1)
        cell = orders[(orders["p"] == row.province) & (orders["paid_at"] >= lo)
                      & (orders["paid_at"] < hi)]
        buyers = set(cell["buyer_key"])
        new = {b for b in buyers if first[b] >= lo}
        assert (row.paid_buyers, row.new_buyers) == (len(buyers), len(new))
        if buyers:
            assert row.new_buyer_share == pytest.approx(len(new) / len(buyers))
        else:  # orders created there that week, none paid: no share, not 0
            assert pd.isna(row.new_buyer_share)
    # the week's total is its own sum-then-divide, consistent with the cells' parts
    weeks = shop.metric("new_buyer_share", START, END, by="week").set_index("key")
    for key, part in got.groupby("key"):
        assert weeks.loc[key, "new_buyers"] <= part["new_buyers"].sum()
        want = _compute(weeks.loc[key, "start"], weeks.loc[key, "end"])[0]
        assert weeks.loc[key, "paid_buyers"] == want["paid_buyers"]


def test_crossed_breakdowns_follow_metrics_compute(shop):
    got = shop.metric("gmv", START, END, by="province,day")
    assert got.attrs["by"] == "day" and len(set(got["key"])) == 14
    day = got[got["key"] == END.isoformat()].set_index("province")["gmv"]
    want = {r["key"]: r["gmv"] for r in _compute(END, END, "province")}
    assert day.to_dict() == want
    month = shop.metric("aov", START, END, by=("month", "province"))
    assert set(month["key"]) == {"2026-11"}
    with pytest.raises(MetricNotAvailableError, match="省份"):
        shop.metric("conversion_rate", START, END, by=["week", "province"])


@pytest.mark.parametrize("by", [["week", "item"], ["day", "week"], "nope", ["province"] * 2])
def test_bad_crossed_breakdowns(by):
    with pytest.raises(ValueError, match=r"by|拆分"):
        parse_by(by)


# --- items around a day: price changes and search traffic --------------------------------

TINY_DAYS = [date(2026, 11, 1) + timedelta(days=i) for i in range(8)]  # 11-01 .. 11-08
RISE = date(2026, 11, 5)


def _tiny_item_daily() -> pd.DataFrame:
    # A: 2 pieces a day, ¥100 each until 11-04, ¥120 from 11-05; search 10 a day, then 4.
    # B: 1 piece a day at ¥50, search 6 a day; no row on 11-07 (no visitors that day).
    rows = []
    for d in TINY_DAYS:
        after = d >= RISE
        rows.append({"stat_date": d, "item_id": "A", "item_name": "羊毛衫", "visitors": 40,
                     "search_visitors": 4 if after else 10, "pay_buyers": 2, "pay_qty": 2,
                     "pay_amount": Decimal("240.00") if after else Decimal("200.00")})
        if d != date(2026, 11, 7):
            rows.append({"stat_date": d, "item_id": "B", "item_name": "围巾", "visitors": 20,
                         "search_visitors": 6, "pay_buyers": 1, "pay_qty": 1,
                         "pay_amount": Decimal("50.00")})
    return pd.DataFrame(rows).assign(stat_date=lambda d: pd.to_datetime(d["stat_date"]))


@pytest.fixture
def tiny(home):
    con = warehouse.connect("tiny", read_only=False)
    warehouse.upsert(con, "item_daily", _tiny_item_daily().assign(shop_id="tiny"))
    con.close()
    return storeops.session.Store(id="tiny", name="tiny")


def test_price_changes_by_hand(tiny):
    got = tiny.price_changes("2026-11-01", "2026-11-08", window=2, min_units=1)
    # days with 2 report days on each side: 11-03 .. 11-07. A on 11-05: before 11-03/04
    # 400 / 4 = ¥100; after 11-05/06 480 / 4 = ¥120 → +20 % (11-04: 440 / 4 = 110 vs 100,
    # +10 %; 11-06: 120 vs 110, +9 %: the step day moves most). B never moves: not listed.
    assert list(got["item_id"]) == ["A"]
    row = got.iloc[0]
    assert (row["item_name"], row["day"]) == ("羊毛衫", RISE)
    assert (row["price_before"], row["price_after"]) == (Decimal("100.00"), Decimal("120.00"))
    assert row["change"] == pytest.approx(0.2)
    assert (row["units_before"], row["units_after"]) == (4, 4)
    assert tiny.price_changes("2026-11-01", "2026-11-08", window=2, min_units=1,
                              min_change=0.25).empty
    # 5 pieces needed in each window: A has 4
    assert tiny.price_changes("2026-11-01", "2026-11-08", window=2, min_units=5).empty


def test_compare_items_by_hand(tiny):
    changes = tiny.price_changes("2026-11-01", "2026-11-08", window=2, min_units=1)
    got = tiny.compare_items("search_visitors", changes, days=3)
    # A: before 11-02..04 = 30 / 3 = 10 a day; after 11-05..07 = 12 / 3 = 4 → −6, −60 %
    assert list(got["item_id"]) == ["A"]
    assert (got["before"][0], got["after"][0], got["change"][0]) == (10.0, 4.0, -6.0)
    assert got["change_pct"][0] == pytest.approx(-0.6)
    assert got.attrs["label"] == "搜索引导访客数"

    every = tiny.compare_items("search_visitors", "2026-11-05", days=3)
    # B: before 18 / 3 = 6; after 11-05, 11-06 (no row on 11-07: 0) = 12 / 3 = 4 → −33 %
    assert list(every["item_id"]) == ["A", "B"]  # the biggest fall first
    assert every["after"][1] == pytest.approx(4.0)
    assert every["change_pct"][1] == pytest.approx(-1 / 3)
    assert list(every["days_after"]) == [3, 3]

    price = tiny.compare_items("unit_price", "2026-11-05", days=3).set_index("item_id")
    # sum-then-divide: A 600 / 6 = ¥100 → 720 / 6 = ¥120; B 150 / 3 → 100 / 2 = ¥50
    assert (price.loc["A", "before"], price.loc["A", "after"]) == (Decimal("100.00"),
                                                                   Decimal("120.00"))
    assert price.loc["A", "change"] == Decimal("20.00")
    assert (price.loc["B", "before"], price.loc["B", "after"]) == (Decimal("50.00"),
                                                                   Decimal("50.00"))
    amount = tiny.compare_items("pay_amount", "2026-11-05", days=3).set_index("item_id")
    assert amount.loc["B", "after"] == Decimal("33.33")  # (50 + 50 + 0) / 3, half-up
    with pytest.raises(ValueError, match="商品指标"):
        tiny.compare_items("gmv", "2026-11-05")


def test_planted_price_rises_lose_search_traffic_on_the_demo(shop):
    rise = END - timedelta(days=demo.PRICE_RISE_DAYS)  # 2026-11-12
    changes = shop.price_changes(END - timedelta(days=44), END, min_change=0.1)
    got = shop.compare_items("search_visitors", changes)
    top, rest = got.head(demo.PRICE_RISE_ITEMS), got.iloc[demo.PRICE_RISE_ITEMS:]
    planted = changes.set_index("item_id").loc[list(top["item_id"])]
    # the planted items: about 20 % dearer from the rise day (a day later when nothing sold
    # on it), and their search visitors fell by more than half
    assert all(rise <= d <= rise + timedelta(days=2) for d in planted["day"])
    assert (planted["change"] > 0.12).all()
    assert (top["change_pct"] < -0.5).all()
    assert (rest["change_pct"] > top["change_pct"].max()).all()
