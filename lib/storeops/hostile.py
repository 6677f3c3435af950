"""A hostile demo store: the demo's raw exports with attacker text in every free-text field.

``generate`` writes the regular demo store (:func:`storeops.demo.generate`), then rewrites its
raw exports so that item titles, buyer nicknames, 买家留言, review texts and replies, refund
reasons, ad plan names and keywords carry script/HTML injection payloads, spreadsheet
formulas (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``), right-to-left override marks (U+202E)
and emoji. The shop name registered in ``stores.toml`` is hostile too. Every report built from
it must show the payloads as inert, escaped text, and no script may run in a browser.

The last 订单报表 file also gets :data:`REFUSED` rows: orders whose 买家实际支付金额 no parser
reads, so ingest refuses them and writes them, export text and all, to the store's
``rejects/`` CSV, whose cells must then be inert in a spreadsheet too. Their buyer nicknames
start with formula payloads.

CSV exports are rewritten cell by cell (GB18030, as the demo writes them); xlsx exports by
rewriting their shared-strings table, so dates, numbers and layout stay exactly as written.
The same original text always becomes the same hostile text, so titles still join across
files.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from html import escape as _xml_escape
from html import unescape as _xml_unescape
from pathlib import Path

from storeops import config, demo, paths

MARKER = "pwned"
"""What the ``document.title`` payloads write: a browser test asserts the title is not it."""

PAYLOADS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    f"<img src=x onerror=\"document.title='{MARKER}'\">",
    f"<script>document.title='{MARKER}'</script>",
    f"'><svg/onload=document.title='{MARKER}'>",
    "+1+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
)
"""Injection payloads; formula ones are put at the start of the text (where Excel looks)."""

RTL = "\u202e"
EMOJI = "🔥😀"
SHOP_NAME = "恶意<script>alert(1)</script>店\u202e铺🔥"
"""The hostile store's display name (stores.toml and the exports' 店铺名称)."""

_FREE_TEXT_HEADERS = {
    "宝贝标题": "title", "标题": "title", "宝贝名称": "title", "商品名称": "title",
    "商品标题": "title", "买家会员名": "nick", "买家留言": "text", "订单备注": "text",
    "词名字/词包名字": "keyword", "计划名字": "text", "单元名字": "text",
}
"""CSV header (stripped) -> what it holds; other columns are kept as they are."""

REFUSED: tuple[tuple[str, str, str], ...] = (
    ('="2799999999999999991"', '=HYPERLINK("http://x","y")买家甲', "=1+1"),
    ('="2799999999999999992"', "-2+3+cmd|' /C calc'!A0买家乙", "-2+3"),
    ('="2799999999999999993"', "@SUM(1+1)*cmd|' /C calc'!A0买家丙", "@SUM(A1)"),
    ('="2799999999999999994"', "+1+cmd|' /C calc'!A0买家丁", "+1+1"),
)
"""Refused order rows: (订单编号, 买家会员名, 买家实际支付金额), each a copy of the file's first
order otherwise."""

_TITLE_SEP = "，"
"""An order line's 宝贝标题 joins its items' titles with a full-width comma."""


def hostile_text(text: str, i: int) -> str:
    """
    Return ``text`` with payload number ``i`` (cyclic), an RTL mark and emoji added.

    Formula payloads (``=``, ``+``, ``@``) go first, the others last, so the original text
    stays readable and unique.
    """
    payload = PAYLOADS[i % len(PAYLOADS)]
    if payload[0] in "=+@":
        return f"{payload}{text}{RTL}{EMOJI}"
    return f"{text}{payload}{RTL}{EMOJI}"


class _Mapper:
    """Original text -> hostile text, stable across files."""

    def __init__(self) -> None:
        self.map: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if not text.strip() or text.startswith('="'):
            return text
        if text not in self.map:
            self.map[text] = hostile_text(text, len(self.map))
        return self.map[text]

    def titles(self, text: str) -> str:
        return _TITLE_SEP.join(self(part) for part in text.split(_TITLE_SEP))


def _known_texts() -> list[str]:
    """Review texts, replies and refund reasons the demo writes into its xlsx exports."""
    texts: list[str] = [*demo._GOOD_TEXTS, *demo._APPEND_GOOD, demo._REPLY_BAD,
                        demo._REPLY_GOOD]
    for _rating, options in demo._BAD_TEXTS.values():
        texts.extend(options)
    for options in demo._REFUND_REASONS.values():
        for reason, note, _w in options:
            texts.extend((reason, note))
    return sorted(set(texts))


def _rewrite_csv(path: Path, mapper: _Mapper) -> bool:
    data = path.read_bytes()
    text = data.decode("gb18030")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return False
    header = rows[0]
    cols = {i: _FREE_TEXT_HEADERS[h.strip()] for i, h in enumerate(header)
            if h.strip() in _FREE_TEXT_HEADERS}
    if not cols:
        return False
    for row in rows[1:]:
        for i, what in cols.items():
            if i < len(row) and row[i]:
                row[i] = mapper.titles(row[i]) if what == "title" else mapper(row[i])
    buf = io.StringIO(newline="")
    csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("gb18030"))
    return True


def _add_refused_rows(path: Path) -> None:
    """Append the :data:`REFUSED` orders to an 订单报表 CSV (copies of its first order)."""
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("gb18030"), newline="")))
    header = [h.strip() for h in rows[0]]
    at = {name: header.index(name) for name in ("订单编号", "买家会员名", "买家实际支付金额")}
    for order_id, nick, amount in REFUSED:
        row = list(rows[1])
        row[at["订单编号"]], row[at["买家会员名"]], row[at["买家实际支付金额"]] = (
            order_id, nick, amount)
        rows.append(row)
    buf = io.StringIO(newline="")
    csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("gb18030"))


_SHARED = re.compile(r"(<t(?:\s[^>]*)?>)(.*?)(</t>)", re.DOTALL)


def _rewrite_xlsx(path: Path, mapper: _Mapper, known: set[str]) -> bool:
    """Replace known free texts in an xlsx's shared strings; everything else byte-identical."""
    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info.filename)) for info in src.infolist()]
    changed = False
    out = []
    for info, blob in members:
        if info.filename == "xl/sharedStrings.xml":
            xml = blob.decode("utf-8")

            def swap(m: re.Match[str]) -> str:
                nonlocal changed
                value = _xml_unescape(m.group(2))
                if value in known or value in mapper.map:
                    changed = True
                    new = mapper(value)
                    attrs = m.group(1)
                    if 'xml:space="preserve"' not in attrs:
                        attrs = '<t xml:space="preserve">'
                    return f"{attrs}{_xml_escape(new, quote=False)}{m.group(3)}"
                return m.group(0)

            blob = _SHARED.sub(swap, xml).encode("utf-8")
        out.append((info, blob))
    if changed:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
            for info, blob in out:
                dst.writestr(info, blob)
        path.write_bytes(buf.getvalue())
    return changed


def generate(store: str = "hostile", *, end: date, days: int = 45, daily_orders: float = 20.0,
             seed: int = 7) -> list[Path]:
    """
    Write a hostile demo store's raw exports and register it in ``stores.toml``.

    Parameters
    ----------
    store : str
        Store id.
    end : date
        Last day of data.
    days, daily_orders, seed
        As for :func:`storeops.demo.generate`.

    Returns
    -------
    list of Path
        Every raw file written (the ones rewritten included).
    """
    files = demo.generate(store, end=end, days=days, seed=seed, daily_orders=daily_orders,
                          shop_name=SHOP_NAME)
    config.add_store(store, SHOP_NAME, monthly_target=round(daily_orders * 250 * 30 * 1.2, -4))
    mapper = _Mapper()
    raw = paths.raw_dir(store)
    # CSVs first: they name every title, so the xlsx files map the same titles the same way.
    for path in sorted(raw.rglob("*.csv")):
        _rewrite_csv(path, mapper)
    _add_refused_rows(sorted((raw / "订单报表").glob("*.csv"))[-1])
    known = set(_known_texts())
    for path in sorted(raw.rglob("*.xlsx")):
        _rewrite_xlsx(path, mapper, known)
    return files
