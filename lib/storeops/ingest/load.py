"""Load a store's raw exports into its warehouse: one file, one transaction, one manifest row.

A file already in the manifest (same sha256) is skipped at once. A file that cannot be read
or recognized is quarantined with one sentence saying what to do, and the warehouse is left
as it was. Refused rows are written to ``rejects/`` with their reasons. Files are loaded in
export-time order, so a later export of the same order wins (statuses change).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from storeops import paths, warehouse
from storeops.config import check_store_id
from storeops.errors import ConfigError, IngestError, WarehouseBusyError, WarehouseError
from storeops.ingest.aliases import KindSpec, kinds, with_mapping
from storeops.ingest.build import CHUNK_ROWS, iter_canonical
from storeops.ingest.detect import Detected, detect_all
from storeops.ingest.readers import Sheet, read_bytes
from storeops.ingest.schemas import validate
from storeops.report.tables import inert_cell
from storeops.timeutil import SHANGHAI

logger = logging.getLogger(__name__)

SKIP_NAMES = re.compile(r"^(\.|~\$)|\.(tmp|part|crdownload|download|md|txt|toml)$", re.I)


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one file."""

    path: Path
    status: str  # loaded | skipped | quarantined | checked (dry run)
    kind: str | None = None
    rows_kept: int = 0
    rows_refused: int = 0
    message: str | None = None
    unknown_columns: list[str] = field(default_factory=list)
    notes: tuple[str, ...] = ()  # warnings: columns not loaded, probably truncated exports
    summary_rows: int = 0  # 汇总/平均值/同行… rows dropped or sent to side tables


def discover(store: str) -> list[Path]:
    """Return every export file under ``data/raw/<store>/`` (any sub-folder), oldest first."""
    root = paths.raw_dir(store)
    if not root.is_dir():
        return []
    files = [p for p in root.rglob("*") if p.is_file() and not SKIP_NAMES.search(p.name)
             and not any(part.startswith(".") for part in p.relative_to(root).parts)]
    return sorted(files, key=export_sort_key)


_STAMP = re.compile(r"(20\d{10}(?:\d{2})?)")
_RANGE = re.compile(r"(20\d\d-\d\d-\d\d)[_~至-]+(20\d\d-\d\d-\d\d)")
_DAY = re.compile(r"(20\d\d-\d\d-\d\d)")


def export_sort_key(path: Path) -> tuple[str, str]:
    """Order files by the export time in their name (else their day or range end, else mtime)."""
    name = path.name
    stamp = _STAMP.search(name)
    if stamp:
        return (stamp.group(1).ljust(14, "0"), str(path))
    span = _RANGE.search(name) or _DAY.search(name)
    if span:
        return (span.group(span.lastindex or 1).replace("-", "") + "235959", str(path))
    mtime = datetime.fromtimestamp(path.stat().st_mtime, SHANGHAI)
    return (mtime.strftime("%Y%m%d%H%M%S"), str(path))


@contextmanager
def store_lock(store: str) -> Iterator[None]:
    """Hold the store's ingest lock; raise WarehouseBusyError when another ingest holds it."""
    lock = paths.lock_file(store)
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise WarehouseBusyError(
                f"店铺 '{store}' 正在被另一个导入进程写入：等它结束后再运行"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def store_salt(store: str) -> bytes:
    """Return the store's secret for buyer keys, creating it on first use."""
    path = paths.salt_file(store)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_hex(32), "ascii")
        tmp.chmod(0o600)
        tmp.replace(path)
    return bytes.fromhex(path.read_text("ascii").strip())


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, "utf-8")
    tmp.replace(path)


def _quarantine(store: str, path: Path, sha: str, message: str) -> None:
    note = paths.quarantine_dir(store) / f"{path.name}.{sha[:8]}.txt"
    _atomic_write_text(note, f"{path}\n{message}\n")


def _write_rejects(store: str, path: Path, sha: str, rejects: pd.DataFrame) -> Path:
    target = paths.rejects_dir(store) / f"{path.name}.{sha[:8]}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    # the operator opens this in a spreadsheet: export text must not run as a formula
    safe = rejects.astype(object).map(lambda v: inert_cell(v) if isinstance(v, str) else v)
    safe.to_csv(tmp, index=False, encoding="utf-8-sig")
    tmp.replace(target)
    return target


ROUND_COUNTS = frozenset({1_000, 2_000, 5_000, 10_000, 50_000, 100_000})
"""Row counts at which a back-end probably capped the download (caps unconfirmed, §0.7)."""


