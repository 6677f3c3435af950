# ruff: noqa: DTZ001 - naive datetimes: the warehouse keeps Asia/Shanghai times naive
"""Loading (storeops.ingest.load): idempotent, later exports win, one file = one transaction.

Every test runs in a throw-away home (``STOREOPS_HOME=tmp_path``) with raw files written by
hand into ``data/raw/s1/``.
"""

from __future__ import annotations

import hashlib
import stat
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from storeops import paths, warehouse
from storeops.errors import ConfigError, WarehouseBusyError
from storeops.ingest import load

from .exports import (
    BANNER,
    GEN_A_ITEMS,
    GEN_B_ITEMS,
    SHOP_DAILY,
    STORE,
    csv_bytes,
    fetch,
    order_row,
    orders_csv,
    row,
    snapshot,
    xlsx_bytes,
)

OID = "2345678901234567890"
OID2 = "2345678901234567891"

DAY = 86_400.0
T0 = 1_786_000_000.0  # an mtime in 2026; files below get T0 ± days to pin the fallback order


def by_name(results: list[load.FileResult]) -> dict[str, load.FileResult]:
    return {r.path.name: r for r in results}


# ---------------------------------------------------------------- a first load


def test_first_ingest_loads_rows_and_records_the_file(put_raw):
    path = put_raw("ExportOrderList202608111200.csv", orders_csv([
        order_row(OID, paid="99.00"), order_row(OID2, paid="1,234.50", 运送方式="快递")]))
    (result,) = load.ingest(STORE)
    assert (result.status, result.kind, result.rows_kept, result.rows_refused) == (
        "loaded", "orders", 2, 0)
    assert fetch("SELECT shop_id, order_id, paid_amount, status, receiver_province, "
                 "_source_file, _source_row FROM orders ORDER BY order_id") == [
        (STORE, OID, Decimal("99.00"), "completed", "浙江",
         "data/raw/s1/ExportOrderList202608111200.csv", 2),
        (STORE, OID2, Decimal("1234.50"), "completed", "浙江",
         "data/raw/s1/ExportOrderList202608111200.csv", 3),
    ]
    manifest = fetch("SELECT kind, target_table, rows_read, rows_kept, rows_refused, "
                     "unknown_columns, file_sha256 FROM manifest")
    assert manifest == [("orders", "orders", 2, 2, 0, None,
                         hashlib.sha256(path.read_bytes()).hexdigest())]


def test_unknown_columns_are_recorded_in_the_manifest(put_raw):
    header = ["订单编号", "买家实际支付金额", "订单创建时间", "直播间来源"]
    put_raw("ExportOrderList202608111200.csv",
            csv_bytes([header, [f'="{OID}"', "9.90", "2026-08-11 10:00:00", "直播"]]))
    (result,) = load.ingest(STORE)
    assert result.unknown_columns == ["直播间来源"]
    assert fetch("SELECT unknown_columns FROM manifest") == [("直播间来源",)]


# ---------------------------------------------------------------- idempotence


def test_reingesting_the_same_file_is_a_no_op(put_raw):
    put_raw("ExportOrderList202608111200.csv", orders_csv([order_row(OID), order_row(OID2)]))
    assert [r.status for r in load.ingest(STORE)] == ["loaded"]
    before = snapshot()
    again = load.ingest(STORE)
    assert [(r.status, r.rows_kept) for r in again] == [("skipped", 0)]
    assert snapshot() == before  # manifest and every row (even _loaded_at) unchanged
    assert fetch("SELECT count(*) FROM orders") == [(2,)]
    assert fetch("SELECT count(*) FROM manifest") == [(1,)]


def test_same_bytes_under_another_name_is_skipped(put_raw):
    data = orders_csv([order_row(OID)])
    put_raw("ExportOrderList202608111200.csv", data)
    load.ingest(STORE)
    before = snapshot()
    copy = put_raw("copies/ExportOrderList202608111200 (1).csv", data)
    assert [(r.path, r.status) for r in load.ingest(STORE, [copy])] == [(copy, "skipped")]
    assert snapshot() == before


