"""A hostile store: exports full of script, formula, RTL and emoji text make a safe report."""

from __future__ import annotations

import re
from datetime import date

import pytest

from storeops import audit, hostile, runner
from storeops.ingest.load import ingest
from storeops.report.index import write_index

DAY = date(2026, 11, 26)
pytestmark = pytest.mark.slow

_TAG = re.compile(r"<[A-Za-z][^>]*>")
_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The hostile store's raw exports, ingested, with its daily review and the index pages."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        hostile.generate("hostile", end=DAY)
        loaded = ingest("hostile")
        result = runner.run_notebook("hostile", "daily", DAY)
        write_index()
        yield home, loaded, result


def test_the_exports_carry_the_payloads(built):
    home, loaded, _ = built
    assert all(r.status == "loaded" for r in loaded), [(r.path.name, r.message) for r in loaded
                                                       if r.status != "loaded"]
    orders = next((home / "data/raw/hostile/订单报表").glob("*.csv")).read_bytes()
    text = orders.decode("gb18030")
    for payload in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                    '"><svg onload=alert(1)>', "=cmd|' /C calc'!A0", "\u202e", "🔥"):
        assert payload in text
    assert '=HYPERLINK(""http://x"",""y"")' in text  # CSV-quoted
    assert "<script>" in "".join(audit.buyer_names("hostile"))  # hostile nicks too


def test_the_daily_review_succeeds(built):
    _, _, result = built
    assert result.ok, result.error
    assert result.html is not None and result.html.stat().st_size < 2_000_000


def _pages(home):
    return [home / "reports/hostile/2026-11-26/daily_review.html",
            home / "reports/hostile/index.html", home / "reports/index.html"]


def test_payloads_appear_only_escaped(built):
    home, _, _ = built
    html = _pages(home)[0].read_text("utf-8")
    # visible as text, in titles (tables, narrative) and keywords
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;svg onload=alert(1)&gt;" in html
    assert "=HYPERLINK(" in html and "\u202e" in html and "🔥" in html
    for page in _pages(home):
        text = page.read_text("utf-8")
        assert not re.search(r"<script", text, re.IGNORECASE), page
        assert not re.search(r"<svg", text, re.IGNORECASE), page
        handlers = [t for t in _TAG.findall(text) if _HANDLER.search(t)]
        assert handlers == [], (page, handlers[:3])
        # every <img> is an embedded chart, never the payload's src=x
        assert all(re.search(r'src="data:image/', t) for t in _TAG.findall(text)
                   if t.lower().startswith("<img")), page


def test_the_shop_name_is_escaped_in_titles(built):
    home, _, _ = built
    for page in _pages(home)[:2]:
        title = re.search(r"<title>(.*?)</title>", page.read_text("utf-8"), re.S).group(1)
        assert "&lt;script&gt;" in title, page


def test_the_audit_finds_nothing(built):
    home, _, _ = built
    result = audit.audit_reports(home / "reports")
    assert set(_pages(home)) <= set(result)
    assert {p: [f.describe() for f in fs] for p, fs in result.items() if fs} == {}
