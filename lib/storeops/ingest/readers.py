"""Read a raw export into a grid of cell texts, whatever its real format.

The format is sniffed from the first bytes, never the extension (DATA_CONTRACT.md §0.1):
real BIFF ``.xls``, ``.xlsx``, an HTML table saved as ``.xls``, a ``.zip`` holding one CSV,
or CSV/TSV text (CRLF or LF) in UTF-16 with a BOM (LE or BE, as Excel's "Unicode text"
saves it), UTF-8 (with or without BOM) or GB18030. Every cell comes back as a string exactly
as shown (numbers from Excel without a spurious ``.0``), so the cleaners parse each column on
purpose and a 19-digit order number never passes through a float.

Malformed files are refused with one sentence (a ``FileFormatError``) before anything is
written: empty, binary, cut off mid-row, mixing two encodings, a cell beyond
``MAX_FIELD_CHARS``, or one known header written twice over different values. A file with
a header and no data rows is *not* malformed: it reads as a header alone and loads 0 rows
(an export of a day without orders is a fact worth recording). Formula-looking text
(``=HYPERLINK(…)``) is kept as inert text: nothing here evaluates a cell.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from storeops.errors import FileFormatError

logger = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 15

ARROW_TEXT = pd.StringDtype("pyarrow")
"""Cell texts of big CSVs live in Arrow buffers: a fraction of the memory of Python strings,
and vectorized string kernels for the cleaners."""

MAX_FIELD_CHARS = 16 * 1024 * 1024
"""Longest CSV cell read (16 Mi characters); a 1 MB 买家留言 reads, a runaway quote does not."""

_BOMS = (
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


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
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):].decode(encoding, errors="ignore").encode("utf-8")
            break
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<table", b"<!doctype html", b"<?xml", b"<meta")):
        return "html"
    return "text"


def _utf16_without_bom(data: bytes) -> str | None:
    """Return the UTF-16 name when every other byte of the head is NUL (BOM-less UTF-16)."""
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    # ASCII (digits, commas, dates) has a NUL high byte; CJK does not, so expect many, not all
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.02 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.02 * len(odd):
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes, error: UnicodeDecodeError) -> bool:
    """Tell whether text that failed UTF-8 is UTF-8 with a few foreign bytes pasted in."""
    sample = data[:1_000_000]
    decoded = sample.decode("utf-8", errors="replace")
    bad = decoded.count("\ufffd")
    wide = sum(1 for ch in decoded if ord(ch) > 0x7F) - bad
    return wide >= 20 and bad * 20 < wide


def decode(data: bytes, name: str) -> str:
    """
    Decode export text: UTF-16 with a BOM, else UTF-8 (BOM or not), else GB18030.

    Raises
    ------
    FileFormatError
        When nothing decodes (a binary file or another encoding), or when the text is
        UTF-8 with a few bytes of another encoding pasted in (GB18030 would turn the
        whole file into nonsense, so it is not guessed).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise FileFormatError(
                    f"{name}：文件开头标明是 UTF-16 编码，但内容在第 {exc.start} 字节处不是；"
                    "文件可能已损坏，请重新导出"
                ) from exc
    bomless = _utf16_without_bom(data)
    if bomless is not None:
        try:
            text = data.decode(bomless)
        except UnicodeDecodeError:
            text = ""
        head = text[:4096]
        if "\n" in head and ("," in head or "\t" in head) and not _looks_binary(head):
            return text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data, exc):
            line = data[: exc.start].count(b"\n") + 1
            raise FileFormatError(
                f"{name}：文件是 UTF-8 编码，但第 {line} 行混有其他编码（GBK 等）的文字，"
                "无法可靠读取；请从后台重新导出，或用同一种编码另存整个文件"
            ) from exc
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{name}：既不是 UTF-8 也不是 GBK/GB18030 编码的文本，无法读取；"
            "请从后台重新下载原始文件（不要用其他软件另存）"
        ) from exc


TRANSCODE_CHUNK = 8 << 20
"""Bytes decoded at a time when turning a big GB18030 export into UTF-8."""


