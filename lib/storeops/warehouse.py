"""The store's DuckDB warehouse: connection, canonical tables, upsert, named queries.

Only this module executes SQL. Queries live one per file in ``storeops/sql/`` and take bound
``$name`` parameters. Money is summed in SQL on DECIMAL columns and fetched as ``Decimal``.
DuckDB allows one writing process; readers open read-only while nobody writes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import duckdb
import pandas as pd

from storeops import paths
from storeops.errors import NoDataError, WarehouseBusyError, WarehouseError

logger = logging.getLogger(__name__)

UPSERT_ROWS = 100_000
"""Rows sent to DuckDB per INSERT … ON CONFLICT statement (one transaction holds them all)."""


@cache
def sql_text(name: str) -> str:
    """Return the text of ``storeops/sql/<name>.sql``."""
    return (resources.files("storeops") / "sql" / f"{name}.sql").read_text("utf-8")


def connect(store: str, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """
    Open one store's warehouse.

    Parameters
    ----------
    store : str
        Store id.
    read_only : bool
        Readers (reports, metrics) open read-only; ingest opens for writing and creates
        the file and every canonical table if missing.

    Raises
    ------
    NoDataError
        Read-only and the warehouse does not exist yet.
    WarehouseBusyError
        Another process is writing the warehouse.
    """
    path = paths.warehouse_file(store)
    if read_only and not path.exists():
        raise NoDataError(
            f"店铺 '{store}' 还没有数据仓库（{path}）：先把导出文件放进 data/raw/{store}/，"
            f"再运行 storeops ingest --store {store}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusyError(
                f"店铺 '{store}' 的数据仓库正被另一个进程写入：等它结束后再试"
            ) from exc
        raise WarehouseError(f"无法打开 {path}：{exc}") from exc
    if not read_only:
        con.execute(sql_text("schema"))
        migrate(con)
    con.execute(sql_text("macros"))  # temporary: fine on a read-only connection too
    return con


@cache
def _expected_columns() -> dict[str, list[tuple[str, str]]]:
    """Return each canonical table's (column, type) list, from the DDL in a scratch database."""
    scratch = duckdb.connect(":memory:")
    try:
        scratch.execute(sql_text("schema"))
        rows = scratch.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE NOT internal ORDER BY table_name, column_index"
        ).fetchall()
    finally:
        scratch.close()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in rows:
        out.setdefault(table, []).append((column, dtype))
    return out


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """
    Add columns the DDL has gained since a warehouse was created (additive changes only).

    Returns
    -------
    list of str
        ``table.column`` for each column added.
    """
    added = []
    for table, columns in _expected_columns().items():
        present = set(table_columns(con, table))
        for column, dtype in columns:
            if column not in present:
                con.execute(f"ALTER TABLE {_quote(table)} ADD COLUMN {_quote(column)} {dtype}")
                added.append(f"{table}.{column}")
    if added:
        logger.info("warehouse schema: added %s", ", ".join(added))
    return added