# ---------------------------------------------------------------- later exports win


@pytest.mark.parametrize("how", ["discover", "explicit files, newest first"])
def test_later_export_of_the_same_order_wins(put_raw, how):
    # The later export is written first and given the older mtime: only the time stamp in
    # the file name may decide the order.
    later = put_raw("ExportOrderList202608121000.csv",
                    orders_csv([order_row(OID, status="卖家已发货，等待买家确认")]), mtime=T0)
    earlier = put_raw("ExportOrderList202608110900.csv",
                      orders_csv([order_row(OID, status="买家已付款,等待卖家发货")]),
                      mtime=T0 + DAY)
    results = load.ingest(STORE) if how == "discover" else load.ingest(STORE, [later, earlier])
    assert [r.path.name for r in results] == [earlier.name, later.name]
    assert fetch("SELECT status, status_raw FROM orders") == [
        ("shipped", "卖家已发货，等待买家确认")]


def test_older_export_loaded_in_a_later_run_does_not_overwrite(put_raw):
    put_raw("ExportOrderList202608121000.csv",
            orders_csv([order_row(OID, status="交易成功")]))
    load.ingest(STORE)
    put_raw("ExportOrderList202608010900.csv",
            orders_csv([order_row(OID, status="等待买家付款")]))
    load.ingest(STORE)
    assert fetch("SELECT status FROM orders") == [("completed",)]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("ExportOrderList201907091554.csv", "20190709155400"),  # 12-digit stamp [C]
        ("推广关键词报表_20260811_093015.csv", None),  # date and time split: no 12-digit stamp
        ("订单报表20260811093015.xlsx", "20260811093015"),
        ("【生意参谋平台】商品_全部_2026-08-11_2026-08-11.xls", "20260811235959"),
    ],
)
def test_export_sort_key(home, name, key):
    path = paths.raw_dir(STORE) / name
    path.write_bytes(b"x")
    got = load.export_sort_key(path)[0]
    if key is None:
        assert len(got) == 14  # falls back to the file's mtime (Shanghai time)
    else:
        assert got == key


def test_discover_skips_partial_hidden_and_note_files(put_raw):
    keep = put_raw("sub/ExportOrderList202608111200.csv", b"x")
    for name in ("a.csv.crdownload", "b.csv.part", "~$c.xlsx", ".hidden.csv", "readme.md",
                 "notes.txt", ".cache/x.csv"):
        put_raw(name, b"x")
    assert load.discover(STORE) == [keep]


# ---------------------------------------------------------------- subset exports


def full_then_subset(put_raw) -> None:
    put_raw("ExportOrderList202608111200.csv", orders_csv([order_row(
        OID, paid="99.00", 运送方式="快递", 物流公司="顺丰速运",
        订单付款时间="2026-08-11 09:05:00", status="卖家已发货，等待买家确认")]))
    subset = ["订单编号", "买家实际支付金额", "订单创建时间", "退款金额"]
    put_raw("ExportOrderList202608121200.csv",
            csv_bytes([subset, [f'="{OID}"', "99.00", "2026-08-11 09:03:00", "20.00"]]))
    assert [r.status for r in load.ingest(STORE)] == ["loaded", "loaded"]


def test_subset_export_updates_its_columns_and_keeps_plain_others(put_raw):
    full_then_subset(put_raw)
    assert fetch("SELECT refund_amount, ship_method, carrier, paid_at FROM orders") == [
        (Decimal("20.00"), "快递", "顺丰速运", datetime(2026, 8, 11, 9, 5))]


def test_subset_export_does_not_erase_derived_columns(put_raw):
    full_then_subset(put_raw)
    province, city, key, status = fetch(
        "SELECT receiver_province, receiver_city, buyer_key, status FROM orders")[0]
    assert (province, city, status) == ("浙江", "杭州市", "shipped")
    assert key is not None


