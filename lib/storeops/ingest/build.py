"""Turn a detected raw table into canonical rows, and set aside the rows it must refuse.

Summary rows (汇总, 合计, 平均值 …) are dropped; each canonical column is read from the raw
headers its alias lists (first non-empty wins) and parsed on purpose; a row with an
untrustworthy value or without its key is refused with a reason, never guessed.
Personal data is used here and dropped: buyer nicknames (else receiver name + mobile) become
salted keys, addresses become province and city. A kind's ``sides`` hook sees the rows before
that, so the order report can fill ``buyer_contacts``, the one table that keeps them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import pandas as pd

from storeops.ingest import clean
from storeops.ingest.aliases import FileContext
from storeops.ingest.detect import Detected, data_frame

SUMMARY_LABELS = frozenset({
    "汇总", "合计", "总计", "平均值", "汇总值", "全店汇总值", "全店平均值", "同行同层优秀",
    "同行同层均值", "同行平均", "均值",
})

PARSERS = {
    "id": clean.parse_id,
    "money": clean.parse_money,
    "int": clean.parse_int,
    "float": clean.parse_float,
    "ratio": clean.parse_ratio,
    "datetime": clean.parse_datetime,
    "date": clean.parse_date,
}

REASONS = {
    "id": "编号被 Excel 改成了科学计数法（精度已丢失）",
    "money": "金额不是数字",
    "int": "数量不是整数",
    "float": "数值无法识别",
    "ratio": "比率无法识别（或不带 % 却大于 1）",
    "datetime": "时间无法识别",
    "date": "日期无法识别（或是一个日期区间：请按天导出）",
}


@dataclass(frozen=True, slots=True)
class Built:
    """Canonical rows ready to upsert, refused rows with their reasons, and file-level notes."""

    frame: pd.DataFrame
    rejects: pd.DataFrame
    summary_rows: int
    notes: tuple[str, ...] = ()
    side: dict[str, pd.DataFrame] = field(default_factory=dict)  # side tables, by table
    derived: dict[str, pd.DataFrame] = field(default_factory=dict)  # ``sides`` of one slice


def _bare_ratio_over_one(raw: pd.Series) -> bool:
    """Tell whether a ratio column has unsigned values above 1 (percent without the sign)."""
    bare = raw.notna() & ~raw.str.endswith("%").fillna(False)
    numbers = pd.to_numeric(raw.where(bare).str.replace(",", "", regex=False), errors="coerce")
    return bool((numbers > 1).any())


def _first_cells(body: pd.DataFrame) -> pd.Series:
    """Return the first non-empty cell text of each row ("" for a blank row)."""
    out = pd.Series("", index=body.index, dtype=object)
    pending = pd.Series(True, index=body.index)
    for col in body.columns:  # nearly always settled by the first column
        if not pending.any():
            break
        cell = body[col].astype("string").fillna("").str.strip()
        hit = pending & (cell != "")
        out = out.mask(hit, cell.astype(object))
        pending = pending & ~hit
    return out


CHUNK_ROWS = 100_000
"""Rows parsed at a time: big exports are cleaned in slices so memory stays bounded."""


def iter_canonical(found: Detected, *, salt: bytes,
                   options: dict[str, str] | None = None) -> Iterator[Built]:
    """
    Parse a detected table slice by slice (``CHUNK_ROWS`` rows), so memory stays bounded.

    A row key repeated in two slices is left to the upsert, where the later row wins, as
    within one slice.
    """
    body = data_frame(found)
    if len(body) <= CHUNK_ROWS or found.kind.whole_file:
        yield _with_sides(_to_canonical(found, body, 0, salt=salt, options=options))
        return
    merge = found.kind.side_merge
    starts = list(range(0, len(body), CHUNK_ROWS))
    pending: list[dict[str, pd.DataFrame]] = []
    for start in starts:
        piece = body.iloc[start:start + CHUNK_ROWS].reset_index(drop=True)
        part = _to_canonical(found, piece, start, salt=salt, options=options)
        if merge is None:
            yield _with_sides(part)  # each slice's side rows load with it (later ones win)
        elif start != starts[-1]:
            pending.append(part.derived)  # merged over the whole file with the last slice
            yield replace(part, derived={})
        else:
            yield _with_sides(part, pending, merge)


def _with_sides(part: Built, earlier: list[dict[str, pd.DataFrame]] = (),
                merge: Callable[[str, pd.DataFrame], pd.DataFrame] | None = None) -> Built:
    """Return ``part`` with its ``sides`` tables (merged with earlier slices') in ``side``."""
    slices = [*earlier, part.derived]
    merged: dict[str, pd.DataFrame] = {}
    for table in dict.fromkeys(t for d in slices for t in d):
        frames = [d[table] for d in slices if table in d]
        if len(frames) == 1:
            merged[table] = frames[0]
        else:
            frame = pd.concat(frames, ignore_index=True)
            merged[table] = frame if merge is None else merge(table, frame)
    return replace(part, side={**part.side, **merged}, derived={})


def to_canonical(found: Detected, *, salt: bytes,
                 options: dict[str, str] | None = None) -> Built:
    """
    Parse a detected table into the kind's canonical columns (all slices together).

    Returns
    -------
    Built
        ``frame``: canonical columns plus ``_source_row`` (1-based row in the file); money as
        exact decimal text. ``rejects``: the raw row texts, ``_source_row`` and ``reason``.
    """
    parts = list(iter_canonical(found, salt=salt, options=options))
    if len(parts) == 1:
        return parts[0]
    side: dict[str, pd.DataFrame] = {}
    for part in parts:
        for table, frame in part.side.items():
            side[table] = pd.concat([side[table], frame]) if table in side else frame
    frame = pd.concat([p.frame for p in parts], ignore_index=True)
    frame = frame.drop_duplicates(subset=list(found.kind.row_key), keep="last")
    return Built(frame.reset_index(drop=True),
                 pd.concat([p.rejects for p in parts], ignore_index=True),
                 sum(p.summary_rows for p in parts),
                 tuple(dict.fromkeys(n for p in parts for n in p.notes)), side)


def _to_canonical(found: Detected, body: pd.DataFrame, offset: int, *, salt: bytes,
                  options: dict[str, str] | None = None) -> Built:
    """
    Parse a detected table into the kind's canonical columns.

    Returns
    -------
    Built
        ``frame``: canonical columns plus ``_source_row`` (1-based row in the file); money as
        exact decimal text. ``rejects``: the raw row texts, ``_source_row`` and ``reason``.
    """
    kind = found.kind
    first = found.header_row + 2 + offset
    source_row = pd.Series(range(first, first + len(body)))
    labels = _first_cells(body)
    summary = labels.isin(SUMMARY_LABELS)
    kept = (labels != "") & (~summary | (kind.summaries is not None))
    body = body.loc[kept].reset_index(drop=True)
    source_row = source_row.loc[kept].reset_index(drop=True)
    is_summary = summary.loc[kept].reset_index(drop=True).astype(bool)
    row_label = labels.loc[kept].reset_index(drop=True)

    positions: dict[str, list[int]] = {}
    for canonical, spec in kind.fields.items():
        normalized = [clean.normalize_header(a) for a in spec.aliases]
        cols = [found.headers.index(a) for a in normalized if a in found.headers]
        if cols:
            positions[canonical] = cols

    out = pd.DataFrame(index=body.index)
    reasons = pd.Series("", index=body.index, dtype=object)
    notes: list[str] = []
    for canonical, cols in positions.items():
        spec = kind.fields[canonical]
        raw = clean.text(body[cols[0]])
        for extra in cols[1:]:
            raw = raw.fillna(clean.text(body[extra]))
        if spec.parse == "ratio" and _bare_ratio_over_one(raw):
            # §0.5: unsigned values above 1 mean the whole column is percent without the
            # sign, so even its values below 1 cannot be trusted: load the rows, not it.
            label = found.raw_headers[cols[0]].strip()
            notes.append(f"{label} 列的数值不带 % 且有大于 1 的值，无法判断单位，本文件不导入该列")
            out[canonical] = pd.Series(pd.NA, index=body.index, dtype="Float64")
            continue
        if spec.parse == "text":
            out[canonical] = raw
        elif spec.parse == "bool":
            out[canonical] = clean.parse_bool(raw)
        else:
            values, bad = PARSERS[spec.parse](raw)
            out[canonical] = values
            if bad.any():
                label = found.raw_headers[cols[0]].strip()
                note = bad.map({True: f"{label}={{}}：{REASONS[spec.parse]}；", False: ""})
                reasons = reasons + [n.format(v) if n else "" for n, v in
                                     zip(note, raw.fillna(""), strict=True)]

    ctx = FileContext(name=found.name, sheet=found.sheet.name, salt=salt,
                      options=dict(options or {}))
    parsed = out
    if kind.post is not None:
        out = kind.post(out, ctx)
        notes.extend(ctx.notes)
    side: dict[str, pd.DataFrame] = {}
    if kind.summaries is not None and is_summary.any():
        side = kind.summaries(
            out.loc[is_summary].assign(row_label=row_label[is_summary],
                                       _source_row=source_row[is_summary].astype("int64")),
            ctx)
    out, body, reasons = out.loc[~is_summary], body.loc[~is_summary], reasons.loc[~is_summary]
    source_row = source_row.loc[~is_summary]
    for key in kind.refuse_without:
        if key not in out:
            out[key] = pd.NA
        missing = out[key].isna()
        if missing.any():
            label = kind.fields[key].aliases[0] if key in kind.fields else key
            reasons = reasons + missing.map({True: f"缺少{label}；", False: ""})

    refused = reasons != ""
    rejects = body.loc[refused].rename(columns=lambda c: found.raw_headers[c].strip())
    rejects = rejects.assign(_source_row=source_row[refused], reason=reasons[refused])
    frame = out.loc[~refused].assign(_source_row=source_row[~refused].astype("int64"))
    derived: dict[str, pd.DataFrame] = {}
    if kind.sides is not None and not frame.empty:
        # the parsed rows plus what post derived from them (e.g. buyer keys, computed once)
        accepted = parsed.loc[frame.index].assign(
            **{c: frame[c] for c in frame.columns if c not in parsed})
        derived = kind.sides(accepted, ctx)
        notes.extend(n for n in ctx.notes if n not in notes)
    frame = frame.drop_duplicates(subset=list(kind.row_key), keep="last")
    return Built(frame.reset_index(drop=True), rejects.reset_index(drop=True),
                 int(summary.sum()), tuple(notes), side, derived)