def resolve_kind(name: str | None, mapping: dict[str, str] | None = None) -> KindSpec | None:
    """
    Return the export kind forced by ``--kind`` (with ``--map`` aliases), or None.

    Raises
    ------
    ConfigError
        Unknown kind, or a ``--map`` target that is not a column of that kind.
    """
    if name is None:
        if mapping:
            raise ConfigError("--map 需要和 --kind 一起使用：先指定文件是哪种报表")
        return None
    by_name = {k.name: k for k in kinds()}
    if name not in by_name:
        raise ConfigError(f"没有报表种类 '{name}'；可用的有：{', '.join(sorted(by_name))}")
    kind = by_name[name]
    try:
        return with_mapping(kind, mapping or {})
    except KeyError as exc:
        raise ConfigError(
            f"--map 的目标列 {exc.args[0]!r} 不是 {name} 的列；可用的有："
            f"{', '.join(kind.fields)}"
        ) from exc


def ingest(
    store: str,
    files: list[Path] | None = None,
    *,
    kind: str | None = None,
    mapping: dict[str, str] | None = None,
    options: dict[str, str] | None = None,
    dry_run: bool = False,
) -> list[FileResult]:
    """
    Load new raw exports of one store into its warehouse.

    Parameters
    ----------
    store : str
        Store id; raw files are read from ``data/raw/<store>/`` unless ``files`` is given.
    files : list of Path, optional
        Specific files (or folders) to load.
    kind : str, optional
        Force this export kind instead of detecting it (``--kind``).
    mapping : dict, optional
        Extra header names for the forced kind: raw header -> canonical column (``--map``).
    options : dict, optional
        Facts the files do not carry, e.g. ``{"window": "15"}`` (ad attribution days).
    dry_run : bool
        Read, detect, parse and validate, then roll back: nothing is written anywhere.

    Returns
    -------
    list of FileResult
        One per file, in the order loaded.
    """
    check_store_id(store)
    forced = resolve_kind(kind, mapping)
    targets = _expand(files) if files else discover(store)
    results: list[FileResult] = []
    with store_lock(store):
        salt = store_salt(store)
        _clear_staging(store)
        con = warehouse.connect(store, read_only=False)
        try:
            for path in targets:
                results.append(_ingest_file(con, store, path, salt, forced=forced,
                                            options=options or {}, dry_run=dry_run))
        finally:
            con.close()
    return results


def _expand(files: list[Path]) -> list[Path]:
    out: list[Path] = []
    for f in files:
        p = Path(f)
        if p.is_dir():
            out.extend(q for q in p.rglob("*") if q.is_file() and not SKIP_NAMES.search(q.name))
        else:
            out.append(p)
    return sorted(out, key=export_sort_key)


@dataclass(slots=True)
class _Tally:
    """What loading one file did, added up over its blocks and slices."""

    kinds: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rejects: list[pd.DataFrame] = field(default_factory=list)
    read: int = 0
    kept: int = 0
    summary: int = 0

    @property
    def refused(self) -> int:
        """Rows refused, over every block."""
        return sum(len(r) for r in self.rejects)


def _detect(holder: list[bytes], path: Path, forced: KindSpec | None) -> list[Detected]:
    """Read a file's bytes (emptying ``holder``) and return its detected blocks, trimmed."""
    return [_trim(found) for found in
            detect_all(read_bytes(holder, path.name), path.name, kind=forced)]


Sink = Callable[[str, pd.DataFrame], object]
"""Where canonical rows go: ``sink(table, frame)``."""


def _load_blocks(blocks: list[Detected], sink: Sink, salt: bytes, options: dict[str, str],
                 lineage: dict[str, object]) -> _Tally:
    """Parse every block of a file and hand it to ``sink`` slice by slice."""
    tally = _Tally()
    while blocks:
        found = blocks.pop(0)
        kind = found.kind
        tally.kinds.append(kind.name)
        tally.tables.append(kind.table)
        tally.unknown.extend(found.unknown_columns)
        read = 0
        for part in iter_canonical(found, salt=salt, options=options):
            frame, refused = validate(kind.name, part.frame)
            sink(kind.table, frame.assign(**lineage))
            for table, side in part.side.items():
                sink(table, side.assign(**lineage))
            read += len(part.frame) + len(part.rejects)
            tally.kept += len(frame)
            tally.summary += part.summary_rows
            tally.notes.extend(part.notes)
            tally.rejects.extend(r for r in (part.rejects, refused) if len(r))
        tally.read += read
        if read in ROUND_COUNTS:
            tally.notes.append(f"{kind.label} 正好 {read:,} 行：导出可能被后台截断，"
                               "请按更短的日期范围分批导出")
    for attr in ("kinds", "tables", "unknown", "notes"):
        setattr(tally, attr, list(dict.fromkeys(getattr(tally, attr))))
    return tally