# ---------------------------------------------------------------- refused rows


def test_refused_rows_go_to_rejects_and_good_rows_load(put_raw):
    path = put_raw("ExportOrderList202608111200.csv", orders_csv([
        order_row(OID),
        order_row("1.23457E+18"),  # an Excel re-save lost the digits
        order_row(OID2, paid="-5.00"),  # parses, but the schema refuses a negative payment
    ]))
    (result,) = load.ingest(STORE)
    assert (result.status, result.rows_kept, result.rows_refused) == ("loaded", 1, 2)
    assert fetch("SELECT order_id FROM orders") == [(OID,)]
    assert fetch("SELECT rows_read, rows_kept, rows_refused FROM manifest") == [(3, 1, 2)]
    files = list(paths.rejects_dir(STORE).glob("*.csv"))
    assert [f.name.split(".csv.")[0] for f in files] == [path.stem]
    rejects = pd.read_csv(files[0], dtype=str, encoding="utf-8-sig")
    reasons = rejects["reason"].tolist()
    assert "科学计数法" in reasons[0]
    assert "实付金额不能为负" in reasons[1]
    assert rejects["_source_row"].tolist() == ["3", "4"]  # file rows (header is row 1)


def test_file_where_every_row_is_refused_is_still_recorded(put_raw):
    put_raw("ExportOrderList202608111200.csv", orders_csv([order_row("1.23457E+18")]))
    (result,) = load.ingest(STORE)
    assert (result.status, result.rows_kept, result.rows_refused) == ("loaded", 0, 1)
    assert fetch("SELECT count(*) FROM orders") == [(0,)]
    assert fetch("SELECT rows_kept, rows_refused FROM manifest") == [(0, 1)]


def test_manifest_path_is_home_relative_even_when_no_row_is_kept(put_raw):
    put_raw("ExportOrderList202608111200.csv", orders_csv([order_row("1.23457E+18")]))
    load.ingest(STORE)
    assert fetch("SELECT file_path FROM manifest") == [
        ("data/raw/s1/ExportOrderList202608111200.csv",)]


# ---------------------------------------------------------------- failures leave no trace


def test_file_failing_mid_way_leaves_the_warehouse_as_it_was(put_raw, monkeypatch):
    put_raw("ExportOrderList202608111200.csv", orders_csv([order_row(OID, status="等待买家付款")]))
    load.ingest(STORE)
    before = snapshot()

    real_upsert = warehouse.upsert

    def upsert_then_fail(con, table, frame):
        real_upsert(con, table, frame)  # rows are written inside the transaction …
        raise duckdb.IOException("No space left on device")  # … then the disk fills up

    monkeypatch.setattr(warehouse, "upsert", upsert_then_fail)
    failing = put_raw("ExportOrderList202608121200.csv", orders_csv([
        order_row(OID, status="交易成功"), order_row(OID2)]))
    result = by_name(load.ingest(STORE))[failing.name]
    assert result.status == "quarantined"
    assert snapshot() == before  # not one row, not the manifest entry
    message = result.message
    assert message.startswith(f"{failing.name}：写入数据仓库失败")
    assert "仓库未改动" in message
    assert "\n" not in message and message.count("。") <= 1  # one sentence
    notes = list(paths.quarantine_dir(STORE).glob(f"{failing.name}.*.txt"))
    assert len(notes) == 1
    assert notes[0].read_text("utf-8").splitlines() == [str(failing), message]

    monkeypatch.setattr(warehouse, "upsert", real_upsert)  # the disk is freed: retry works
    retry = by_name(load.ingest(STORE))
    assert retry[failing.name].status == "loaded"
    assert retry["ExportOrderList202608111200.csv"].status == "skipped"
    assert fetch("SELECT status FROM orders WHERE order_id = $o", o=OID) == [("completed",)]


