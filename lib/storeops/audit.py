r"""Scan generated HTML reports for buyers' personal data and for anything fetched from outside.

Reports leave the store's machine (owners forward them in chat apps), so before one is
published its visible text and attribute values are checked for (DATA_CONTRACT.md §11):

``phone``
    an 11-digit mainland mobile number ``1[3-9]\d{9}`` (optionally ``+86``, ``-`` or space
    separated), not part of a longer digit run; the masked form ``138****1234`` is fine.
``id_card``
    an 18-digit resident ID number with a valid birth date and check digit (GB 11643), so an
    18-digit order number is not mistaken for one.
``address``
    a full street address: province + (city) + district + a street / road / 号 detail. The
    display form ``浙江省 杭州市`` (province + city) is fine.
``name``
    a buyer's nickname or receiver name exactly as in the raw exports (``买家会员名``,
    ``收货人姓名``…); masked forms (``张**``, ``t**1``) are fine. The warehouse keeps only
    hashed buyer keys, so the names come from the raw exports (:func:`buyer_names`).
``external``
    a resource the page would fetch from a network (:func:`storeops.runner.external_refs`).

Only what a reader can see or a browser would use is scanned: text nodes (character
references decoded, so ``&#49;38…`` is caught too) and attribute values. ``<style>`` blocks
and ``data:`` URIs (base64 chart PNGs) are skipped, so image bytes never look like a phone
number. A finding never repeats the personal data it found in full: :meth:`Finding.line`
shows it masked.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from storeops import paths
from storeops.report.tables import masked_name, masked_phone

logger = logging.getLogger(__name__)

KINDS = ("phone", "id_card", "address", "name", "external")
"""Finding kinds, in the order :func:`audit_html` reports them for one text."""

# --- patterns --------------------------------------------------------------------------------

PHONE = re.compile(r"(?<![\d*])(?:\+?86[-\s]?)?(1[3-9]\d(?:[-\s]?\d{4}){2})(?![\d*])")
"""Mainland mobile; ``(?<!\\d)``/``(?!\\d)`` keep 19-digit order numbers out."""

ID_CARD = re.compile(
    r"(?<![\dA-Za-z*])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"\d{3}[\dXx])(?![\dA-Za-z*])"
)

_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|"
    "湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
_HAN = r"[\u4e00-\u9fff]"
ADDRESS = re.compile(
    rf"(?:{_PROVINCES})(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?\s*"
    rf"(?:{_HAN}{{1,10}}?(?:市|自治州|地区|盟)\s*)?"  # city (a municipality may skip it)
    rf"{_HAN}{{1,10}}?(?:区|县|旗|市)\s*"  # district
    rf"[\w\u4e00-\u9fff\-－ ]{{0,24}}?"
    r"(?:路|街|道|号|巷|弄|胡同|村|组|小区|大厦|花园|公寓|栋|幢|单元|室)"
)
"""Province, optional city, district, then a detail ending in 路/街/道/号…"""

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

NAME_HEADERS = frozenset({"买家会员名", "买家会员名称", "收货人姓名", "收货人", "买家姓名"})
"""Raw export headers (normalized) that hold a buyer's nickname or a receiver's name."""

MIN_NAME_CHARS = 2
"""Shorter names (one character) are not searched: they would match everywhere."""


def valid_id_number(number: str) -> bool:
    """Return True when an 18-character ID number has the right check digit (GB 11643)."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


# --- findings --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data (or an external reference) found in a report."""

    kind: str
    """One of :data:`KINDS`."""
    value: str
    """What matched, as decoded from the page (raw personal data: do not log it as it is)."""
    line: int
    """Line of the HTML where the text node or tag starts (1-based)."""
    where: str
    """``text``, ``attr:<name>`` or ``page`` (external references)."""

    def masked(self) -> str:
        """Return the matched value in a form safe to print."""
        if self.kind == "phone":
            return masked_phone(self.value)
        if self.kind == "id_card":
            return f"{self.value[:2]}**************{self.value[-2:]}"
        if self.kind == "address":
            return f"{self.value[:6]}…"
        if self.kind == "name":
            return masked_name(self.value)
        return self.value

    def describe(self) -> str:
        """One line: ``phone line 12 text: 138****5678``."""
        return f"{self.kind} line {self.line} {self.where}: {self.masked()}"


# --- extracting what a reader sees -----------------------------------------------------------

_SKIP_TEXT_TAGS = frozenset({"style"})
_URL_ATTRS = frozenset({"src", "href", "srcset", "poster", "data"})


