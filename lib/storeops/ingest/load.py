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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from storeops import paths, warehouse
from storeops.config import check_store_id
from storeops.errors import IngestError, WarehouseBusyError
from storeops.ingest.build import to_canonical
from storeops.ingest.detect import detect
from storeops.ingest.readers import read_bytes
from storeops.ingest.schemas import validate
from storeops.timeutil import SHANGHAI

logger = logging.getLogger(__name__)

SKIP_NAMES = re.compile(r"^(\.|~\$)|\.(tmp|part|crdownload|download|md|txt|toml)$", re.I)


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one file."""

    path: Path
    status: str  # loaded | skipped | quarantined
    kind: str | None = None
    rows_kept: int = 0
    rows_refused: int = 0
    message: str | None = None
    unknown_columns: list[str] = field(default_factory=list)
    notes: tuple[str, ...] = ()


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


def export_sort_key(path: Path) -> tuple[str, str]:
    """Order files by the export time in their name (else their range end, else mtime)."""
    name = path.name
    stamp = _STAMP.search(name)
    if stamp:
        return (stamp.group(1).ljust(14, "0"), str(path))
    span = _RANGE.search(name)
    if span:
        return (span.group(2).replace("-", "") + "235959", str(path))
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
    rejects.to_csv(tmp, index=False, encoding="utf-8-sig")
    tmp.replace(target)
    return target


def ingest(store: str, files: list[Path] | None = None) -> list[FileResult]:
    """
    Load new raw exports of one store into its warehouse.

    Parameters
    ----------
    store : str
        Store id; raw files are read from ``data/raw/<store>/`` unless ``files`` is given.
    files : list of Path, optional
        Specific files (or folders) to load.

    Returns
    -------
    list of FileResult
        One per file, in the order loaded.
    """
    check_store_id(store)
    targets = _expand(files) if files else discover(store)
    results: list[FileResult] = []
    with store_lock(store):
        salt = store_salt(store)
        con = warehouse.connect(store, read_only=False)
        try:
            for path in targets:
                results.append(_ingest_file(con, store, path, salt))
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


def _ingest_file(
    con: duckdb.DuckDBPyConnection, store: str, path: Path, salt: bytes
) -> FileResult:
    try:
        data = path.read_bytes()
    except OSError as exc:
        message = f"{path.name}：无法读取（{exc.strerror}）；请检查文件权限或是否仍在下载"
        _quarantine(store, path, "unread0", message)
        return FileResult(path, "quarantined", message=message)
    sha = hashlib.sha256(data).hexdigest()
    if warehouse.is_loaded(con, store, sha):
        return FileResult(path, "skipped")
    try:
        found = detect(read_bytes(data, path.name), path.name)
        built = to_canonical(found, salt=salt)
        frame, refused = validate(found.kind.name, built.frame)
        rejects = pd.concat([built.rejects, refused], ignore_index=True)
        loaded_at = datetime.now(SHANGHAI).replace(tzinfo=None)
        source = source_name(path)
        export_key = export_sort_key(path)[0]
        frame = frame.assign(shop_id=store, _source_file=source, _loaded_at=loaded_at,
                             _file_sha256=sha, _export_key=export_key)
        con.begin()
        try:
            warehouse.upsert(con, found.kind.table, frame)
            con.execute(
                "INSERT INTO manifest (shop_id, file_sha256, file_path, kind, target_table, "
                "rows_read, rows_kept, rows_refused, unknown_columns, notes, export_key, "
                "loaded_at) VALUES ($shop, $sha, $path, $kind, $table, $read, $kept, "
                "$refused, $unknown, $notes, $export_key, $at)",
                {"shop": store, "sha": sha, "path": source, "kind": found.kind.name,
                 "table": found.kind.table, "read": len(built.frame) + len(built.rejects),
                 "kept": len(frame), "refused": len(rejects),
                 "unknown": ",".join(found.unknown_columns) or None,
                 "notes": "；".join(built.notes) or None, "export_key": export_key,
                 "at": loaded_at},
            )
            con.commit()
        except duckdb.Error as exc:
            con.rollback()
            raise IngestError(
                f"{path.name}：写入数据仓库失败（{str(exc).splitlines()[0]}）；"
                "仓库未改动，请把此文件发给维护者"
            ) from exc
        except BaseException:
            con.rollback()
            raise
    except IngestError as exc:
        _quarantine(store, path, sha, str(exc))
        logger.warning("quarantined %s: %s", path, exc)
        return FileResult(path, "quarantined", message=str(exc))
    if len(rejects):
        target = _write_rejects(store, path, sha, rejects)
        logger.warning("%s: %d rows refused, see %s", path.name, len(rejects), target)
    if found.unknown_columns:
        logger.info("%s: unknown columns %s", path.name, found.unknown_columns)
    for note in built.notes:
        logger.warning("%s: %s", path.name, note)
    return FileResult(path, "loaded", found.kind.name, len(frame), len(rejects),
                      unknown_columns=found.unknown_columns, notes=built.notes)


def source_name(path: Path) -> str:
    """Return a file's name for lineage: relative to the home when inside it, else absolute."""
    resolved = path.resolve()
    home = paths.home()
    return str(resolved.relative_to(home)) if resolved.is_relative_to(home) else str(resolved)
