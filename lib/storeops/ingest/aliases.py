"""Raw export headers -> canonical columns, per export kind (DATA_CONTRACT.md §9).

Each kind lists its canonical columns with the parser to apply and the raw header names
seen in real exports, in priority order (when a file has two of them, the first non-empty
one wins: ``修改后的收货地址`` before ``收货地址``). Headers are compared after
``clean.normalize_header`` (trimmed, half-width brackets, no internal spaces).
``ignored`` lists headers we know and deliberately do not load, so that every other
header is reported as unknown in the manifest — that is how a renamed column gets noticed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from storeops.ingest.clean import normalize_header


@dataclass(frozen=True, slots=True)
class Field:
    """One canonical column: its parser and the raw headers it is read from."""

    parse: str  # id | text | money | int | float | ratio | datetime | date | bool
    aliases: tuple[str, ...]
    pii: bool = False  # personal data: used at ingest (keys, region), dropped before the
    # kind's table; only a ``sides`` table may keep it (buyer_contacts, §11)


@dataclass(frozen=True, slots=True)
class FileContext:
    """What a kind's post-processing may know about the file besides its rows."""

    name: str  # file name (dates, windows and devices are sometimes only there)
    sheet: str  # sheet name (生意参谋 names the device: 无线流量来源 / PC流量来源)
    salt: bytes  # the store's secret for buyer keys
    options: dict[str, str] = field(default_factory=dict)  # operator-given (e.g. window)
    notes: list[str] = field(default_factory=list)  # post hooks add file-level warnings here


PostProcess = Callable[[pd.DataFrame, FileContext], pd.DataFrame]


@dataclass(frozen=True, slots=True)
class KindSpec:
    """How to recognize one export kind and which canonical table it feeds."""

    name: str
    table: str
    label: str
    fields: dict[str, Field]
    required: tuple[str, ...]  # canonical columns that must be present (detection anchors)
    row_key: tuple[str, ...]  # identifies a row within one file (duplicates: last wins)
    alternatives: tuple[tuple[str, ...], ...] = ()  # other anchor sets that also identify it
    forbidden: tuple[str, ...] = ()  # raw headers that mean "another kind"
    ignored: tuple[str, ...] = ()
    row_required: tuple[str, ...] = ()  # canonical columns a row is refused without
    post: PostProcess | None = None  # derive columns after parsing (keys, hashes, regions)
    # Rows of this block, given the raw rows below its header (default: all of them). A
    # kind whose block ends early (e.g. at a blank row) lets a second header follow in
    # the same sheet, as in the two-block DSR export.
    block_rows: Callable[[pd.DataFrame], int] | None = None
    # Summary rows (汇总, 全店平均值, 同行同层均值 …), parsed like data rows with their label in
    # ``row_label``, go to side tables instead of being dropped: table -> frame.
    summaries: Callable[[pd.DataFrame, FileContext], dict[str, pd.DataFrame]] | None = None
    # Side tables derived from the accepted data rows, as parsed before ``post`` (so personal
    # columns are still there): table -> frame, loaded in the same transaction as the rows.
    sides: Callable[[pd.DataFrame, FileContext], dict[str, pd.DataFrame]] | None = None
    # How the side frames of a file parsed in several slices are merged (table, concatenated
    # frames -> rows to load); by default every row is loaded and a later one wins.
    side_merge: Callable[[str, pd.DataFrame], pd.DataFrame] | None = None
    checks: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # pandera Checks
    whole_file: bool = False  # post needs every row at once (e.g. numbering lines per order)
    lookup: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for canonical, spec in self.fields.items():
            for raw in spec.aliases:
                self.lookup.setdefault(normalize_header(raw), canonical)
        for raw in self.ignored:
            self.lookup.setdefault(normalize_header(raw), "")

    @property
    def forbidden_headers(self) -> frozenset[str]:
        """Normalized headers whose presence rules this kind out."""
        return frozenset(normalize_header(h) for h in self.forbidden)

    @property
    def refuse_without(self) -> tuple[str, ...]:
        """Canonical columns a row cannot be loaded without (its key by default)."""
        return self.row_required or self.row_key


def with_mapping(kind: KindSpec, mapping: dict[str, str]) -> KindSpec:
    """
    Return ``kind`` with extra raw headers (``--map 源列=canonical``) as first-priority aliases.

    Raises
    ------
    KeyError
        When a target is not a canonical column of the kind.
    """
    fields = dict(kind.fields)
    for raw, canonical in mapping.items():
        if canonical not in fields:
            raise KeyError(canonical)
        spec = fields[canonical]
        fields[canonical] = Field(spec.parse, (raw, *spec.aliases), spec.pii)
    return replace(kind, fields=fields, lookup={})


def kinds() -> tuple[KindSpec, ...]:
    """Return every export kind storeops can load, in detection order."""
    from storeops.ingest.kinds import KINDS

    return KINDS


def __getattr__(name: str) -> object:
    if name == "KINDS":
        return kinds()
    raise AttributeError(name)