class _Visible(HTMLParser):
    """Collect (line, where, text) for every text node and attribute value."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[tuple[int, str, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in _SKIP_TEXT_TAGS:
            self._skip += 1
        for name, value in attrs:
            if not value:
                continue
            if name in _URL_ATTRS and value.lstrip().lower().startswith("data:"):
                continue  # embedded image bytes (base64): never text
            if name == "style":
                continue
            self.chunks.append((line, f"attr:{name}", value))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIP_TEXT_TAGS:
            self._skip -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TEXT_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.chunks.append((self.getpos()[0], "text", data))


def visible_chunks(html: str) -> list[tuple[int, str, str]]:
    """
    Return the text nodes and attribute values of a page, character references decoded.

    Returns
    -------
    list of (line, where, text)
        ``where`` is ``text`` or ``attr:<name>``; ``<style>`` content, ``style`` attributes and
        ``data:`` URIs are left out.
    """
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return parser.chunks


def _name_patterns(names: Iterable[str]) -> list[tuple[str, re.Pattern[str] | None]]:
    out: list[tuple[str, re.Pattern[str] | None]] = []
    for raw in set(names):
        name = str(raw).strip()
        if len(name) < MIN_NAME_CHARS or "*" in name:
            continue  # empty, one character, or already masked by the platform
        if name.isascii():
            # an ASCII nick must stand alone: "tb_buyer" is not found inside "tb_buyer2"
            out.append((name, re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])")))
        else:
            out.append((name, None))  # CJK: no word boundaries, plain substring
    return sorted(out, key=lambda item: (-len(item[0]), item[0]))


def _scan_text(text: str, names: list[tuple[str, re.Pattern[str] | None]]
               ) -> Iterator[tuple[str, str]]:
    for match in PHONE.finditer(text):
        yield "phone", match.group(1)
    for match in ID_CARD.finditer(text):
        if valid_id_number(match.group(1)):
            yield "id_card", match.group(1)
    for match in ADDRESS.finditer(text):
        yield "address", match.group(0)
    for name, pattern in names:
        if name in text and (pattern is None or pattern.search(text)):
            yield "name", name


def audit_html(html: str, *, buyer_names: Iterable[str] = frozenset()) -> list[Finding]:
    """
    Find personal data and external references in one HTML report.

    Parameters
    ----------
    html : str
        The page.
    buyer_names : iterable of str
        Buyers' nicknames and receivers' names as in the raw exports (see
        :func:`buyer_names`); names shorter than two characters or containing ``*`` (already
        masked) are ignored.

    Returns
    -------
    list of Finding
        In page order; empty when the page is clean.
    """
    from storeops.runner import external_refs

    names = _name_patterns(buyer_names)
    findings: list[Finding] = []
    for line, where, text in visible_chunks(html):
        for kind, value in _scan_text(text, names):
            findings.append(Finding(kind, value, line, where))
    for ref in external_refs(html):
        findings.append(Finding("external", ref, _line_of(html, ref), "page"))
    findings.sort(key=lambda f: (f.line, KINDS.index(f.kind)))
    return findings


def _line_of(html: str, needle: str) -> int:
    at = html.find(needle)
    return html.count("\n", 0, at) + 1 if at >= 0 else 0


# --- buyer names from the raw exports --------------------------------------------------------


def buyer_names(store: str) -> set[str]:
    """
    Read buyers' nicknames and receivers' names from a store's raw exports.

    Every file under ``data/raw/<store>/`` is read with the ingest readers and recognized by
    its header; the columns in :data:`NAME_HEADERS` (and the canonical ``buyer_nick``) of
    every table are collected. Files that cannot be read are skipped (ingest reports them).

    Returns
    -------
    set of str
        Names as written in the exports (stripped); may be empty (e.g. raw files deleted
        after loading, or newer exports that arrive masked).
    """
    from storeops.errors import StoreopsError
    from storeops.ingest.detect import data_frame, detect_all
    from storeops.ingest.load import discover
    from storeops.ingest.readers import read_file

    names: set[str] = set()
    for path in discover(store):
        try:
            tables = detect_all(read_file(path), path.name)
        except (StoreopsError, OSError, ValueError) as exc:
            logger.debug("audit: skip %s (%s)", path.name, exc)
            continue
        for found in tables:
            cols = [i for i, h in enumerate(found.headers)
                    if h in NAME_HEADERS or found.kind.lookup.get(h) == "buyer_nick"]
            if not cols:
                continue
            frame = data_frame(found)
            for i in cols:
                if i < frame.shape[1]:
                    names.update(str(v).strip() for v in frame.iloc[:, i].dropna().unique())
    names.discard("")
    return names


# --- every report ----------------------------------------------------------------------------


def report_files(root: Path, store: str | None = None) -> list[Path]:
    """Every ``*.html`` under ``root`` (or ``root/<store>``), temp files excluded, sorted."""
    base = root / store if store else root
    if not base.is_dir():
        return []
    return sorted(p for p in base.rglob("*.html")
                  if p.is_file() and not p.name.startswith(".")
                  and not p.name.endswith(".withheld.html"))  # held back already


def _store_of(root: Path, path: Path) -> str | None:
    rel = path.relative_to(root).parts
    return rel[0] if len(rel) > 1 else None


def audit_reports(root: Path | None = None, store: str | None = None, *,
                  names: dict[str, set[str]] | None = None) -> dict[Path, list[Finding]]:
    """
    Audit every HTML report under ``root`` (default the home's ``reports/``).

    Parameters
    ----------
    root : Path, optional
        Reports folder; pages directly in it (``index.html``, ``agency.html``) are checked
        against the names of every store whose folder is audited.
    store : str, optional
        Only ``root/<store>/`` (the shared index pages are then not audited).
    names : dict of str to set of str, optional
        Buyer names per store; read from the raw exports with :func:`buyer_names` when not
        given.

    Returns
    -------
    dict of Path to list of Finding
        Every audited page, with its findings (an empty list when clean).
    """
    root = Path(root) if root is not None else paths.reports_root()
    files = report_files(root, store)
    names = dict(names or {})
    stores = sorted({s for f in files if (s := _store_of(root, f))})
    for s in stores:
        if s not in names:
            names[s] = buyer_names(s) if paths.raw_dir(s).is_dir() else set()
    everyone = set().union(*names.values()) if names else set()
    result: dict[Path, list[Finding]] = {}
    for f in files:
        s = _store_of(root, f)
        pool = names.get(s, set()) if s else everyone
        result[f] = audit_html(f.read_text("utf-8", errors="replace"), buyer_names=pool)
    return result
