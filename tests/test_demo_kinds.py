"""The demo's daily-review exports load through the real ingest and tell a coherent story.

A small demo (60 days, 40 orders a day) is generated in a temporary home and ingested with
``storeops.ingest.load.ingest``; the checks then read the warehouse with plain SQL. The
bad-day check generates the default volume (120 orders a day) and applies the daily
review's own anomaly rules to the 生意参谋 files.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from storeops import calendar, demo, paths, warehouse
from storeops.analysis import anomaly
from storeops.ingest.load import FileResult, ingest

END = date(2026, 11, 26)
SMALL = {"end": END, "days": 60, "daily_orders": 40.0}
BAD = date(2026, 11, 20)  # 6 days before END: an ordinary Friday
TABLES = ("item_daily", "traffic_sources", "ad_reports", "cs_agents", "cs_benchmarks",
          "refunds", "reviews", "dsr", "inventory", "promotions")
BREAK_EVEN_ROI = 1 / 0.45  # gross margin 0.45 (stores.toml default)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[Path],
                                                                        list[FileResult]]]:
    """Generate the small demo in a fresh home, ingest it, keep the home for the module."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        files = demo.generate("demo", **SMALL)
        yield files, ingest("demo")


@pytest.fixture(scope="module")
def sql(loaded):
    """Run a query on the demo's warehouse; return the rows."""
    con = warehouse.connect("demo", read_only=True)

    def run(query: str, *args: object) -> list[tuple]:
        return con.execute(query, list(args)).fetchall()

    yield run
    con.close()


# --- every file loads ------------------------------------------------------------------

def test_every_file_loads_without_refusals(loaded):
    files, results = loaded
    assert len(results) == len(files)
    bad = [(r.path.name, r.status, r.rows_refused, r.unknown_columns, r.message)
           for r in results
           if r.status != "loaded" or r.rows_refused or r.unknown_columns]
    assert bad == []
    kinds = {r.kind for r in results}
    assert kinds >= {"orders", "order_items", "shop_daily", "traffic_sources", "ads_keyword",
                     "cs_agents", "refunds", "reviews", "dsr+dsr_daily", "inventory_jst",
                     "promotions", "item_daily"}


@pytest.mark.parametrize("table", TABLES)
def test_each_target_table_has_rows(sql, table):
    assert sql(f"SELECT count(*) FROM {table}")[0][0] > 0  # noqa: S608 - fixed names


def test_files_per_kind(loaded):
    files, _ = loaded
    folders = [f.parent.name for f in files]
    assert folders.count("流量来源") == 45  # one 生意参谋 file per day of the review window
    assert folders.count("客服") == 45
    assert folders.count("推广") == 7  # weekly ad reports
    assert folders.count("商品") == 45  # 生意参谋 商品_全部, one file per day
    names = {f.name for f in files}
    assert "店铺DSR数据_2026-11-26.xlsx" in names
    assert "聚水潭_商品库存_2026-11-26.xlsx" in names
    assert "大促日历.xlsx" in names
    assert f"【生意参谋平台】无线店铺流量来源-{END}_{END}.xlsx" in names
    assert "自制报表-报表查看-客服绩效_20261126_20261126_全部.xlsx" in names
    assert "推广关键词报表_20261127_093000_15天.csv" in names


# --- figures reconcile -----------------------------------------------------------------

def test_traffic_sources_reconcile_with_the_shop(sql):
    rows = sql("""
        SELECT t.stat_date, any_value(s.visitors), any_value(s.pay_amount),
               sum(t.visitors) FILTER (WHERE source_l2 <> '(合计)'),
               sum(t.pay_amount) FILTER (WHERE source_l2 <> '(合计)'),
               sum(t.pay_amount) FILTER (WHERE source_l2 = '(合计)')
        FROM traffic_sources t JOIN shop_daily s USING (stat_date)
        WHERE t.device = '无线' AND t.scope = 'shop' GROUP BY 1""")
    assert len(rows) == 45
    for _, uv, gmv, src_uv, src_pay, subtotal_pay in rows:
        assert src_pay == gmv == subtotal_pay  # money by source adds up to the day's GMV
        assert src_uv >= uv  # visitors overlap between sources
    levels = {r[0] for r in sql("SELECT DISTINCT source_l1 FROM traffic_sources")}
    assert levels == {"淘内免费", "付费流量", "自主访问", "淘外流量"}


