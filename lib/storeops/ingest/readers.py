"""Read a raw export into a grid of cell texts, whatever its real format.

The format is sniffed from the first bytes, never the extension (DATA_CONTRACT.md §0.1):
real BIFF ``.xls``, ``.xlsx``, an HTML table saved as ``.xls``, a ``.zip`` holding one CSV,
or CSV/TSV text in UTF-8 (with or without BOM) or GB18030. Every cell comes back as a
string exactly as shown (numbers from Excel without a spurious ``.0``), so the cleaners
parse each column on purpose and a 19-digit order number never passes through a float.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from storeops.errors import FileFormatError

logger = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 15


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table of cell texts: ``rows`` holds every row, header included, as read."""

    name: str
    rows: pd.DataFrame  # columns 0..n-1, values str ("" for empty cells)


def sniff(head: bytes) -> str:
    """Return the real format of a file from its first bytes: xls, xlsx, zip, html or text."""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<table", b"<!doctype html", b"<?xml", b"<meta")):
        return "html"
    return "text"


def decode(data: bytes, name: str) -> str:
    """
    Decode export text: UTF-8 (BOM or not) in strict mode, else GB18030 (superset of GBK).

    Raises
    ------
    FileFormatError
        When neither decodes (a binary file or another encoding).
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{name}：既不是 UTF-8 也不是 GBK/GB18030 编码的文本，无法读取；"
            "请从后台重新下载原始文件（不要用其他软件另存）"
        ) from exc


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        # Past 2**53 a float cannot hold every integer: an order number stored as a number
        # has lost digits. Show it in exponent form so the id parser refuses it.
        return f"{value:.15e}" if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    return str(value)


def _grid(rows: list[list[object]]) -> pd.DataFrame:
    width = max((len(r) for r in rows), default=0)
    texts = [[_cell_text(v) for v in r] + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(texts, columns=range(width), dtype=object)


def _read_excel(data: bytes, name: str) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [
            Sheet(sheet, _grid(book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)))
            for sheet in book.sheet_names
        ]
    except Exception as exc:
        raise FileFormatError(
            f"{name}：Excel 文件无法打开（{type(exc).__name__}），可能没下载完整或已损坏；"
            "请重新下载后再导入"
        ) from exc


class _TableParser(HTMLParser):
    """Collect every ``<table>`` as rows of cell texts, exactly as shown (no number parsing)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._colspan = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._colspan = int(span) if span.isdigit() else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = " ".join("".join(self._cell).split())
            self._row.extend([text] + [""] * (self._colspan - 1))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self.tables:
                self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _read_html(data: bytes, name: str) -> list[Sheet]:
    parser = _TableParser()
    parser.feed(decode(data, name))
    parser.close()
    tables = [t for t in parser.tables if t]
    if not tables:
        raise FileFormatError(f"{name}：是网页格式但里面没有表格；请重新下载")
    return [Sheet(f"table{i + 1}", _grid(t)) for i, t in enumerate(tables)]


def _sniff_delimiter(lines: list[str]) -> str:
    sample = "\n".join(lines[:HEADER_SCAN_ROWS])
    return "\t" if sample.count("\t") > sample.count(",") else ","


def _read_text(data: bytes, name: str) -> list[Sheet]:
    text = decode(data, name)
    if "\x00" in text[:4096]:
        raise FileFormatError(f"{name}：不是文本表格（含二进制内容）；请确认下载的是导出文件")
    delimiter = _sniff_delimiter(text.splitlines()[:HEADER_SCAN_ROWS])
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise FileFormatError(f"{name}：CSV 格式错误（{exc}）；请重新下载") from exc
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if rows and not text.endswith(("\n", "\r")) and len(rows) > 1:
        widths = sorted({len(r) for r in rows[-6:-1]})
        if widths and len(rows[-1]) < widths[-1]:
            raise FileFormatError(
                f"{name}：文件在第 {len(rows)} 行中途结束，像是没有下载或复制完整；"
                "请重新下载后再导入（本文件未导入任何行）"
            )
    return [Sheet("csv", _grid(rows))]


def _read_zip(data: bytes, name: str) -> list[Sheet]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.namelist() if not m.endswith("/")]
    except zipfile.BadZipFile as exc:
        raise FileFormatError(f"{name}：压缩文件损坏；请重新下载") from exc
    if "[Content_Types].xml" in members:
        return _read_excel(data, name)
    if len(members) != 1:
        raise FileFormatError(
            f"{name}：压缩包里有 {len(members)} 个文件；请解压后把每个导出文件分别放入"
        )
    inner = archive.read(members[0])
    return read_bytes(inner, f"{name}!{members[0]}")


def read_bytes(data: bytes, name: str) -> list[Sheet]:
    """Read a file's bytes into sheets of cell texts (see module docstring)."""
    if not data.strip():
        raise FileFormatError(f"{name}：文件是空的；请重新下载")
    kind = sniff(data[:512])
    if kind == "xls":
        return _read_excel(data, name)
    if kind == "zip":
        return _read_zip(data, name)
    if kind == "html":
        return _read_html(data, name)
    return _read_text(data, name)


def read_file(path: Path) -> list[Sheet]:
    """Read a raw export from disk (opened read-only; raw files are never modified)."""
    return read_bytes(path.read_bytes(), path.name)
