"""Share packs: copies of a store's reports fit to show someone outside the store.

``storeops share --store S --date D`` (or ``storeops batch … --share masked``) writes
``reports/<store>/<date>/share/<stem>.html`` for each report of that day, post-processed from
the finished HTML:

- **money becomes an index.** Every amount the report library prints (``¥1,234``,
  ``-¥1,234``, ``+¥1,234``, ``−¥56``, ``¥212.47``, ``¥1.2万``, ``¥3.5亿``, ``1,234元``) is
  replaced by its ratio to the report's headline 支付金额 × 100, so the reference period reads
  100 and every other amount is relative to it. The reference is the report's own
  ``metrics.gmv``, else the day's daily review's, else the largest amount on the page.
- **item titles become codes** ``商品A``, ``商品B`` … ``商品AA``, stable per store: the
  mapping lives in ``data/processed/<store>/share/item_codes.json`` (never under
  ``reports/``); a title seen for the first time gets the next free code, by sales.
  Titles cut short with ``…`` are recognised by their first characters. 商品ID become the
  same code.
- **charts are dropped** (their axes carry amounts and titles): each image becomes the note
  图表已隐去.
- only the HTML pages are copied: no executed notebook, metrics JSON, status or private file.

Counts (orders, buyers, visitors) and ratios (%) are kept: they do not show the store's size
in money. Everything works on the finished HTML, whatever notebook made it.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from storeops import paths, runner, warehouse
from storeops.errors import NoDataError
from storeops.report.tables import escape

logger = logging.getLogger(__name__)

HIDDEN_CHART = "图表已隐去"
HISTORY_START = date(2000, 1, 1)
"""First day searched for item titles (the whole history of the warehouse)."""

MIN_TITLE_CHARS = 4
"""Shorter titles are not replaced (a two-character title would mask ordinary words)."""

MIN_PREFIX_CHARS = 6
"""A text ending in ``…`` is taken for a cut title when at least this many characters match."""

MONEY = re.compile(
    r"(?P<sign>[+\-\u2212]?)[¥￥](?P<num>\d[\d,]*(?:\.\d+)?)(?P<unit>[万亿])?"
    r"|(?<![\d.,])(?P<num2>\d[\d,]*(?:\.\d+)?)\s?(?P<unit2>万元|亿元|元)"
)
"""Amounts as :func:`storeops.report.tables.fmt_money` and the chart/narrative helpers write
them (the sign belongs to the amount), and amounts written with 元."""

ITEM_ID = re.compile(r"\d{6,}")
"""A 商品ID: six digits or more (shorter numbers are counts and are never replaced)."""

UNKNOWN_ID = "（ID已隐去）"
"""Shown for a number of nine digits or more that is no known item's 商品ID."""

