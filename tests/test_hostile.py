"""A hostile store: exports full of script, formula, RTL and emoji text make a safe report.

Besides the HTML, every file storeops writes for a spreadsheet must keep formula-looking export
text inert: the private recall CSVs of the customers report, the ingest's rejects CSV, the
period review's ``period_week.xlsx`` and the annual plan's ``plan-<year>.xlsx``. A CSV cell is
inert when it does not start with what a spreadsheet reads as a formula
(:data:`storeops.report.tables.FORMULA_START`), i.e. such text carries the leading ``'`` of
:func:`storeops.report.tables.inert_cell`; an xlsx cell when it is not a formula and its text
either carries that ``'`` or has the cell style's quote prefix (Excel's own "text, not a
formula" mark).
"""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from defusedxml import ElementTree

from storeops import audit, hostile, runner
from storeops.ingest.load import ingest
from storeops.report import customers as customers_report
from storeops.report.index import write_index
from storeops.report.tables import FORMULA_START, inert_cell

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
        for notebook, params in SPREADSHEET_REPORTS:
            other = runner.run_notebook("hostile", notebook, DAY, params)
            assert other.ok, (notebook, other.error)
        write_index()
        yield home, loaded, result


SPREADSHEET_REPORTS = (("customers", {}), ("period", {"period": "week"}),
                       ("plan", {"year": "2027"}))
"""The reports that also write CSV or xlsx files, run on the hostile store."""


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
    day = home / "reports/hostile/2026-11-26"
    return [day / "daily_review.html", home / "reports/hostile/index.html",
            home / "reports/index.html", day / "customers.html",
            day / "period_review_week.html", day / "annual_plan.html"]


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


# ---------------------------------------------------------------- spreadsheets stay inert

QUOTE = inert_cell("=")[0]
"""The neutralising first character :func:`inert_cell` adds (``'``)."""


def _csv_cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def _live(cells: list[str]) -> list[str]:
    """Cells a spreadsheet would read as a formula."""
    return [c for c in cells if c.startswith(FORMULA_START)]


def _neutralised(cells: list[str]) -> list[str]:
    return [c for c in cells if c.startswith(QUOTE) and c[1:].startswith(FORMULA_START)]


def test_the_rejects_csv_keeps_formula_text_inert(built):
    home, loaded, _ = built
    refused = {r.path.name: r.rows_refused for r in loaded if r.rows_refused}
    assert sum(refused.values()) == len(hostile.REFUSED), refused
    files = sorted((home / "data/processed/hostile/rejects").glob("*.csv"))
    assert len(files) == 1, files
    cells = _csv_cells(files[0])
    assert _live(cells) == []
    shown = _neutralised(cells)
    for order_id, nick, amount in hostile.REFUSED:  # the text is kept, made inert
        assert {QUOTE + order_id, QUOTE + nick, QUOTE + amount} <= set(shown), (nick, shown)


def test_the_recall_csvs_are_inert_and_their_nicknames_neutralised(built):
    home, _, _ = built
    files = sorted((home / "reports/hostile/2026-11-26/private").glob("recall_*.csv"))
    assert len(files) == 4, files
    cells = [c for f in files for c in _csv_cells(f)]
    assert len(cells) > 9 * 4  # a header and rows
    assert _live(cells) == []
    # the private lists carry the buyers' nicks (for SMS/CRM tools) from buyer_contacts: a
    # formula-looking nick is there only behind the neutralising apostrophe
    nicks = {n for n in audit.buyer_names("hostile") if n.startswith(FORMULA_START)}
    assert nicks
    listed = [c for c in cells if c.lstrip("'") in nicks]
    assert listed, "no hostile nick reached the recall lists"
    assert all(c.startswith("'") for c in listed), listed[:3]


def test_the_recall_csv_writer_neutralises_formula_text():
    # every column, ids and contact text alike, goes through the neutraliser
    row = {"list": "recall_due", "buyer_key": '=HYPERLINK("http://x","y")',
           "buyer_nick": "@SUM(A1)", "receiver_name": "+张三", "receiver_phone": "13812345678",
           "receiver_province": "浙江", "receiver_city": "杭州市",
           "last_order_id": "-2+3", "last_paid_at": pd.Timestamp("2026-10-27 18:48:57"),
           "last_amount": Decimal("586.00"), "days_since": 30, "orders": 1,
           "gmv": Decimal("586.00"), "orders_ever": 1}
    text = customers_report.recall_csv_text(pd.DataFrame([row]))
    cells = list(csv.reader(text.splitlines()))[1]
    assert cells == ["到期召回", "'" + row["buyer_key"], "'@SUM(A1)", "'+张三", "13812345678",
                     "浙江", "杭州市", "'-2+3", "2026-10-27 18:48:57", "586.00", "30", "1",
                     "586.00", "1"]


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _xlsx_cells(path: Path) -> list[dict]:
    """Every cell of every sheet, from the xlsx's XML: sheet, ref, text, formula, quoted."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        shared = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t"))
                      for si in root.findall("m:si", _NS)]
        styles = ElementTree.fromstring(z.read("xl/styles.xml"))
        quoted = [xf.get("quotePrefix") in ("1", "true")
                  for xf in styles.findall("m:cellXfs/m:xf", _NS)]
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels}
        cells = []
        for sheet in book.findall("m:sheets/m:sheet", _NS):
            part = "xl/" + target[sheet.get(_R)].lstrip("/").removeprefix("xl/")
            for c in ElementTree.fromstring(z.read(part)).iter(f"{{{_NS['m']}}}c"):
                kind, v = c.get("t"), c.find("m:v", _NS)
                if kind == "s":
                    text = shared[int(v.text)]
                elif kind == "inlineStr":
                    text = "".join(t.text or "" for t in c.iter(f"{{{_NS['m']}}}t"))
                else:
                    text = v.text if v is not None and kind == "str" else None
                cells.append({"sheet": sheet.get("name"), "ref": c.get("r"), "text": text,
                              "formula": c.find("m:f", _NS) is not None,
                              "quoted": quoted[int(c.get("s", "0"))]})
    return cells


def _col_row(ref: str) -> tuple[int, int]:
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col - 1, int(digits) - 1


def _workbooks(home: Path) -> list[Path]:
    return [home / "reports/hostile/2026-11-26/period_week.xlsx",
            home / "reports/hostile/plan-2027.xlsx"]


def test_the_workbooks_hold_no_formula_and_only_inert_text(built):
    from python_calamine import CalamineWorkbook

    home, _, _ = built
    neutral = 0
    for path in _workbooks(home):
        cells = _xlsx_cells(path)
        assert cells, path
        assert [c["ref"] for c in cells if c["formula"]] == [], path
        live = [c for c in cells if c["text"] and c["text"].startswith(FORMULA_START)]
        assert [c for c in live if not c["quoted"]] == [], path
        neutral += len(live) + len(_neutralised([c["text"] or "" for c in cells]))
        # a spreadsheet reader sees the same text, not a computed value
        book = CalamineWorkbook.from_path(str(path))
        for c in live:
            sheet = book.get_sheet_by_name(c["sheet"])
            col, row = _col_row(c["ref"])
            rows = sheet.to_python(skip_empty_area=False)
            assert rows[row][col] == c["text"], (path.name, c)
    assert neutral > 0  # the hostile item titles reached a workbook, inertly


def test_openpyxl_sees_no_formula_either(built):
    openpyxl = pytest.importorskip("openpyxl")
    home, _, _ = built
    for path in _workbooks(home):
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, cell.coordinate)
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                        assert cell.quotePrefix, (path.name, cell.coordinate, cell.value)
