import json
import re
from datetime import date

import pytest

from storeops import paths
from storeops.report import index
from storeops.runner import external_refs


def put(store: str, day: str, name: str, content: str | dict = "") -> None:
    folder = paths.reports_root() / store / day
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(content, ensure_ascii=False) if isinstance(content, dict) else content
    (folder / name).write_text(text, "utf-8")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    (tmp_path / "stores.toml").write_text('[stores.demo]\nname = "演示旗舰店"\n', "utf-8")
    put("demo", "2026-11-25", "daily_review.html", "<html></html>")
    put("demo", "2026-11-25", "daily_review.status.json", {"ok": True, "error": None})
    put("demo", "2026-11-25", "daily_review.metrics.json", {"gmv": "123456.78", "orders": 321})
    put(
        "demo",
        "2026-11-26",
        "daily_review.status.json",
        {"ok": False, "error": "ValueError: <script>alert(1)</script> 没有数据"},
    )
    put("demo", "2026-11-26", "daily_review.failed.ipynb", "{}")
    put("demo", "2026-11-26", "customers.html", "<html></html>")
    put("demo", "2026-11-26", "customers.status.json", {"ok": True})
    put("shop2", "2026-11-26", "daily_review.html", "<html></html>")
    put("shop2", "2026-11-26", "daily_review.status.json", {"ok": True})
    put("shop2", "2026-11-26", "daily_review.metrics.json", {"gmv": 99.5, "gmv_change": "bad"})
    put("shop2", "2026-11-26", ".daily_review.html.1234abcd.tmp", "half")  # a writer mid-way
    put("shop2", "2026-11-24", "period_review.status.json", "{not json")
    put("shop2", "not-a-day", "daily_review.html", "x")
    put("shop2", "20261123", "daily_review.html", "x")  # ISO basic form is not a report folder
    return tmp_path


def test_scan_finds_store_days_newest_first(home):
    entries = index.scan()
    assert [(e.store, e.day.isoformat()) for e in entries] == [
        ("demo", "2026-11-26"),
        ("shop2", "2026-11-26"),
        ("demo", "2026-11-25"),
        ("shop2", "2026-11-24"),
    ]
    demo_26 = entries[0]
    assert sorted(demo_26.reports) == ["customers", "daily_review"]
    assert demo_26.reports["daily_review"].failed
    assert not demo_26.reports["daily_review"].has_html
    assert entries[3].reports["period_review"].status is None  # unreadable status: lenient


def test_write_index_is_self_contained_and_phone_ready(home):
    out = index.write_index()
    assert out == paths.index_file()
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<script" not in page.lower()
    assert external_refs(page) == []
    assert "http://" not in page and "https://" not in page
    assert not list(paths.reports_root().glob(".*.tmp"))  # written atomically


def test_index_rows_links_failures_and_headlines(home):
    page = index.write_index().read_text("utf-8")
    # newest day first
    days = [page.index(f"<h2>2026-11-{d}") for d in (26, 25, 24)]
    assert days == sorted(days)
    # store display name from stores.toml, id for a store without an entry
    assert "演示旗舰店" in page and ">shop2<" in page
    # relative links to each report and to the store page
    assert 'href="demo/2026-11-26/customers.html"' in page
    assert 'href="demo/index.html"' in page
    assert 'href="shop2/2026-11-26/daily_review.html"' in page
    # failure marked, error escaped, no link to an HTML that does not exist
    assert "失败" in page
    assert "ValueError: &lt;script&gt;alert(1)&lt;/script&gt; 没有数据" in page
    assert 'href="demo/2026-11-26/daily_review.html"' not in page
    # headline figures from metrics.json; a bad value is skipped, not fatal
    assert "支付金额 <b>¥123,457</b>" in page and "订单数 <b>321</b>" in page
    assert "支付金额 <b>¥100</b>" in page  # 99.5 half-up
    assert "较前日" not in page
    # no rows for non-day folders
    assert "not-a-day" not in page and "20261123" not in page


def test_store_index_pages(home):
    index.write_index()
    page = paths.store_index_file("demo").read_text("utf-8")
    assert "演示旗舰店" in page
    assert 'href="2026-11-25/daily_review.html"' in page
    assert 'href="../index.html"' in page
    assert page.index("2026-11-26") < page.index("2026-11-25")
    assert "<script" not in page.lower() and external_refs(page) == []
    assert paths.store_index_file("shop2").exists()


def test_empty_reports_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    page = index.write_index().read_text("utf-8")
    assert "还没有报告" in page


def test_failure_keeps_link_to_previous_html(home):
    put("demo", "2026-11-26", "daily_review.html", "<html>old</html>")
    page = index.write_index().read_text("utf-8")
    row = re.search(r'<li class="fail">.*?</li>', page).group(0)
    assert 'href="demo/2026-11-26/daily_review.html"' in row and "上次成功的版本" in row


def test_headline_is_lenient():
    assert index._headline(None) == []
    assert index._headline({"gmv": None, "orders": "x", "buyers": 5}) == ["买家数 <b>5</b>"]
    assert index._headline({"metrics": {"gmv": {"value": "10"}}}) == ["支付金额 <b>¥10</b>"]


def test_headline_reads_what_report_record_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    document = {
        "store": "demo",
        "day": "2026-11-26",
        "notebook": "daily_review",
        "generated_at": "2026-11-27T07:31:00+08:00",
        "metrics": {"gmv": 12345.6, "paid_orders": 87, "conversion_rate": 0.0352, "uv": None},
    }
    put("demo", "2026-11-26", "daily_review.metrics.json", document)
    put("demo", "2026-11-26", "daily_review.html", "<html></html>")
    page = index.write_index().read_text("utf-8")
    assert "支付金额 <b>¥12,346</b><br>支付订单数 <b>87</b>" in page


