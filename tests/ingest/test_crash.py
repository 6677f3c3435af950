"""A process killed (SIGKILL) inside a file's transaction leaves the warehouse as it was.

The child process runs a real ingest with ``warehouse.upsert`` wrapped so that, after the
INSERT of the big file's rows, it writes a marker file and sleeps: the parent waits for the
marker, kills the child with SIGKILL (no cleanup, no rollback, no atexit), then opens the
warehouse. DuckDB must have dropped the uncommitted transaction on recovery, and a fresh
ingest must then load the file in full.
"""

from __future__ import annotations

import signal
import textwrap
from pathlib import Path

import pytest

from storeops.ingest import load

from .exports import STORE, fetch, kill_at_marker, order_row, orders_csv, snapshot

CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from storeops import warehouse
    from storeops.ingest import load

    marker = Path(sys.argv[1])
    real = warehouse.upsert

    def upsert(con, table, frame):
        written = real(con, table, frame)
        if table == "orders":
            marker.write_text(str(written))
            time.sleep(60)  # killed here, inside the transaction
        return written

    warehouse.upsert = upsert
    load.ingest(sys.argv[2])
""")

BIG = 20_000  # rows: enough that the INSERT is a real chunk of work, small enough for ~2 s


def order_id(i: int) -> str:
    return f"{2345678901234500000 + i}"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_inside_the_transaction_leaves_the_warehouse_as_before(put_raw, home: Path):
    put_raw("ExportOrderList202608101200.csv", orders_csv([order_row(order_id(0))]))
    assert [r.status for r in load.ingest(STORE)] == ["loaded"]
    before = snapshot()

    put_raw("ExportOrderList202608111200.csv",
            orders_csv([order_row(order_id(i), paid=f"{i % 500}.50") for i in range(1, BIG + 1)]))
    marker = home / "inside_transaction.txt"
    assert kill_at_marker(CHILD, marker, home) == str(BIG)  # inside, not yet committed

    assert snapshot() == before  # row counts, rows and manifest exactly as before the file
    assert fetch("SELECT count(*) FROM orders") == [(1,)]
    assert fetch("SELECT count(*) FROM manifest") == [(1,)]

    (result,) = [r for r in load.ingest(STORE) if r.status != "skipped"]
    assert (result.status, result.rows_kept) == ("loaded", BIG)
    assert fetch("SELECT count(*) FROM orders") == [(BIG + 1,)]
    # Σ (i mod 500) + 0.50 over i = 1..20 000: 40 full cycles of 0..499 → 40 × 124 750
    # = 4 990 000, plus 0.50 × 20 000 = 10 000; plus the first file's 99.00
    assert fetch("SELECT sum(paid_amount) FROM orders")[0][0] == 4_990_000 + 10_000 + 99
    assert fetch("SELECT count(*) FROM manifest") == [(2,)]