_IMG = re.compile(r"<img\b[^>]*>|<svg\b.*?</svg>", re.IGNORECASE | re.DOTALL)
_SCALE = {"": Decimal(1), "万": Decimal(10_000), "亿": Decimal(100_000_000),
          "元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
_RAW_BLOCK = re.compile(r"(<style\b.*?</style>|<script\b.*?</script>)", re.IGNORECASE | re.DOTALL)
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Item:
    """One item as the warehouse names it."""

    key: str
    """商品ID (or the title or 商家编码 when the export has no id)."""
    title: str
    gmv: Decimal
    """支付金额 over the whole history (元): orders the codes of new titles."""


# --- codes --------------------------------------------------------------------------------------


def code_name(n: int) -> str:
    """
    Return the ``n``-th item code (0-based): ``商品A`` … ``商品Z``, ``商品AA``, ``商品AB`` ….

    Parameters
    ----------
    n : int
        Position, 0 for the first code.
    """
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"商品{letters}"


def codes_file(store: str) -> Path:
    """Return the store's title → code mapping (private: under data/processed, not reports)."""
    return paths.processed_dir(store) / "share" / "item_codes.json"


def share_dir(store: str, day: date) -> Path:
    """Return ``reports/<store>/<day>/share/``."""
    return paths.report_dir(store, day) / "share"


def assign_codes(known: dict[str, str], items: Iterable[Item]) -> dict[str, str]:
    """
    Extend a title → code mapping with the items' titles and keys, keeping every old code.

    New titles get the next free codes in order of sales (largest first), then title; an
    item's 商品ID (its key when all digits, :data:`ITEM_ID`) gets its title's code.

    Parameters
    ----------
    known : dict of str to str
        The mapping so far (title or key → code).
    items : iterable of Item
        Items of the warehouse.

    Returns
    -------
    dict of str to str
        A new mapping; ``known`` is not changed.
    """
    mapping = dict(known)
    used = set(mapping.values())
    counter = 0
    ordered = sorted(items, key=lambda i: (-i.gmv, i.title))
    for item in ordered:
        title = item.title.strip()
        if not title:
            continue
        if title not in mapping:
            while code_name(counter) in used:
                counter += 1
            mapping[title] = code_name(counter)
            used.add(mapping[title])
        key = item.key.strip()
        if ITEM_ID.fullmatch(key) and key not in mapping:
            mapping[key] = mapping[title]
    return mapping


def warehouse_items(store: str, day: date) -> list[Item]:
    """
    List every item title the store's warehouse knows up to ``day``.

    Paid order lines of the whole history (with their 商品ID and sales), the latest stock
    snapshot's names, and 生意参谋 商品 names.

    Raises
    ------
    NoDataError
        When the store has no warehouse.
    """
    items: list[Item] = []
    with warehouse.open_store(store) as con:
        for r in warehouse.query_rows(con, "explore_items", start=HISTORY_START, end=day,
                                      item=None, daily=False):
            if r["title"]:
                items.append(Item(str(r["key"] or ""), str(r["title"]), r["gmv"] or Decimal(0)))
        for r in warehouse.query_rows(con, "ops_stock_cover", day=day, sales_start=day):
            if r.get("name"):
                items.append(Item("", str(r["name"]), Decimal(0)))
        for r in warehouse.query_rows(con, "merch_item_daily", start=HISTORY_START, day=day,
                                      base=day):
            if r.get("name"):
                items.append(Item(str(r["item_id"] or ""), str(r["name"]),
                                  r.get("window_pay_amount") or Decimal(0)))
    return items


def load_codes(store: str) -> dict[str, str]:
    """Return the store's saved mapping (empty when there is none or it cannot be read)."""
    try:
        data = json.loads(codes_file(store).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def item_codes(store: str, day: date) -> dict[str, str]:
    """
    Return the store's title → code mapping, extended with the titles known up to ``day``.

    The mapping is saved (atomically) so that an item keeps its code on every later day.
    """
    known = load_codes(store)
    try:
        items = warehouse_items(store, day)
    except NoDataError:
        items = []
    mapping = assign_codes(known, items)
    if mapping != known:
        text = json.dumps(mapping, ensure_ascii=False, indent=1, sort_keys=True)
        runner._atomic_write(codes_file(store), text + "\n")
    return mapping


# --- money ------------------------------------------------------------------------------------


def parse_amount(match: re.Match[str]) -> Decimal | None:
    """Return the signed amount (元) of a :data:`MONEY` match; None when it is not a number."""
    text = match.group("num") or match.group("num2")
    unit = match.group("unit") or match.group("unit2") or ""
    try:
        value = Decimal(text.replace(",", "")) * _SCALE[unit]
    except InvalidOperation:
        return None
    return -value if (match.group("sign") or "") in ("-", "\u2212") else value


def fmt_index(value: Decimal) -> str:
    """
    Format an index (reference = 100) with about three significant digits, half-up.

    ``100``, ``27.6``, ``8.41``, ``0.840``, ``0.0263``; the sign is kept by the caller.
    """
    size = abs(value)
    if size >= 100:
        places = 0
    elif size >= 10:
        places = 1
    elif size >= 1:
        places = 2
    elif size == 0:
        return "0"
    else:
        places = max(3, -size.adjusted() + 2)
    shown = size.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{shown:,}"


def money_to_index(text: str, reference: Decimal) -> str:
    """
    Replace every amount in ``text`` by its index: amount ÷ ``reference`` × 100.

    Parameters
    ----------
    text : str
        HTML or plain text.
    reference : Decimal
        The amount that reads 100 (元), > 0.

    Returns
    -------
    str
        The text with signs kept (``+¥2,943`` → ``+11.6`` for a reference of ¥25,284.5).
    """
    def replace(match: re.Match[str]) -> str:
        amount = parse_amount(match)
        if amount is None:
            return match.group(0)
        return f"{match.group('sign') or ''}{fmt_index(amount / reference * 100)}"

    return MONEY.sub(replace, text)


def reference_amount(store: str, day: date, stem: str, page: str) -> Decimal | None:
    """
    Return the amount that reads 100 in a report's share copy (元).

    The report's own ``metrics.gmv``, else the day's daily review's, else the largest amount
    on the page; None when the page shows no amount.
    """
    for name in (stem, "daily_review"):
        try:
            document = json.loads(paths.metrics_file(store, day, name).read_text("utf-8"))
        except (OSError, ValueError):
            continue
        figures = document.get("metrics") if isinstance(document, dict) else None
        gmv = figures.get("gmv") if isinstance(figures, dict) else None
        if isinstance(gmv, int | float | str) and not isinstance(gmv, bool):
            try:
                value = Decimal(str(gmv))
            except InvalidOperation:
                continue
            if value > 0:
                return value
    amounts = [abs(a) for m in MONEY.finditer(page) if (a := parse_amount(m)) is not None]
    largest = max(amounts, default=Decimal(0))
    return largest if largest > 0 else None


# --- titles -------------------------------------------------------------------------------------


def _forms(text: str) -> set[str]:
    """Return the ways a title can appear in the HTML: as is, and escaped."""
    return {text, escape(text), html.escape(text, quote=False)}


def _trie_pattern(words: Iterable[str]) -> str:
    """Return a regex matching any of ``words``, longest first, branching on each character.

    A plain alternation of thousands of titles is tried title by title at every position of
    the page; the trie tries one branch per character.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True

    def pattern(node: dict) -> str:
        branches = [re.escape(c) + pattern(child) for c, child in sorted(node.items()) if c]
        end = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not end else f"(?:{'|'.join(branches)})"
        return f"{body}?" if end else body

    return pattern(trie)


def _unknown_id(number: str) -> str:
    """Hide a long number that is no known item's 商品ID (an ad export's, say)."""
    return UNKNOWN_ID if len(number) >= 9 else number


def titles_to_codes(page: str, codes: dict[str, str]) -> str:
    """
    Replace every item title (and 商品ID) of ``codes`` in ``page`` by its code.

    Longest titles first, in one pass (a code is never replaced again). A run of text ending
    in ``…`` whose last characters are the start of a title (at least
    :data:`MIN_PREFIX_CHARS`) is replaced by that title's code and the ``…``.
    """
    forms: dict[str, str] = {}
    ids: dict[str, str] = {}
    for title, code in codes.items():
        if ITEM_ID.fullmatch(title):
            ids[title] = code
        elif len(title) >= MIN_TITLE_CHARS:
            for form in _forms(title):
                forms.setdefault(form, code)
    page = re.sub(r"(?<![\d.,])\d{6,}(?![\d.,])",
                  lambda m: ids.get(m.group(0), _unknown_id(m.group(0))), page)
    if not forms:
        return page
    page = re.sub(_trie_pattern(forms), lambda m: forms[m.group(0)], page)

    prefixes: dict[str, str] = {}
    for form, code in forms.items():
        for end in range(MIN_PREFIX_CHARS, len(form)):
            prefixes.setdefault(form[:end], code)
    pieces, last = [], 0
    for match in re.finditer("…", page):
        lead = page[max(last, match.start() - 80): match.start()]
        lead = lead[max(lead.rfind("<"), lead.rfind(">")) + 1:]
        for offset in range(len(lead) - MIN_PREFIX_CHARS + 1):
            code = prefixes.get(lead[offset:])
            if code is not None:
                cut = match.start() - len(lead) + offset
                pieces += [page[last:cut], code]
                last = match.start()
                break
    return "".join(pieces) + page[last:]


# --- the page and the pack ----------------------------------------------------------------------


def mask_page(page: str, reference: Decimal | None, codes: dict[str, str]) -> str:
    """
    Turn a report page into its share copy.

    Parameters
    ----------
    page : str
        The report HTML.
    reference : Decimal or None
        The amount that reads 100 (元); None when the page shows no amount.
    codes : dict of str to str
        Item title or 商品ID → code.

    Returns
    -------
    str
        The page without charts, with titles as codes and amounts as indices, and a note
        under ``<body>`` saying so.
    """
    hidden = f'<p class="so-share-hidden" style="color:#656d76">{HIDDEN_CHART}</p>'
    parts = _RAW_BLOCK.split(_IMG.sub(hidden, page))
    for i in range(0, len(parts), 2):  # odd parts are <style>/<script> blocks: left as they are
        parts[i] = titles_to_codes(parts[i], codes)
        if reference is not None:
            parts[i] = money_to_index(parts[i], reference)
    page = "".join(parts)
    note = ("分享版：金额已换算为指数（本报告支付金额 = 100），"
            f"商品名称已换成代号（商品A、商品B…），{HIDDEN_CHART}。")
    banner = ('<div class="so-share-note" style="margin:8px 0;padding:6px 10px;'
              f'background:#fff8c5;border:1px solid #d4a72c;border-radius:4px">{note}</div>')
    match = _BODY.search(page)
    if match is None:
        return banner + page
    return page[: match.end()] + banner + page[match.end():]


def report_stems(store: str, day: date) -> list[str]:
    """Return the stems of the day's published report pages (not withheld, not the index)."""
    folder = paths.report_dir(store, day)
    if not folder.is_dir():
        return []
    return sorted(p.name[: -len(".html")] for p in folder.glob("*.html")
                  if not p.name.startswith(".") and not p.name.endswith(".withheld.html"))


def build_share(store: str, day: date, stems: list[str] | None = None) -> list[Path]:
    """
    Write the share copies of a store's reports of one day.

    Parameters
    ----------
    store : str
        Store id.
    day : date
        Report day.
    stems : list of str, optional
        Report stems (``daily_review``, ``period_review_week`` …); default every page of the
        day.

    Returns
    -------
    list of Path
        The pages written under ``reports/<store>/<day>/share/``.

    Raises
    ------
    NoDataError
        When the day has no report page to share.
    """
    wanted = report_stems(store, day) if stems is None else stems
    pages = [(s, paths.report_file(store, day, s, ".html")) for s in wanted]
    pages = [(s, p) for s, p in pages if p.exists()]
    if not pages:
        raise NoDataError(f"{store} 在 {day.isoformat()} 没有报告可分享：先运行 storeops run "
                          f"或 storeops batch")
    codes = item_codes(store, day)
    written = []
    for stem, source in pages:
        page = source.read_text("utf-8")
        reference = reference_amount(store, day, stem, page)
        masked = mask_page(page, reference, codes)
        target = share_dir(store, day) / f"{stem}.html"
        written.append(runner._atomic_write(target, masked))
        logger.info("share %s -> %s", source, target)
    return written