def test_unknown_file_is_quarantined_and_the_next_file_still_loads(put_raw):
    unknown = put_raw("客服绩效.csv", csv_bytes([["旺旺昵称", "咨询人数"], ["店铺:小美", "12"]]),
                      mtime=T0)
    good = put_raw("ExportOrderList209912311200.csv", orders_csv([order_row(OID)]))
    results = load.ingest(STORE)
    assert [(r.path, r.status) for r in results] == [(unknown, "quarantined"), (good, "loaded")]
    assert "无法判断这是哪种导出文件" in results[0].message
    assert "旺旺昵称" in results[0].message
    (note,) = paths.quarantine_dir(STORE).glob("客服绩效.csv.*.txt")
    assert results[0].message in note.read_text("utf-8")
    assert fetch("SELECT order_id FROM orders") == [(OID,)]
    assert fetch("SELECT count(*) FROM manifest") == [(1,)]  # quarantined files are retried


def test_truncated_file_is_quarantined_with_its_sentence(put_raw):
    whole = orders_csv([order_row(OID), order_row(OID2)])
    put_raw("ExportOrderList202608111200.csv", whole[: len(whole) - 200])
    (result,) = load.ingest(STORE)
    assert result.status == "quarantined"
    assert "中途结束" in result.message
    assert fetch("SELECT count(*) FROM orders") == [(0,)]


def test_gen_b_line_without_order_id_does_not_sink_the_file(put_raw):
    def line(sub: str, order: str) -> list[str]:
        return row(GEN_B_ITEMS, 子订单编号=sub, 主订单编号=order, 商品价格="10.00", 购买数量="1",
                   订单创建时间="2026-08-11 09:00:00")

    put_raw("宝贝报表.xlsx", xlsx_bytes([GEN_B_ITEMS, line("9001", OID), line("9002", "")]))
    (result,) = load.ingest(STORE)
    assert (result.status, result.rows_kept, result.rows_refused) == ("loaded", 1, 1)


# ---------------------------------------------------------------- concurrency


def test_second_ingest_while_one_holds_the_lock_is_refused(put_raw):
    put_raw("ExportOrderList202608111200.csv", orders_csv([order_row(OID)]))
    busy = pytest.raises(WarehouseBusyError, match="正在被另一个导入进程写入")
    with load.store_lock(STORE), busy:
        load.ingest(STORE)
    assert not paths.warehouse_file(STORE).exists()  # refused before touching anything
    assert [r.status for r in load.ingest(STORE)] == ["loaded"]  # lock released


def test_bad_store_id_is_refused_before_any_path_is_built(home):
    with pytest.raises(ConfigError):
        load.ingest("../other")


# ---------------------------------------------------------------- money stays exact


def test_gmv_is_exact_to_the_cent(put_raw):
    # 1 000 orders of 0.10 and 1 000 of 0.20: 1 000 × 0.10 + 1 000 × 0.20 = 100.00 + 200.00.
    rows = [order_row(f"{2345678901234500000 + i}", paid="0.10" if i % 2 else "0.20")
            for i in range(2000)]
    put_raw("ExportOrderList202608111200.csv", orders_csv(rows))
    (result,) = load.ingest(STORE)
    assert result.rows_kept == 2000
    ((total,),) = fetch("SELECT SUM(paid_amount) FROM orders")
    assert isinstance(total, Decimal)
    assert total == Decimal("300.00")
    assert sum([0.1, 0.2] * 1000) != 300.0  # what a float column would have given


# ---------------------------------------------------------------- other kinds