def test_ad_spend_and_the_rule_keywords(sql):
    spend, gmv = sql("""
        SELECT sum(cost), (SELECT sum(pay_amount) FROM shop_daily
                           WHERE stat_date >= (SELECT min(stat_date) FROM ad_reports))
        FROM ad_reports""")[0]
    assert Decimal("0.08") <= spend / gmv <= Decimal("0.15")
    last7 = sql("""
        SELECT plan_name, split_part(entity_key, '|', 1), sum(clicks) / sum(impressions),
               sum(gmv_total) / sum(cost), sum(orders_total)
        FROM ad_reports WHERE stat_date > DATE '2026-11-19' GROUP BY 1, 2""")
    by_word = {w: (plan, ctr, roi, orders) for plan, w, ctr, roi, orders in last7}
    low = [w for w in by_word if w.endswith(" 新款")]
    assert len(low) == 1
    plan = by_word[low[0]][0]
    median = statistics.median(c for p, c, _, _ in by_word.values() if p == plan)
    assert by_word[low[0]][1] < 0.3 * median  # 换创意
    # selling, but below break-even (the word that never sells has ROI 0: another rule)
    losers = [w for w, (_, _, roi, _) in by_word.items() if 0 < roi < BREAK_EVEN_ROI]
    assert len(losers) == 1 and 1.2 < by_word[losers[0]][2] < 1.9
    dead = sql("""
        SELECT split_part(entity_key, '|', 1), count(*) FROM ad_reports
        WHERE cost > 0 AND orders_total = 0 AND stat_date > DATE '2026-11-16'
        GROUP BY 1 HAVING count(*) = 10""")
    assert len(dead) == 1 and dead[0][0].endswith(" 小众设计感")  # 暂停关键词: 10 days, 0 成交


def test_cs_agents_and_benchmarks(sql):
    per_day = sql("SELECT stat_date, count(*) FROM cs_agents GROUP BY 1")
    assert len(per_day) == 45 and all(4 <= n <= 6 for _, n in per_day)
    labels = {r[0] for r in sql("SELECT DISTINCT row_label FROM cs_benchmarks")}
    assert labels == {"汇总值", "平均值", "全店汇总值", "全店平均值", "同行同层优秀",
                      "同行同层均值"}
    agents = sql("""
        SELECT sub_account, avg(first_resp_sec),
               sum(inquiry_paid_users) / sum(inquiry_users)
        FROM cs_agents WHERE agent_group = '售前组' GROUP BY 1 ORDER BY 2 DESC""")
    slow, others = agents[0], agents[1:]
    assert slow[0] == "小陈"
    assert slow[1] > 2.5 * max(a[1] for a in others)
    assert slow[2] < min(a[2] for a in others) - 0.1


def test_refunds_are_the_simulated_ones(sql):
    assert sql("""SELECT count(*) FROM refunds r ANTI JOIN orders o USING (order_id)""") == [(0,)]
    statuses = {r[0] for r in sql("SELECT DISTINCT status FROM refunds")}
    assert {"退款成功", "退款关闭"} <= statuses
    assert {r[0] for r in sql("SELECT DISTINCT after_sale_type FROM refunds")} == {
        "仅退款", "退货退款"}
    # The last order export is as of the same morning: its refunds match the 退款单 exactly.
    mismatched = sql("""
        WITH done AS (SELECT order_id, sum(refund_amount) AS refunded FROM refunds
                      WHERE status = '退款成功' GROUP BY 1)
        SELECT count(*) FROM done JOIN orders o USING (order_id)
        WHERE o.created_at >= TIMESTAMP '2026-11-01' AND o.refund_amount <> done.refunded""")
    assert mismatched == [(0,)]


def test_reviews_link_to_orders_and_hold_bad_ones(sql):
    assert sql("SELECT count(*) FROM reviews ANTI JOIN orders USING (order_id)") == [(0,)]
    weeks = sql("""
        SELECT date_trunc('week', review_time), count(*) FROM reviews
        WHERE rating IN ('中评', '差评') GROUP BY 1""")
    assert len(weeks) >= 6 and all(1 <= n <= 6 for _, n in weeks)
    nicks = [r[0] for r in sql("SELECT buyer_nick_masked FROM reviews")]
    assert all("**" in n for n in nicks)