def _transcode(data: bytes | memoryview, encoding: str) -> bytearray:
    """Decode ``data`` and re-encode it as UTF-8 slice by slice (never one huge str)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    out = bytearray()
    for start in range(0, len(data), TRANSCODE_CHUNK):
        piece = data[start:start + TRANSCODE_CHUNK]
        out += decoder.decode(piece, final=start + TRANSCODE_CHUNK >= len(data)).encode()
    out += decoder.decode(b"", final=True).encode()
    return out


def to_utf8(data: bytes, name: str) -> bytes | bytearray:
    """
    Return export text as UTF-8 bytes, with the same encoding rules as :func:`decode`.

    Big files are transcoded in slices: a million-row GB18030 export never exists as one
    Python string (which would take as much memory again as the file).
    """
    if any(data.startswith(bom) for bom, _ in _BOMS) or _utf16_without_bom(data):
        return decode(data, name).encode()
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        _transcode_check(memoryview(data)[3 if bom else 0:])
        return data[3:] if bom else data
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data, exc):
            decode(data, name)  # raises the sentence about pasted foreign bytes
    try:
        return _transcode(data, "gb18030")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{name}：既不是 UTF-8 也不是 GBK/GB18030 编码的文本，无法读取；"
            "请从后台重新下载原始文件（不要用其他软件另存）"
        ) from exc


def _transcode_check(view: memoryview) -> None:
    """Raise UnicodeDecodeError unless ``view`` is valid UTF-8 (checked slice by slice)."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    for start in range(0, len(view), TRANSCODE_CHUNK):
        decoder.decode(view[start:start + TRANSCODE_CHUNK],
                       final=start + TRANSCODE_CHUNK >= len(view))
    decoder.decode(b"", final=True)


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


def _looks_binary(text: str) -> bool:
    """Tell whether decoded text is really binary: NULs or many control characters."""
    head = text[:4096]
    if "\x00" in head:
        return True
    controls = sum(1 for ch in head
                   if ch not in "\t\r\n\f\v" and unicodedata.category(ch) in ("Cc", "Co", "Cn"))
    return controls > max(8, len(head) // 50)


def _csv_rows(text: str, name: str, delimiter: str) -> list[list[str]]:
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FileFormatError(
                f"{name}：有一个单元格超过 {MAX_FIELD_CHARS // (1024 * 1024)}M 字符，"
                "多半是某个引号没有闭合；请检查该文件或重新下载"
            ) from exc
        raise FileFormatError(f"{name}：CSV 格式错误（{exc}）；请重新下载") from exc
    finally:
        csv.field_size_limit(limit)


def _text_grid(rows: list[list[str]]) -> pd.DataFrame:
    """Cells of a CSV are already text: pad ragged rows and frame them without conversion."""
    width = max((len(r) for r in rows), default=0)
    if all(len(r) == width for r in rows):
        return pd.DataFrame(rows, columns=range(width), dtype=object)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], columns=range(width),
                        dtype=object)


def _fast_frame(utf8: bytes | bytearray, head_text: str, delimiter: str) -> pd.DataFrame | None:
    """
    Parse CSV text with pandas' C parser, every cell as text; None when it cannot.

    Much faster and leaner than the csv module on big exports (repeated values such as
    statuses share one string object). The width is taken from the first rows; a later,
    wider row, or anything else the C parser refuses, returns None and the caller falls
    back to the csv module, which reads every layout (and names a runaway quote).
    """
    head = head_text.splitlines()[: HEADER_SCAN_ROWS + 50]
    try:
        width = max((len(r) for r in csv.reader(head, delimiter=delimiter)), default=0)
        if width == 0:
            return None
        frame = _arrow_frame(utf8, delimiter, width)
        if frame is None:
            frame = pd.read_csv(
                io.BytesIO(bytes(utf8)), encoding="utf-8", sep=delimiter, header=None,
                names=range(width), dtype=ARROW_TEXT,
                na_filter=False, keep_default_na=False, skip_blank_lines=False, engine="c",
                quotechar='"', doublequote=True, skipinitialspace=False,
            )
    except (pd.errors.ParserError, ValueError, csv.Error):
        return None
    if frame.isna().to_numpy().any():
        frame = frame.fillna("")
    return frame