def _daily(store: str, day: str, gmv: float, vs_last_week: float | None,
           anomalies: list[dict] | None = None) -> None:
    put(store, day, "daily_review.html", "<html></html>")
    put(store, day, "daily_review.status.json", {"ok": True, "error": None})
    put(store, day, "daily_review.metrics.json", {"metrics": {
        "gmv": gmv, "gmv_vs_last_week": vs_last_week, "anomalies": anomalies or []}})


@pytest.fixture
def agency(tmp_path, monkeypatch):
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    (tmp_path / "stores.toml").write_text(
        '[stores.up]\nname = "涨店"\n[stores.down]\nname = "跌<店>"\n', "utf-8")
    # up: 12,000 vs 10,000 last week -> +2,000, +20.0 %; no anomaly
    _daily("up", "2026-11-26", 12000, 2000)
    # down: 8,000 vs 10,000 -> −2,000, −20.0 %; two open anomalies and one muted
    _daily("down", "2026-11-26", 8000, -2000, [
        {"metric": "gmv", "muted_reason": None}, {"metric": "uv", "muted_reason": None},
        {"metric": "aov", "muted_reason": "双11"}])
    # flat: 5,000 vs 5,000 -> 0; one anomaly; its newest day's customers report failed
    _daily("flat", "2026-11-25", 5000, 0, [{"metric": "conversion_rate"}])
    put("flat", "2026-11-26", "customers.status.json",
        {"ok": False, "error": "KeyError: <b>buyer</b>"})
    # none: a store with no daily review at all
    put("none", "2026-11-26", "customers.html", "<html></html>")
    put("none", "2026-11-26", "customers.status.json", {"ok": True})
    return tmp_path


def test_summaries_take_the_newest_daily_review(agency):
    rows = {r.store: r for r in index.summarize(index.scan())}
    assert rows["up"].gmv == 12000 and rows["up"].change == 2000
    assert rows["up"].change_pct == pytest.approx(0.20)  # 2,000 / (12,000 − 2,000)
    assert rows["down"].change_pct == pytest.approx(-0.20)  # −2,000 / (8,000 + 2,000)
    assert rows["down"].anomalies == 2  # the muted one is not open
    assert rows["down"].anomaly_labels[:1] == ["支付金额"]
    assert rows["flat"].daily_day == date(2026, 11, 25)
    assert rows["flat"].last_day == date(2026, 11, 26)
    assert rows["flat"].failures == [("客户", "KeyError: <b>buyer</b>")]
    assert rows["none"].daily_day is None and rows["none"].anomalies is None


def test_agency_page_ranks_stores_and_is_linked_from_the_index(agency):
    index.write_index()
    page = index.agency_file().read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page.lower()
    assert external_refs(page) == [] and 'name="viewport"' in page
    by_change, by_anomalies = page.split("<h2>")[1:3]
    order = [by_change.index(f'href="{s}/index.html"') for s in ("down", "flat", "up", "none")]
    assert order == sorted(order)  # −20 %, 0 %, +20 %, then the store without figures
    order = [by_anomalies.index(f'href="{s}/index.html"') for s in ("down", "flat", "up")]
    assert order == sorted(order)  # 2, 1, 0 open anomalies
    assert "跌&lt;店&gt;" in page and "跌<店>" not in page
    assert "¥12,000" in page and "+¥2,000" in page and "▲ +20.0 %" in page
    assert "−¥2,000" in page and "▼ \u221220.0 %" in page
    assert 'class="down"' in page
    # failure in red, escaped; the stale daily review is marked
    assert ('<span class="badge">失败</span> 客户 2026-11-26：'
            "KeyError: &lt;b&gt;buyer&lt;/b&gt;") in page
    assert "日报 2026-11-25</a>（未更新）" in page
    assert 'href="flat/2026-11-25/daily_review.html"' in page
    # total of the newest day: 12,000 + 8,000 (flat's figures are of the day before)
    assert "当日支付金额合计 <b>¥20,000</b>" in page
    assert 'href="agency.html"' in paths.index_file().read_text("utf-8")


def test_agency_page_without_reports(tmp_path, monkeypatch):
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    index.write_index()
    assert "还没有报告" in index.agency_file().read_text("utf-8")


def test_period_review_variants_have_their_own_labels(home):
    put("demo", "2026-11-22", "period_review_week.html", "<html></html>")
    put("demo", "2026-11-22", "period_review_week.status.json", {"ok": True})
    page = index.write_index().read_text("utf-8")
    assert '<a href="demo/2026-11-22/period_review_week.html">周报</a>' in page


def test_headline_shows_change_vs_last_week_and_open_anomalies():
    shown = index._headline({
        "gmv": "900", "paid_orders": 9, "gmv_vs_last_week": "-100",
        "anomalies": [{"metric": "gmv"}, {"metric": "uv", "muted_reason": "双11"}],
    })
    # last week's same day was 900 + 100 = 1,000: −100 / 1,000 = −10.0 %
    assert shown[2] == '较上周同日 <b class="down">▼¥100（−10.0%）</b>'
    assert shown[3] == '异常 <b class="down">1 项</b>'  # the muted one is not open
    rising = index._headline({"gmv": "1200", "gmv_vs_last_week": "200", "anomalies": []})
    # 200 / (1,200 − 200) = +20.0 %
    assert "较上周同日 <b>▲¥200（+20.0%）</b>" in rising and "异常 <b>0 项</b>" in rising