STAGE_ROWS = CHUNK_ROWS
"""Files with a block longer than this are staged on disk before the one merge transaction."""


STAGE_MEMORY = "256MB"
"""DuckDB memory limit of a scratch database (it only appends and reads once)."""


class _Stage:
    """
    A scratch DuckDB file that holds a big file's canonical rows before they are merged.

    Appending a million rows inside one open warehouse transaction keeps every slice's
    buffers alive until the commit (well over the memory budget). Staged slices are
    committed one by one to this scratch file instead; the warehouse then takes them all in
    one short transaction (:meth:`merge`), so it is still unchanged or fully updated. The
    scratch file is deleted afterwards, and any left by a crash at the next ingest.
    """

    def __init__(self, store: str, sha: str, main: duckdb.DuckDBPyConnection) -> None:
        self.path = staging_dir(store) / f"{sha[:16]}.duckdb"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _remove_db(self.path)
        self.main = main
        # written blocks are on disk: the scratch database need not keep them cached
        self.con = duckdb.connect(str(self.path), config={"memory_limit": STAGE_MEMORY})
        self.parts: dict[tuple[str, tuple[str, ...]], str] = {}  # (table, columns) -> name
        self.seq = 0

    def put(self, table: str, frame: pd.DataFrame) -> None:
        """Append rows (committed at once), numbered so that later rows win duplicates."""
        if frame.empty:
            return
        columns = tuple(frame.columns)
        name = self.parts.get((table, columns))
        if name is None:
            name = self.parts[(table, columns)] = f"s{len(self.parts)}"
            types = dict(self.main.execute(
                "SELECT column_name, data_type FROM duckdb_columns() "
                "WHERE table_name = $t AND schema_name = 'main' AND NOT internal",
                {"t": table}).fetchall())
            unknown = [c for c in columns if c not in types]
            if unknown:
                raise WarehouseError(f"表 {table} 没有列 {unknown}")
            cols = ", ".join(f'"{c}" {types[c]}' for c in columns)
            self.con.execute(f"CREATE TABLE {name} ({cols}, _seq BIGINT)")
        staged = frame.assign(_seq=range(self.seq, self.seq + len(frame)))
        self.seq += len(frame)
        names = ", ".join(f'"{c}"' for c in staged.columns)
        self.con.register("_staged", staged)
        try:
            self.con.execute(f"INSERT INTO {name} ({names}) SELECT {names} FROM _staged")  # noqa: S608
        finally:
            self.con.unregister("_staged")

    def merge(self) -> None:
        """Upsert every staged part into the warehouse (inside the caller's transaction)."""
        for (table, columns), name in self.parts.items():
            warehouse.upsert_from(self.main, table, f"_stage.{name}", list(columns))

    def close(self) -> None:
        """Close the scratch connection so the warehouse can attach the file."""
        self.con.close()

    def drop(self) -> None:
        """Detach (when attached) and delete the scratch file."""
        self.con.close()
        with suppress(duckdb.Error):
            self.main.execute("DETACH DATABASE IF EXISTS _stage")
        _remove_db(self.path)


def staging_dir(store: str) -> Path:
    """Scratch databases of big files being loaded (empty between ingests)."""
    return paths.processed_dir(store) / "staging"