def test_shop_daily_xlsx_with_banner_loads(put_raw):
    data = xlsx_bytes([*BANNER, SHOP_DAILY,
                       row(SHOP_DAILY, 统计日期="2026-08-11", 访客数="1,234",
                           支付金额="¥12,345.60", 支付转化率="8.10%", 平均停留时长="18秒"),
                       row(SHOP_DAILY, 统计日期="合计", 访客数="1,234", 支付金额="12,345.60")])
    put_raw("【生意参谋平台】店铺整体_2026-08-11_2026-08-11.xls", data)
    (result,) = load.ingest(STORE)
    assert (result.kind, result.rows_kept, result.rows_refused) == ("shop_daily", 1, 0)
    ((day, visitors, amount, cvr, stay),) = fetch(
        "SELECT stat_date, visitors, pay_amount, pay_cvr, avg_stay_sec FROM shop_daily")
    assert (str(day), visitors, amount, stay) == ("2026-08-11", 1234, Decimal("12345.60"), 18.0)
    assert cvr == pytest.approx(0.081)


def test_gen_a_order_lines_load_with_synthetic_ids(put_raw):
    lines = [row(GEN_A_ITEMS, 订单编号=f'="{OID}"', 标题="羊毛衫", 价格="199.00", 购买数量="2",
                 订单状态="交易成功", 商家编码="SKU-1"),
             row(GEN_A_ITEMS, 订单编号=f'="{OID}"', 标题="袜子", 价格="9.90", 购买数量="3",
                 订单状态="交易成功", 商家编码="SKU-2")]
    put_raw("ExportOrderDetailList202608111200.csv", csv_bytes([GEN_A_ITEMS, *lines]))
    (result,) = load.ingest(STORE)
    assert result.kind == "order_items"
    assert fetch("SELECT sub_order_id, line_no, unit_price * qty FROM order_items "
                 "ORDER BY line_no") == [
        (f"{OID}#1", 1, Decimal("398.00")),  # 199.00 × 2
        (f"{OID}#2", 2, Decimal("29.70")),  # 9.90 × 3
    ]


# ---------------------------------------------------------------- buyer keys across files


def test_buyer_key_is_stable_across_files_and_the_salt_is_private(put_raw):
    put_raw("ExportOrderList202608111200.csv", orders_csv([order_row(OID, 买家会员名="tb_a")]))
    load.ingest(STORE)
    put_raw("ExportOrderList202608121200.csv", orders_csv([order_row(OID2, 买家会员名="tb_a")]))
    load.ingest(STORE)
    keys = {k for (k,) in fetch("SELECT buyer_key FROM orders")}
    assert len(keys) == 1
    salt: Path = paths.salt_file(STORE)
    assert stat.S_IMODE(salt.stat().st_mode) == 0o600
    assert len(load.store_salt(STORE)) == 32


def test_big_files_keep_only_loaded_columns_with_the_same_rows(put_raw, monkeypatch):
    rows = [order_row(f"{2345678901234500000 + i}", paid="1.50") for i in range(30)]
    rows.append(order_row("1.23457E+18"))  # refused: the id lost its digits
    put_raw("ExportOrderList202608111200.csv", orders_csv(rows))
    monkeypatch.setattr(load, "TRIM_ROWS", 1)
    (result,) = load.ingest(STORE)
    assert (result.rows_kept, result.rows_refused) == (30, 1)
    ((total,),) = fetch("SELECT SUM(paid_amount) FROM orders")
    assert total == Decimal("45.00")  # 30 × 1.50
    rejects = next((paths.rejects_dir(STORE)).glob("*.csv")).read_text("utf-8-sig")
    assert "1.23457E+18" in rejects and "买家支付积分" not in rejects  # an unloaded column


def test_rejects_csv_is_inert_in_a_spreadsheet(put_raw):
    bad = order_row("1.23457E+18", **{"宝贝标题": '=HYPERLINK("http://x","y")'})
    put_raw("ExportOrderList202608111200.csv", orders_csv([bad]))
    load.ingest(STORE)
    text = next(paths.rejects_dir(STORE).glob("*.csv")).read_text("utf-8-sig")
    assert "'=HYPERLINK" in text and ',"=HYPERLINK' not in text
