"""Big files are staged in a scratch database, then merged in one warehouse transaction.

The thresholds are lowered so that a few rows take the staged path; every result must equal
what the direct path (one transaction of slice upserts) writes for the same files.
"""

from __future__ import annotations

import signal
import textwrap
from pathlib import Path

import pytest

from storeops.ingest import build, load

from .exports import STORE, fetch, kill_at_marker, order_row, orders_csv, snapshot

TABLES = ("orders", "manifest")


def order_id(i: int) -> str:
    return f"{2345678901234500000 + i}"


@pytest.fixture
def staged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files longer than 3 rows are staged, parsed 2 rows at a time."""
    monkeypatch.setattr(load, "STAGE_ROWS", 3)
    monkeypatch.setattr(build, "CHUNK_ROWS", 2)


def _orders() -> list[tuple]:
    return fetch("SELECT order_id, status, paid_amount FROM orders ORDER BY order_id")


def test_a_staged_file_loads_the_same_rows_as_the_direct_path(put_raw, home: Path,
                                                               monkeypatch, tmp_path):
    first = orders_csv([order_row(order_id(i), paid=f"{i}.25") for i in range(5)])
    put_raw("ExportOrderList202608101200.csv", first)
    (direct,) = load.ingest(STORE)
    direct_rows = _orders()

    other = tmp_path / "other"
    monkeypatch.setenv("STOREOPS_HOME", str(other))
    monkeypatch.setattr(load, "STAGE_ROWS", 3)
    monkeypatch.setattr(build, "CHUNK_ROWS", 2)
    put_raw("ExportOrderList202608101200.csv", first)
    (result,) = load.ingest(STORE)
    assert (result.status, result.rows_kept) == (direct.status, direct.rows_kept) == ("loaded", 5)
    assert _orders() == direct_rows
    # 0.25 + 1.25 + 2.25 + 3.25 + 4.25 = 11.25
    assert fetch("SELECT sum(paid_amount) FROM orders")[0][0] == pytest.approx(11.25)
    assert not list(load.staging_dir(STORE).glob("*.duckdb*")), "scratch file left behind"


def test_later_rows_win_within_and_across_staged_files(put_raw, home: Path, staged):
    # one file, order 1 twice in different slices: the later line (status closed) wins
    rows = [order_row(order_id(i)) for i in range(4)]
    rows.append(order_row(order_id(1), status="交易关闭", paid="0.00"))
    put_raw("ExportOrderList202608101200.csv", orders_csv(rows))
    assert [r.status for r in load.ingest(STORE)] == ["loaded"]
    assert fetch("SELECT status FROM orders WHERE order_id = $o", o=order_id(1)) == [("closed",)]
    assert fetch("SELECT count(*) FROM orders") == [(4,)]

    # a later export of overlapping orders updates them (the ON CONFLICT path) and adds new
    later = [order_row(order_id(i), status="卖家已发货，等待买家确认") for i in range(2, 7)]
    put_raw("ExportOrderList202608121200.csv", orders_csv(later))
    assert [r.status for r in load.ingest(STORE)] == ["skipped", "loaded"]
    assert fetch("SELECT count(*) FROM orders") == [(7,)]
    assert fetch("SELECT count(*) FROM orders WHERE status = 'shipped'") == [(5,)]
    assert fetch("SELECT status FROM orders WHERE order_id = $o", o=order_id(1)) == [("closed",)]

    # an older export loaded afterwards (a backfill) never replaces the newer statuses
    older = [order_row(order_id(i), status="买家已付款，等待卖家发货") for i in range(2, 6)]
    put_raw("ExportOrderList202608091200.csv", orders_csv(older))
    assert sorted(r.status for r in load.ingest(STORE)) == ["loaded", "skipped", "skipped"]
    assert fetch("SELECT count(*) FROM orders WHERE status = 'paid'") == [(0,)]


def test_a_staged_file_that_fails_to_merge_leaves_the_warehouse_unchanged(
        put_raw, home: Path, staged, monkeypatch):
    put_raw("ExportOrderList202608101200.csv", orders_csv([order_row(order_id(0))]))
    load.ingest(STORE)
    before = snapshot()

    def broken(*args, **kwargs):
        raise load.duckdb.ConversionException("Conversion Error: simulated")

    monkeypatch.setattr(load.warehouse, "upsert_from", broken)
    put_raw("ExportOrderList202608111200.csv",
            orders_csv([order_row(order_id(i)) for i in range(1, 6)]))
    results = [r for r in load.ingest(STORE) if r.status != "skipped"]
    assert [r.status for r in results] == ["quarantined"]
    assert "仓库未改动" in results[0].message
    assert snapshot() == before
    assert not list(load.staging_dir(STORE).glob("*.duckdb*"))


CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from storeops import warehouse
    from storeops.ingest import build, load

    load.STAGE_ROWS, build.CHUNK_ROWS = 3, 2
    marker = Path(sys.argv[1])
    real = warehouse.upsert_from

    def upsert_from(con, table, source, columns):
        written = real(con, table, source, columns)
        if table == "orders":
            marker.write_text(str(written))
            time.sleep(60)  # killed here, inside the merge transaction
        return written

    warehouse.upsert_from = upsert_from
    load.ingest(sys.argv[2])
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_inside_the_merge_leaves_the_warehouse_as_before(put_raw, home: Path):
    put_raw("ExportOrderList202608101200.csv", orders_csv([order_row(order_id(0))]))
    assert [r.status for r in load.ingest(STORE)] == ["loaded"]
    before = snapshot()
    n = 9
    put_raw("ExportOrderList202608111200.csv",
            orders_csv([order_row(order_id(i)) for i in range(1, n + 1)]))
    marker = home / "inside_merge.txt"
    assert kill_at_marker(CHILD, marker, home) == str(n)  # inside, not yet committed
    assert snapshot() == before
    assert list(load.staging_dir(STORE).glob("*.duckdb")), "the killed run's scratch file"

    (result,) = [r for r in load.ingest(STORE) if r.status != "skipped"]
    assert (result.status, result.rows_kept) == ("loaded", n)
    assert fetch("SELECT count(*) FROM orders") == [(n + 1,)]
    assert not list(load.staging_dir(STORE).glob("*.duckdb*")), "leftover not cleared"
