from __future__ import annotations

from decimal import Decimal

import duckdb
import pandas as pd
import pytest

from storeops import paths, warehouse
from storeops.errors import NoDataError, WarehouseBusyError


def test_every_canonical_table_exists(home):
    con = warehouse.connect("s", read_only=False)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {"orders", "order_items", "refunds", "shop_daily", "item_daily", "traffic_sources",
            "ad_reports", "ad_plans", "cs_agents", "dsr", "reviews", "inventory",
            "competitor_items", "promotions", "targets", "manifest"} <= tables
    money = con.execute("SELECT data_type FROM duckdb_columns() WHERE table_name = 'orders' "
                        "AND column_name = 'paid_amount'").fetchone()[0]
    assert money == "DECIMAL(18,2)"
    for table in tables - {"manifest", "ad_plans"}:
        assert "shop_id" in warehouse.table_columns(con, table)
        assert "_file_sha256" in warehouse.table_columns(con, table)
    con.close()


def test_read_only_without_warehouse_says_what_to_do(home):
    with pytest.raises(NoDataError, match="storeops ingest --store s"):
        warehouse.connect("s")


def test_upsert_replaces_by_key_and_keeps_absent_columns(home):
    con = warehouse.connect("s", read_only=False)
    first = pd.DataFrame({"shop_id": ["s"], "order_id": ["1"], "paid_amount": ["10.10"],
                          "status": ["paid"]})
    warehouse.upsert(con, "orders", first)
    warehouse.upsert(con, "orders", pd.DataFrame({"shop_id": ["s"], "order_id": ["1"],
                                                   "status": ["completed"]}))
    assert con.execute("SELECT paid_amount, status FROM orders").fetchall() == [
        (Decimal("10.10"), "completed")]
    con.close()


def test_money_sums_exactly(home):
    con = warehouse.connect("s", read_only=False)
    frame = pd.DataFrame({"shop_id": "s", "order_id": [str(i) for i in range(1000)],
                          "paid_amount": ["0.10"] * 1000})
    warehouse.upsert(con, "orders", frame)
    assert con.execute("SELECT sum(paid_amount) FROM orders").fetchone()[0] == Decimal("100.00")
    con.close()


def test_a_second_writer_is_refused_clearly(home):
    import multiprocessing as mp

    con = warehouse.connect("s", read_only=False)
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        message = pool.apply(_try_open, (str(home),))
    con.close()
    assert "另一个进程" in message


def _try_open(home: str) -> str:
    import os

    os.environ["STOREOPS_HOME"] = home
    try:
        warehouse.connect("s", read_only=False)
    except WarehouseBusyError as exc:
        return str(exc)
    return "opened"


def test_old_warehouse_gains_new_columns(home):
    path = paths.warehouse_file("s")
    path.parent.mkdir(parents=True)
    old = duckdb.connect(str(path))
    old.execute("CREATE TABLE orders (shop_id VARCHAR NOT NULL, order_id VARCHAR NOT NULL, "
                "PRIMARY KEY (shop_id, order_id))")
    old.execute("INSERT INTO orders VALUES ('s', '1')")
    old.close()
    con = warehouse.connect("s", read_only=False)
    assert "_export_key" in warehouse.table_columns(con, "orders")
    assert con.execute("SELECT order_id FROM orders").fetchall() == [("1",)]
    con.close()