def test_dsr_snapshot_and_daily_block(sql):
    latest = dict(sql("""SELECT metric, score FROM dsr WHERE "window" = '180d'
                         AND snapshot_date = DATE '2026-11-26'"""))
    assert set(latest) == {"描述相符", "服务态度", "物流服务"}
    assert all(Decimal("4.75") <= s <= Decimal("4.85") for s in latest.values())
    assert [m for m, s in latest.items() if s < Decimal("4.8")] == ["物流服务"]
    daily = sql("""SELECT metric, count(*), arg_max(score, snapshot_date) FROM dsr
                   WHERE "window" = 'daily' GROUP BY 1""")
    assert all(n == 30 and latest[m] == s for m, n, s in daily)


def test_inventory_covers_every_sold_sku(sql):
    assert sql("""SELECT count(DISTINCT sku_code) FROM order_items
                  ANTI JOIN inventory USING (sku_code)""") == [(0,)]
    short = sql("""
        WITH sold AS (SELECT sku_code, sum(qty) AS q FROM order_items JOIN orders o
                      USING (order_id) WHERE o.paid_at >= TIMESTAMP '2026-10-28' GROUP BY 1)
        SELECT i.sku_code, q FROM inventory i JOIN sold USING (sku_code)
        WHERE i.on_hand < i.safety_stock""")
    assert len(short) >= 5
    slow = sql("""
        SELECT count(*) FROM inventory i WHERE on_hand >= 40 AND sku_code NOT IN (
            SELECT sku_code FROM order_items JOIN orders o USING (order_id)
            WHERE o.paid_at >= TIMESTAMP '2026-09-28')""")
    assert slow[0][0] >= 5


def test_promotions_calendar(sql):
    names = {r[0] for r in sql("SELECT name FROM promotions")}
    assert {"2026年618", "2026年双11", "2026年双12"} <= names
    assert sql("""SELECT preheat_start, start_date, end_date FROM promotions
                  WHERE name = '2026年双11'""") == [
        (date(2026, 10, 15), date(2026, 10, 24), date(2026, 11, 11))]


# --- the bad day -----------------------------------------------------------------------

def _shop_days(raw: Path) -> dict[date, tuple[Decimal, int]]:
    out = {}
    for path in (raw / "生意参谋").glob("*.xlsx"):
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        for r in rows[5:]:
            out[date.fromisoformat(r[0])] = (Decimal(r[3].replace(",", "")),
                                             int(r[1].replace(",", "")))
    return out


def test_bad_day_is_an_anomaly_at_the_default_volume(tmp_path, monkeypatch):
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    demo.generate("demo", end=END, days=60)  # default daily_orders=120
    assert demo.bad_day(END - timedelta(days=59), END) == BAD
    assert calendar.special_day(BAD) is None  # not muted by the daily review
    days = _shop_days(paths.raw_dir("demo"))
    history = [days[BAD - timedelta(days=7 * k)] for k in range(1, 5)]
    rules = tuple(r for r in anomaly.DEFAULT_RULES if r.metric in ("gmv", "uv"))
    found = anomaly.detect({"gmv": days[BAD][0], "uv": days[BAD][1]},
                           [{"gmv": g, "uv": u} for g, u in history], rules=rules)
    assert {a.metric for a in found} == {"gmv", "uv"}
    assert all(a.change_pct <= -0.3 for a in found)
    # The 生意参谋 traffic file shows where it came from: 手淘搜索 collapsed.
    def search(day: date) -> int:
        path = (paths.raw_dir("demo") / demo.TRAFFIC_DIR
                / f"【生意参谋平台】无线店铺流量来源-{day}_{day}.xlsx")
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("无线流量来源").to_python()
        assert rows[5] == list(demo.TRAFFIC_COLUMNS)  # header on row 6
        return next(int(r[2].replace(",", "")) for r in rows[6:] if r[1] == "手淘搜索")

    before = statistics.median(search(BAD - timedelta(days=7 * k)) for k in range(1, 5))
    assert search(BAD) < 0.55 * before
