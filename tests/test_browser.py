"""Reports in a real browser: headless Chromium at phone (390×844) and desktop (1280×800) width.

Each page is loaded in an iframe of a small wrapper page whose inline script measures it
(horizontal overflow, broken images, section headings, the page title a script payload would
overwrite) and writes the result as JSON into the wrapper's ``document.title``, read back with
``--dump-dom``. No WebDriver, no remote debugging port.

The page goes into the iframe as ``srcdoc``, with a ``<base>`` pointing at its own folder and a
hook script put first in its ``<head>``, so the hook runs before anything of the page: it logs
``console.error`` calls, uncaught exceptions, unhandled promise rejections and failed loads of
any element (``<img>``, ``<link>``, ``<script>``…) into the wrapper window. The wrapper also
lists the page's resource-timing entries: a report loads nothing, so there must be none.
Measuring waits a moment after ``load`` (virtual time, so it costs nothing) to catch late
errors.

Needs Debian's ``chromium``: when it is missing and we run as root (CI), a session fixture
installs it with apt-get; otherwise the module is skipped with a loud reason.
"""

from __future__ import annotations

import html as html_mod
import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from storeops import config, demo, hostile, runner
from storeops.ingest.load import ingest
from storeops.report.index import write_index

DAY = date(2026, 11, 26)
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
HEADINGS = ("今日结论", "核心指标", "GMV 变化拆解", "异常提醒")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--hide-scrollbars",
         "--force-device-scale-factor=1", "--allow-file-access-from-files",
         "--virtual-time-budget=5000")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """The demo store and the hostile store, ingested, each with its daily review for DAY."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        demo.generate("demo", end=DAY, days=45, daily_orders=30)
        config.add_store("demo", "演示旗舰店", monthly_target=270_000)
        hostile.generate("hostile", end=DAY)
        for store in ("demo", "hostile"):
            ingest(store)
            result = runner.run_notebook(store, "daily", DAY)
            assert result.ok, result.error
        for notebook, params in OTHER_REPORTS:  # every other report, on the demo store
            result = runner.run_notebook("demo", notebook, DAY, params)
            assert result.ok, result.error
        write_index()
        yield home


OTHER_REPORTS = (
    ("customers", {}), ("period", {"period": "week"}), ("campaign", {"campaign": "双11"}),
    ("plan", {"year": "2027"}), ("explore", {}),
)

PAGES = {
    "demo": "demo/2026-11-26/daily_review.html",
    "customers": "demo/2026-11-26/customers.html",
    "period": "demo/2026-11-26/period_review_week.html",
    "campaign": "demo/2026-11-26/campaign_postmortem.html",
    "plan": "demo/2026-11-26/annual_plan.html",
    "explore": "demo/2026-11-26/explore.html",
    "hostile": "hostile/2026-11-26/daily_review.html",
    "index": "index.html",
    "hostile-index": "hostile/index.html",
}

_HOOK = """<script data-probe="hook">(function () {
  var log = window.parent.__probeLog = [];
  var error = console.error;
  console.error = function () {
    log.push('console.error: ' + Array.prototype.map.call(arguments, String).join(' '));
    return error.apply(console, arguments);
  };
  window.addEventListener('error', function (e) {
    var t = e.target;
    if (t && t !== window && t.tagName) {
      log.push('failed load: <' + t.tagName.toLowerCase() + '> '
               + String(t.src || t.href || t.data || '').slice(0, 120));
    } else {
      log.push('uncaught: ' + (e.message || e.error));
    }
  }, true);
  window.addEventListener('unhandledrejection', function (e) {
    log.push('unhandled rejection: ' + ((e.reason && e.reason.message) || e.reason));
  });
})();</script>"""
"""Runs first in the measured page: its errors go to the wrapper's ``__probeLog``."""

_PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>pending</title></head>
<body style="margin:0">{frame}
<script>
function measure(name, frame) {{
  var w = frame.contentWindow, d = frame.contentDocument, e = d.documentElement;
  var imgs = Array.prototype.slice.call(d.images);
  var out = {{}};
  out[name] = {{
    scrollWidth: e.scrollWidth, clientWidth: e.clientWidth, innerWidth: w.innerWidth,
    images: imgs.length,
    broken: imgs.filter(function (i) {{ return !(i.complete && i.naturalWidth > 0); }})
                .map(function (i) {{ return (i.alt || i.src).slice(0, 60); }}),
    headings: Array.prototype.map.call(d.querySelectorAll('h1,h2,h3,h4'),
                                       function (h) {{ return h.textContent.trim(); }}),
    title: d.title, scripts: d.querySelectorAll('script:not([data-probe])').length,
    marker: !!w.__pwned,
    errors: window.__probeLog || ['the hook never ran'],
    loads: w.performance.getEntriesByType('resource').map(function (r) {{
      return r.name.slice(0, 120); }})
  }};
  document.title = 'RESULT' + JSON.stringify(out);
}}
</script></body></html>"""

_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)


def _framed(page: Path) -> str:
    """The page's HTML with a ``<base>`` for its folder and the hook first in ``<head>``."""
    text = page.read_text("utf-8")
    head = _HEAD.search(text)
    at = head.end() if head else 0
    return f'{text[:at]}<base href="{page.parent.as_uri()}/">{_HOOK}{text[at:]}'


