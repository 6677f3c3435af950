import json
import re

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