@contextmanager
def open_store(store: str, *, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a store's warehouse for the duration of a ``with`` block."""
    con = connect(store, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Return the column names of a canonical table, in DDL order."""
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = $t ORDER BY column_index",
        {"t": table},
    ).fetchall()
    if not rows:
        raise WarehouseError(f"没有表 {table}")
    return [r[0] for r in rows]


def table_key(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Return the primary-key columns of a canonical table."""
    rows = con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() "
        "WHERE table_name = $t AND constraint_type = 'PRIMARY KEY'",
        {"t": table},
    ).fetchall()
    if not rows:
        raise WarehouseError(f"表 {table} 没有主键")
    return list(rows[0][0])


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def upsert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """
    Insert rows by primary key; a row whose key exists replaces the columns the frame has.

    The caller owns the transaction. Columns absent from ``frame`` keep their stored values
    on conflict (an export with fewer ticked columns does not erase the others). When the
    frame has ``_export_key``, a stored row from a later export is kept. Values
    are cast by DuckDB to the column types (money arrives as exact decimal strings).

    Returns
    -------
    int
        Rows written.
    """
    if frame.empty:
        return 0
    key = _checked_key(con, table, list(frame.columns))
    # Slices bound DuckDB's memory for the conflict check on million-row exports.
    for start in range(0, len(frame), UPSERT_ROWS):
        con.register("_staged", frame.iloc[start:start + UPSERT_ROWS])
        try:
            _merge(con, table, key, list(frame.columns), "_staged")
        finally:
            con.unregister("_staged")
    return len(frame)


def upsert_from(con: duckdb.DuckDBPyConnection, table: str, source: str,
                columns: list[str]) -> int:
    """
    Upsert the rows of a staged table (same rules as :func:`upsert`).

    ``source`` is a qualified table name built by the caller from its own identifiers (the
    ingest's staging database); its ``_seq`` column orders the rows, and of two rows with
    the same key the later one wins. The caller owns the transaction.

    Returns
    -------
    int
        Rows written (after duplicate keys are folded).
    """
    key = _checked_key(con, table, columns)
    keys = ", ".join(_quote(k) for k in key)
    names = ", ".join(_quote(c) for c in columns)
    total, distinct = con.execute(
        f"SELECT count(*), count(DISTINCT ({keys})) FROM {source}"  # noqa: S608
    ).fetchone()
    if not total:
        return 0
    if distinct < total:
        source = (f"(SELECT {names} FROM {source} QUALIFY row_number() OVER "  # noqa: S608
                  f"(PARTITION BY {keys} ORDER BY _seq DESC) = 1)")
    _merge(con, table, key, columns, source)
    return int(distinct)


def _checked_key(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> list[str]:
    known = table_columns(con, table)
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise WarehouseError(f"表 {table} 没有列 {unknown}")
    key = table_key(con, table)
    missing = [k for k in key if k not in columns]
    if missing:
        raise WarehouseError(f"写入 {table} 缺少主键列 {missing}")
    return key


def _merge(con: duckdb.DuckDBPyConnection, table: str, key: list[str], columns: list[str],
           source: str) -> None:
    """
    Write ``source``'s rows into ``table``: new keys appended, stored keys updated.

    Rows whose key is already stored take the ON CONFLICT path; new keys go in by a plain
    INSERT, which DuckDB holds in a transaction at about a quarter of the memory (a first
    load of a million-row export is all new keys). Identifiers come from the DDL (checked
    against duckdb_columns) or from the caller's own staging names, never from input; values
    travel through the source relation.
    """
    names = ", ".join(_quote(c) for c in columns)
    keys = ", ".join(_quote(k) for k in key)
    target = _quote(table)
    updates = ", ".join(f"{_quote(c)} = excluded.{_quote(c)}" for c in columns if c not in key)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    if updates and "_export_key" in columns:
        # A row from an older export (a backfill loaded later) never replaces a newer one.
        action += (f" WHERE excluded._export_key >= {target}._export_key"
                   f" OR {target}._export_key IS NULL")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _hits AS SELECT {keys} FROM {target} "  # noqa: S608
                f"WHERE ({keys}) IN (SELECT ({keys}) FROM {source} AS s)")
    try:
        if con.execute("SELECT count(*) FROM _hits").fetchone()[0]:
            con.execute(f"INSERT INTO {target} ({names}) SELECT {names} FROM {source} AS s "  # noqa: S608
                        f"WHERE ({keys}) IN (SELECT ({keys}) FROM _hits) "
                        f"ON CONFLICT ({keys}) {action}")
            con.execute(f"INSERT INTO {target} ({names}) SELECT {names} FROM {source} AS s "  # noqa: S608
                        f"WHERE ({keys}) NOT IN (SELECT ({keys}) FROM _hits)")
        else:
            con.execute(f"INSERT INTO {target} ({names}) "  # noqa: S608
                        f"SELECT {names} FROM {source} AS s")
    finally:
        con.execute("DROP TABLE IF EXISTS _hits")


def query_rows(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> list[dict]:
    """Run ``sql/<name>.sql`` with bound parameters; rows as dicts, DECIMAL as ``Decimal``."""
    cursor = con.execute(sql_text(name), params)
    cols = [d[0] for d in cursor.description]
    return [dict(zip(cols, row, strict=True)) for row in cursor.fetchall()]


def query_df(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run ``sql/<name>.sql`` into a DataFrame (DECIMAL becomes float: display only)."""
    return con.execute(sql_text(name), params).df()


def is_loaded(con: duckdb.DuckDBPyConnection, store: str, sha256: str) -> bool:
    """Return True when a file with this content is already in the manifest."""
    row = con.execute(
        "SELECT count(*) FROM manifest WHERE shop_id = $s AND file_sha256 = $h",
        {"s": store, "h": sha256},
    ).fetchone()
    return bool(row and row[0])


def to_decimal(value: Any) -> Decimal | None:
    """Return a money value as Decimal (None stays None)."""
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))