def _arrow_frame(utf8: bytes | bytearray, delimiter: str, width: int) -> pd.DataFrame | None:
    """
    Parse a rectangular CSV with Arrow's reader straight into Arrow string columns.

    No Python string is made per cell, so a million-row export stays within a few hundred
    megabytes. Files whose rows differ in width (banner rows above the header) return None.
    """
    names = [f"c{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(utf8)),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=16 << 20),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char='"',
                                              double_quote=True, newlines_in_values=True,
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    # ArrowDtype wraps the parsed buffers as they are (no copy); self_destruct frees the
    # table's own references column by column.
    frame = table.to_pandas(types_mapper=pd.ArrowDtype, self_destruct=True)
    return frame.set_axis(range(width), axis=1)


def _last_rows_widths(text: str, delimiter: str, n: int = 6) -> list[int]:
    """Return the field counts of the last ``n`` lines (for the truncated-file check)."""
    tail = text[-65_536:].splitlines()[-n:]
    try:
        return [len(r) for r in csv.reader(tail, delimiter=delimiter)]
    except csv.Error:  # a huge last cell: not a cut-off row
        return []


def _text_frame(utf8: bytes | bytearray, head: str, tail: str, name: str, delimiter: str
                ) -> pd.DataFrame:
    frame = _fast_frame(utf8, head, delimiter)
    if frame is None:
        text = bytes(utf8).decode("utf-8")
        rows = _csv_rows(text, name, delimiter)
        del text
        while rows and not any(cell.strip() for cell in rows[-1]):
            rows.pop()
        widths = [len(r) for r in rows[-6:]]
        frame = _text_grid(rows)
    else:
        end = len(frame)
        while end and not any(str(v).strip() for v in frame.iloc[end - 1].tolist()):
            end -= 1
        frame = frame.iloc[:end] if end < len(frame) else frame
        widths = _last_rows_widths(tail.rstrip("\r\n \t"), delimiter) if end else []
    cut = not tail.endswith(("\n", "\r"))
    if cut and len(frame) > 1 and len(widths) > 1 and widths[-1] < max(widths[:-1]):
        raise FileFormatError(
            f"{name}：文件在第 {len(frame)} 行中途结束，像是没有下载或复制完整；"
            "请重新下载后再导入（本文件未导入任何行）"
        )
    return frame


def _read_text(holder: list[bytes], name: str) -> list[Sheet]:
    utf8 = to_utf8(holder[0], name)
    holder.clear()  # the raw bytes are not needed once transcoded
    head = bytes(utf8[:262_144]).decode("utf-8", errors="ignore")
    tail = bytes(utf8[-65_536:]).decode("utf-8", errors="ignore")
    if not head.strip():
        raise FileFormatError(f"{name}：文件是空的；请重新下载")
    if _looks_binary(head):
        raise FileFormatError(f"{name}：不是文本表格（含二进制内容）；请确认下载的是导出文件")
    delimiter = _sniff_delimiter(head[:65536].splitlines()[:HEADER_SCAN_ROWS])
    return [Sheet("csv", _text_frame(utf8, head, tail, name, delimiter))]


def _known_headers() -> frozenset[str]:
    from storeops.ingest.aliases import kinds

    return frozenset(h for k in kinds() for h, canonical in k.lookup.items() if canonical)


def _check_duplicate_headers(sheet: Sheet, name: str) -> None:
    """
    Refuse a sheet whose header names one known column twice over different values.

    Which of the two would win is a guess, so it is not made. Two identical columns (a
    column exported twice) are harmless and read as one. Only header-like rows of the scan
    window are looked at, and only cells that are known export headers, so a data row
    holding the same value twice is never taken for a header.
    """
    from storeops.ingest.clean import normalize_header

    known = _known_headers()
    top = sheet.rows.head(HEADER_SCAN_ROWS)
    for r in range(len(top)):
        cells = [normalize_header(v) for v in top.iloc[r].tolist()]
        seen: dict[str, int] = {}
        for c, cell in enumerate(cells):
            if cell not in known:
                continue
            if cell in seen:
                below = sheet.rows.iloc[r + 1:]
                if not below[seen[cell]].equals(below[c]):
                    raw = str(top.iloc[r, c]).strip()
                    raise FileFormatError(
                        f"{name}：表头「{raw}」出现了两次（第 {seen[cell] + 1} 列和第 {c + 1} 列）"
                        "且内容不同，无法判断该用哪一列；请删除或改名其中一列后再导入"
                    )
            else:
                seen[cell] = c


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


def read_bytes(data: bytes | list[bytes], name: str) -> list[Sheet]:
    """
    Read a file's bytes into sheets of cell texts (see module docstring).

    ``data`` may be a one-item list holding the bytes: the reader then empties it as soon
    as the text is transcoded, so a big export's raw bytes do not stay in memory while it
    is parsed.
    """
    holder = data if isinstance(data, list) else [data]
    first = holder[0]
    if not first or first.isspace():
        raise FileFormatError(f"{name}：文件是空的；请重新下载")
    kind = sniff(first[:512])
    del first
    if kind == "zip":
        sheets = _read_zip(holder.pop(), name)
    elif kind == "xls":
        sheets = _read_excel(holder.pop(), name)
    elif kind == "html":
        sheets = _read_html(holder.pop(), name)
    else:
        sheets = _read_text(holder, name)
    for sheet in sheets:
        _check_duplicate_headers(sheet, name)
    return sheets


def read_file(path: Path) -> list[Sheet]:
    """Read a raw export from disk (opened read-only; raw files are never modified)."""
    return read_bytes(path.read_bytes(), path.name)
