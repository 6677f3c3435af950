"""Share packs: money as indices, item titles as codes, charts hidden — on a real daily review."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest

from storeops import demo, paths, runner, share, warehouse
from storeops.ingest.load import ingest
from storeops.runner import external_refs

DAY = date(2026, 11, 26)


def test_codes_run_a_to_z_then_aa():
    assert [share.code_name(n) for n in (0, 1, 25, 26, 27, 51, 52)] == [
        "商品A", "商品B", "商品Z", "商品AA", "商品AB", "商品AZ", "商品BA"]


def test_codes_are_stable_and_new_titles_come_after():
    first = share.assign_codes({}, [share.Item("111111", "小款卫衣", Decimal("10")),
                                    share.Item("222222", "大款外套", Decimal("99"))])
    # by sales: 大款外套 (99) first
    assert first == {"大款外套": "商品A", "222222": "商品A", "小款卫衣": "商品B",
                     "111111": "商品B"}
    later = share.assign_codes(first, [share.Item("333333", "新款爆品", Decimal("1000")),
                                       share.Item("111111", "小款卫衣", Decimal("5000"))])
    assert later["小款卫衣"] == "商品B" and later["大款外套"] == "商品A"
    assert later["新款爆品"] == "商品C"  # next free code, even though it sells most now


def test_money_becomes_an_index_of_the_reference():
    # reference ¥25,284.5 = 100: 25,285 / 25,284.5 × 100 = 100.002 -> 100;
    # 6,989 -> 27.64… -> 27.6; -2,943 -> -11.64 -> 11.6 with the sign kept;
    # 212.47 -> 0.8403… -> 0.840; 1.2万 = 12,000 -> 47.46 -> 47.5; 500元 -> 1.977… -> 1.98
    text = ("<td>¥25,285</td><td>¥6,989</td><td>−¥2,943</td><td>+¥2,943</td>"
            "<td>¥212.47</td><td>¥1.2万</td><p>少卖 500元</p>")
    assert share.money_to_index(text, Decimal("25284.5")) == (
        "<td>100</td><td>27.6</td><td>−11.6</td><td>+11.6</td>"
        "<td>0.840</td><td>47.5</td><p>少卖 1.98</p>")


def test_mask_page_on_handmade_html():
    page = ("<html><head><style>.x{color:#123456789}</style></head><body>"
            "<h1>商品 &lt;爆款&gt;卫衣</h1><p>商品 624312712950 卖了 ¥1,000，"
            "另有 超长标题连衣裙夏…</p><img alt=\"¥1,000\" src=\"data:image/png;base64,AAA\">"
            "<p>订单 12 笔</p></body></html>")
    codes = {"<爆款>卫衣": "商品A", "超长标题连衣裙夏季新款": "商品B"}
    out = share.mask_page(page, Decimal("2000"), codes)
    assert "卫衣" not in out and "商品 商品A" in out
    assert "超长标题" not in out and "另有 商品B…" in out
    assert "624312712950" not in out and share.UNKNOWN_ID in out
    assert "¥" not in out and "卖了 50.0" in out  # 1,000 / 2,000 × 100
    assert share.HIDDEN_CHART in out and "<img" not in out
    assert ".x{color:#123456789}" in out  # styles are left alone
    assert "订单 12 笔" in out  # counts stay


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """A tiny demo store, its daily review run once, and its share pack."""
    home = tmp_path_factory.mktemp("share")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        demo.generate("s", end=DAY, days=14, daily_orders=6, seed=3)
        ingest("s")
        result = runner.run_notebook("s", "daily", DAY)
        assert result.ok, result.error
        written = share.build_share("s", DAY)
        with warehouse.open_store("s") as con:
            titles = {r[0] for r in con.execute(
                "SELECT DISTINCT title FROM order_items WHERE title IS NOT NULL "
                "UNION SELECT DISTINCT name FROM inventory WHERE name IS NOT NULL").fetchall()}
        yield home, written, titles


def test_share_pack_hides_every_title_and_amount(shared):
    home, written, titles = shared
    assert written == [paths.report_dir("s", DAY) / "share" / "daily_review.html"]
    original = (home / "reports/s" / DAY.isoformat() / "daily_review.html").read_text("utf-8")
    page = written[0].read_text("utf-8")
    shown = [t for t in titles if t in original or share.escape(t) in original]
    assert shown, "the daily review should show some item titles"
    assert not [t for t in titles if t in page or share.escape(t) in page]
    amounts = set(share.MONEY.findall(original))
    assert amounts and not share.MONEY.search(page) and "¥" not in page
    assert "<img" not in original or share.HIDDEN_CHART in page
    assert "<img" not in page and external_refs(page) == []
    # the headline GMV reads 100 in the conclusion
    gmv = json.loads(paths.metrics_file("s", DAY, "daily_review").read_text())["metrics"]["gmv"]
    assert gmv > 0 and re.search(r"支付金额 100\b", page)
    # only the HTML is shared; the mapping stays private, outside reports/
    assert sorted(p.name for p in written[0].parent.iterdir()) == ["daily_review.html"]
    mapping = json.loads(share.codes_file("s").read_text("utf-8"))
    assert set(shown) <= set(mapping) and "reports" not in share.codes_file("s").parts