def _probe_page(chromium: str, name: str, page: Path, width: int, height: int,
                tmp: Path) -> dict:
    """Measure one page at one size in its own Chromium run."""
    frame = (f'<iframe srcdoc="{html_mod.escape(_framed(page), quote=True)}" '
             f"onload=\"var f = this; setTimeout(function () {{ measure('{name}', f); }}, 300)\" "
             f'style="display:block;width:{width}px;height:{height}px;border:0"></iframe>')
    probe = tmp / f"probe-{width}-{name}.html"
    probe.write_text(_PROBE.format(frame=frame), "utf-8")
    dom = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={tmp / 'profile'}",
         f"--window-size={width},{height}", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=60, check=False).stdout
    match = re.search(r"<title>RESULT(.*?)</title>", dom, re.S)
    assert match, f"the probe of {name} never finished measuring at {width}px: {dom[:300]}"
    return json.loads(html_mod.unescape(match.group(1)))[name]


def _probe(chromium: str, reports: Path, width: int, height: int, tmp: Path) -> dict:
    """Measure every page at one size: one Chromium run per page (a busy CI machine loads
    ten report pages in one probe too slowly for the virtual-time budget)."""
    return {name: _probe_page(chromium, name, reports / rel, width, height, tmp)
            for name, rel in PAGES.items()}


@pytest.fixture(scope="module")
def rendered(chromium, home, tmp_path_factory):
    """Measurements per width and page, and a screenshot of every page at both widths."""
    tmp = tmp_path_factory.mktemp("chromium")
    reports = home / "reports"
    measured = {size: _probe(chromium, reports, w, h, tmp) for size, (w, h) in SIZES.items()}
    shots = {}
    for name, rel in PAGES.items():
        for size, (w, h) in SIZES.items():
            png = tmp / f"{name}-{size}.png"
            subprocess.run(
                [chromium, *FLAGS, f"--user-data-dir={tmp / 'profile'}", f"--window-size={w},{h}",
                 f"--screenshot={png}", (reports / rel).as_uri()],
                capture_output=True, timeout=60, check=False)
            shots[name, size] = png
    return measured, shots


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", PAGES)
def test_no_horizontal_page_overflow(rendered, page, size):
    m = rendered[0][size][page]
    assert m["scrollWidth"] <= m["clientWidth"] <= m["innerWidth"], m


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", PAGES)
def test_no_broken_images(rendered, page, size):
    m = rendered[0][size][page]
    assert m["broken"] == [], m["broken"]


@pytest.mark.parametrize("page", ["demo", "hostile"])
def test_daily_reviews_have_an_image_and_every_section_heading(rendered, page):
    m = rendered[0]["phone"][page]
    assert m["images"] >= 1
    for heading in HEADINGS:
        assert heading in m["headings"], (heading, m["headings"])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", ["hostile", "hostile-index"])
def test_no_payload_ran_in_the_hostile_store(rendered, page, size):
    m = rendered[0][size][page]
    assert hostile.MARKER not in m["title"], m["title"]
    assert "<script>alert(1)</script>" in m["title"]  # the shop name shown as text
    assert m["scripts"] == 0 and not m["marker"]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", PAGES)
def test_no_console_error_and_nothing_loaded(rendered, page, size):
    m = rendered[0][size][page]
    assert m["errors"] == [], m["errors"]
    assert m["loads"] == [], m["loads"]


_BROKEN_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>broken</title>
<link rel="stylesheet" href="missing.css"></head><body><h1>坏页面</h1>
<img src="missing.png" alt="missing">
<script>console.error("logged on purpose");</script>
<script>throw new Error("thrown on purpose");</script>
<script>Promise.reject(new Error("rejected on purpose"));</script>
<script>setTimeout(function () { null.late(); }, 50);</script>
</body></html>"""


def test_the_console_check_catches_a_broken_page(chromium, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text(_BROKEN_PAGE, "utf-8")
    m = _probe_page(chromium, "broken", page, *SIZES["phone"], tmp_path)
    errors = "\n".join(m["errors"])
    assert "console.error: logged on purpose" in errors
    assert "thrown on purpose" in errors and "uncaught:" in errors
    assert "unhandled rejection: rejected on purpose" in errors
    assert "reading 'late'" in errors  # thrown after the load event, still caught
    assert "failed load: <img>" in errors and "failed load: <link>" in errors
    assert m["scripts"] == 4 and m["broken"] == ["missing"]


def test_screenshots_are_written(rendered):
    _, shots = rendered
    for (name, size), png in shots.items():
        assert png.exists() and png.stat().st_size > 5_000, (name, size)
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_passes_the_privacy_audit_and_the_size_budget(home, page):
    from storeops import audit

    store = "hostile" if page.startswith("hostile") else "demo"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        names = audit.buyer_names(store)
    html = (home / "reports" / PAGES[page]).read_text("utf-8")
    assert audit.audit_html(html, buyer_names=names) == []
    assert len(html.encode("utf-8")) <= 2_000_000