def _remove_db(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _clear_staging(store: str) -> None:
    """Delete scratch files a killed ingest left behind (the caller holds the store lock)."""
    folder = staging_dir(store)
    if folder.is_dir():
        for leftover in folder.glob("*.duckdb*"):
            leftover.unlink(missing_ok=True)


TRIM_ROWS = 10_000
"""Files at least this long keep only the columns their kind loads."""


def _trim(found: Detected) -> Detected:
    """
    Keep only the columns the kind loads (and the first, which marks summary rows).

    A 61-column order export loads 26 of them: the others would only hold memory. Refused
    rows are written to rejects/ with the loaded columns and the reason.
    """
    rows = found.sheet.rows
    if len(rows) < TRIM_ROWS:
        return found
    keep = [c for c in rows.columns if c == rows.columns[0]
            or (c < len(found.headers) and found.kind.lookup.get(found.headers[c]))]
    return replace(found, sheet=Sheet(found.sheet.name, rows[keep]))


def _ingest_file(
    con: duckdb.DuckDBPyConnection, store: str, path: Path, salt: bytes, *,
    forced: KindSpec | None = None, options: dict[str, str] | None = None,
    dry_run: bool = False,
) -> FileResult:
    try:
        stat = path.stat()
        if _unchanged(con, store, source_name(path), stat.st_size, stat.st_mtime):
            return FileResult(path, "skipped")
        data = path.read_bytes()
    except OSError as exc:
        message = f"{path.name}：无法读取（{exc.strerror}）；请检查文件权限或是否仍在下载"
        if not dry_run:
            _quarantine(store, path, "unread0", message)
        return FileResult(path, "quarantined", message=message)
    sha = hashlib.sha256(data).hexdigest()
    if warehouse.is_loaded(con, store, sha):
        return FileResult(path, "skipped")
    source = source_name(path)
    holder = [data]
    del data
    loaded_at = datetime.now(SHANGHAI).replace(tzinfo=None)
    export_key = export_sort_key(path)[0]
    lineage = {"shop_id": store, "_source_file": source, "_loaded_at": loaded_at,
               "_file_sha256": sha, "_export_key": export_key}
    stage: _Stage | None = None
    try:
        try:
            blocks = _detect(holder, path, forced)
            if any(len(found.sheet.rows) > STAGE_ROWS for found in blocks):
                stage = _Stage(store, sha, con)
                tally = _load_blocks(blocks, stage.put, salt, options or {}, lineage)
                stage.close()
                del blocks
                # the parse's freed buffers go back to the system before the merge
                pa.default_memory_pool().release_unused()
                scratch = str(stage.path).replace("'", "''")
                con.execute(f"ATTACH '{scratch}' AS _stage (READ_ONLY)")
                con.begin()
                stage.merge()
            else:
                con.begin()
                tally = _load_blocks(blocks, partial(warehouse.upsert, con), salt,
                                     options or {}, lineage)
            con.execute(
                "INSERT INTO manifest (shop_id, file_sha256, file_path, kind, target_table, "
                "rows_read, rows_kept, rows_refused, unknown_columns, notes, export_key, "
                "file_size, file_mtime, loaded_at) VALUES ($shop, $sha, $path, $kind, $table, "
                "$read, $kept, $refused, $unknown, $notes, $export_key, $size, $mtime, $at)",
                {"shop": store, "sha": sha, "path": source, "kind": "+".join(tally.kinds),
                 "table": "+".join(tally.tables), "read": tally.read, "kept": tally.kept,
                 "refused": tally.refused, "unknown": ",".join(tally.unknown) or None,
                 "notes": "；".join(tally.notes) or None, "export_key": export_key,
                 "size": stat.st_size, "mtime": stat.st_mtime, "at": loaded_at},
            )
            if dry_run:
                con.rollback()
            else:
                con.commit()
        except duckdb.Error as exc:
            _rollback(con)
            raise IngestError(
                f"{path.name}：写入数据仓库失败（{str(exc).splitlines()[0]}）；"
                "仓库未改动，请把此文件发给维护者"
            ) from exc
        except BaseException:
            _rollback(con)
            raise
        finally:
            if stage is not None:
                stage.drop()
    except IngestError as exc:
        if not dry_run:
            _quarantine(store, path, sha, str(exc))
        logger.warning("quarantined %s: %s", path, exc)
        return FileResult(path, "quarantined", message=str(exc))
    rejects = pd.concat(tally.rejects, ignore_index=True) if tally.rejects else pd.DataFrame()
    if len(rejects) and not dry_run:
        target = _write_rejects(store, path, sha, rejects)
        logger.warning("%s: %d rows refused, see %s", path.name, len(rejects), target)
    if tally.unknown:
        logger.info("%s: unknown columns %s", path.name, tally.unknown)
    for note in tally.notes:
        logger.warning("%s: %s", path.name, note)
    return FileResult(path, "checked" if dry_run else "loaded", "+".join(tally.kinds),
                      tally.kept, len(rejects), unknown_columns=tally.unknown,
                      notes=tuple(tally.notes), summary_rows=tally.summary)


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the file's transaction when one is open (staging happens before it)."""
    with suppress(duckdb.TransactionException):
        con.rollback()


def _unchanged(con: duckdb.DuckDBPyConnection, store: str, source: str, size: int,
               mtime: float) -> bool:
    """Tell whether this very file (same path, size and modification time) is loaded already.

    The quick check makes re-running an ingest over unchanged downloads nearly free; a file
    whose content changed gets a new size or time and is hashed (then skipped by hash if
    the content is in fact the same).
    """
    row = con.execute(
        "SELECT count(*) FROM manifest WHERE shop_id = $s AND file_path = $p "
        "AND file_size = $size AND file_mtime = $mtime",
        {"s": store, "p": source, "size": size, "mtime": mtime},
    ).fetchone()
    return bool(row and row[0])


def source_name(path: Path) -> str:
    """Return a file's name for lineage: relative to the home when inside it, else absolute."""
    resolved = path.resolve()
    home = paths.home()
    return str(resolved.relative_to(home)) if resolved.is_relative_to(home) else str(resolved)
