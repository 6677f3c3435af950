"""Tell which export a file is by its header signature, never by its file name.

The header may sit below banner rows: the first ``HEADER_SCAN_ROWS`` rows are scanned and
the first row holding every anchor column of a kind is the header (DATA_CONTRACT.md §0.3).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from storeops.errors import UnknownExportError
from storeops.ingest.aliases import KindSpec, kinds
from storeops.ingest.clean import normalize_header
from storeops.ingest.readers import HEADER_SCAN_ROWS, Sheet


@dataclass(frozen=True, slots=True)
class Detected:
    """A recognized table: its kind, the header row index and the raw/normalized headers."""

    kind: KindSpec
    name: str  # file name
    sheet: Sheet
    header_row: int
    raw_headers: tuple[str, ...]
    headers: tuple[str, ...]  # normalized
    n_rows: int | None = None  # rows of the block below the header (None: to the end)

    @property
    def unknown_columns(self) -> list[str]:
        """Raw headers this kind neither loads nor knowingly ignores."""
        return [r for r, h in zip(self.raw_headers, self.headers, strict=True)
                if h and h not in self.kind.lookup]


def match_kind(headers: list[str], candidates: tuple[KindSpec, ...] | None = None
               ) -> KindSpec | None:
    """
    Return the kind whose anchors are all present in normalized ``headers``, or None.

    When several kinds match, the one recognizing the most columns wins.
    """
    present = set(headers)
    best: tuple[int, KindSpec] | None = None
    for kind in candidates or kinds():
        canon = {kind.lookup.get(h) for h in present} - {None, ""}
        if not any(set(anchors) <= canon for anchors in (kind.required, *kind.alternatives)):
            continue
        if present & kind.forbidden_headers:
            continue
        score = sum(1 for h in present if h in kind.lookup)
        if best is None or score > best[0]:
            best = (score, kind)
    return best[1] if best else None


def detect_all(sheets: list[Sheet], name: str, *, kind: KindSpec | None = None
               ) -> list[Detected]:
    """
    Find every table of a known kind in a file: each sheet, and each block of a sheet.

    A header is searched in the first ``HEADER_SCAN_ROWS`` rows of each sheet, and again
    below a block whose kind ends it early (``KindSpec.block_rows``). ``kind`` forces one
    kind (``storeops ingest --kind``) when detection cannot work.

    Raises
    ------
    UnknownExportError
        With the header seen and the known kinds, when nothing matches.
    """
    candidates = (kind,) if kind is not None else None
    found: list[Detected] = []
    for sheet in sheets:
        start = 0
        while start < len(sheet.rows):
            hit = _find_header(sheet, start, name, candidates)
            if hit is None:
                break
            below = sheet.rows.iloc[hit.header_row + 1:, : len(hit.headers)]
            if hit.kind.block_rows is None:
                found.append(hit)
                break
            n = hit.kind.block_rows(below.reset_index(drop=True))
            found.append(replace(hit, n_rows=n))
            start = hit.header_row + 1 + n
    if found:
        return found
    first = _first_nonempty_row(sheets)
    known = "、".join(k.label for k in (candidates or kinds()))
    raise UnknownExportError(
        f"{name}：无法判断这是哪种导出文件；它的表头是 {first}；"
        f"目前能识别的有：{known}。请确认文件来自这些报表，或把表头发给维护者添加别名"
        "（也可以用 --kind 指定种类、--map 源列=目标列 对应列名）"
    )


def _find_header(sheet: Sheet, start: int, name: str,
                 candidates: tuple[KindSpec, ...] | None) -> Detected | None:
    top = sheet.rows.iloc[start:start + HEADER_SCAN_ROWS]
    for offset in range(len(top)):
        raw = [str(v) for v in top.iloc[offset].tolist()]
        while raw and not raw[-1].strip():
            raw.pop()
        headers = [normalize_header(v) for v in raw]
        kind = match_kind(headers, candidates)
        if kind is not None:
            return Detected(kind, name, sheet, start + offset, tuple(raw), tuple(headers))
    return None


def detect(sheets: list[Sheet], name: str) -> Detected:
    """Return the first table of a known kind in a file (see ``detect_all``)."""
    return detect_all(sheets, name)[0]


def _first_nonempty_row(sheets: list[Sheet]) -> str:
    for sheet in sheets:
        for _, row in sheet.rows.head(HEADER_SCAN_ROWS).iterrows():
            cells = [str(v).strip() for v in row.tolist() if str(v).strip()]
            if len(cells) > 1:
                shown = "、".join(cells[:12]) + ("…" if len(cells) > 12 else "")
                return f"「{shown}」"
    return "（空）"


def data_frame(found: Detected) -> pd.DataFrame:
    """Return the rows below the header, columns named by their position in the header."""
    stop = None if found.n_rows is None else found.header_row + 1 + found.n_rows
    rows = found.sheet.rows
    columns = [c for c in rows.columns if c < len(found.headers)]  # a trimmed sheet keeps labels
    body = rows.iloc[found.header_row + 1 : stop].loc[:, columns]
    return body.reset_index(drop=True)
