"""Buyer identity (nick, else name + mobile), the buyer_contacts side table, presale stages.

DATA_CONTRACT.md §11: only buyer_contacts keeps clear names and phones; orders keep the salted
key. Every load test runs in a throw-away home with files written by hand.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from storeops import paths, warehouse
from storeops.ingest import build, clean, detect, load, readers
from storeops.ingest.kinds.orders import presale_stage

from .exports import GEN_A_ORDERS, STORE, fetch, order_row, orders_csv

SALT = b"test-salt"
OID1, OID2, OID3 = "2345678901234567890", "2345678901234567891", "2345678901234567892"


# ---------------------------------------------------------------- clean.buyer_identity


def identity(rows: list[dict], salt: bytes = SALT) -> list:
    frame = pd.DataFrame(rows, dtype="string")
    return [None if pd.isna(k) else k for k in clean.buyer_identity(frame, salt)]


def test_fallback_order_nick_then_contact_then_none():
    keys = identity([
        {"buyer_nick": "tb_1", "receiver_name": "张三", "receiver_mobile": "'13812345678"},
        {"buyer_nick": None, "receiver_name": "张三", "receiver_mobile": "'13812345678"},
        {"buyer_nick": "t**1", "receiver_name": "张三", "receiver_mobile": "13812345678"},
        {"buyer_nick": None, "receiver_name": "张三", "receiver_mobile": None},
        {"buyer_nick": None, "receiver_name": "张**", "receiver_mobile": "138****5678"},
    ])
    nick = clean.buyer_keys(pd.Series(["tb_1"]), SALT).iloc[0]
    assert keys[0] == nick  # the nick wins when present (same key as before the fallback)
    # no nick (or one masked at source): the (name, mobile) pair; the ' before the phone dropped
    assert keys[1] == keys[2] is not None and keys[1] != nick
    assert keys[3] is None and keys[4] is None  # half a pair, or masked at source: no identity


def test_contact_key_is_normalized_and_stable_across_exports():
    keys = identity([
        {"receiver_name": "张三", "receiver_mobile": "'13812345678"},  # Gen A CSV
        {"receiver_name": " 张三 ", "receiver_mobile": "+86 138-1234-5678"},  # typed by hand
        {"receiver_name": "张三", "receiver_mobile": "13812345679"},  # another phone
        {"receiver_name": "李四", "receiver_mobile": "13812345678"},  # another person
    ])
    assert keys[0] == keys[1]
    assert len({keys[0], keys[2], keys[3]}) == 3
    assert len(keys[0]) == 32 and int(keys[0], 16) >= 0  # 32 hex characters, like nick keys
    # the same pair in a later export (a new call, other rows around it) gets the same key
    assert identity([{"receiver_name": "张三", "receiver_mobile": "13812345678"}])[0] == keys[0]


def test_keys_depend_on_the_salt():
    rows = [{"buyer_nick": "tb_1"}, {"receiver_name": "张三", "receiver_mobile": "13812345678"}]
    rows = [{"buyer_nick": None, "receiver_name": None, "receiver_mobile": None, **r}
            for r in rows]
    a, b = identity(rows, b"salt-a"), identity(rows, b"salt-b")
    assert a == identity(rows, b"salt-a")
    assert a[0] != b[0] and a[1] != b[1]


def test_a_nick_never_collides_with_a_contact_pair():
    # even a nick spelled exactly like the contact material hashes to another key
    material = "contact:张三\x1f13812345678"
    keys = identity([{"buyer_nick": material, "receiver_name": None, "receiver_mobile": None},
                     {"buyer_nick": None, "receiver_name": "张三",
                      "receiver_mobile": "13812345678"}])
    assert keys[0] != keys[1]


def test_no_identity_columns_means_no_key_column():
    assert clean.buyer_identity(pd.DataFrame({"order_id": ["1"]}), SALT) is None
    # a name without a mobile column is not a pair either
    assert clean.buyer_identity(pd.DataFrame({"receiver_name": ["张三"]}), SALT) is None


# ---------------------------------------------------------------- presale_stage


@pytest.mark.parametrize(("columns", "status", "stage"), [
    ({"stage_info": "定金已付尾款未付"}, "pending_payment", "定金"),
    ({"stage_info": "定金已付，尾款待付"}, "pending_payment", "定金"),
    ({"stage_info": "定金和尾款都付"}, "paid", "尾款"),
    ({"stage_info": "定金已付尾款已付"}, "completed", "尾款"),
    ({"stage_info": "全款预售"}, "paid", "全款预售"),
    ({"stage_info": "阶段1:已付款"}, "paid", "尾款"),  # unknown text: by the status
    ({"presale_flag": "是"}, "paid", "全款预售"),
    ({"presale_flag": "定金预售"}, "pending_payment", "定金"),
    ({"presale_flag": "否"}, "paid", None),
    ({"deposit_rank": "12"}, "pending_payment", "定金"),
    ({"deposit_rank": "12"}, "shipped", "尾款"),
    ({"deposit_order_id": "3345678901234567890"}, "completed", "尾款"),
    ({"stage_info": None, "presale_flag": None, "deposit_rank": None}, "paid", None),
])
def test_presale_stage(columns, status, stage):
    frame = pd.DataFrame([{**columns, "status": status}], dtype="string")
    got = presale_stage(frame).iloc[0]
    assert (None if pd.isna(got) else got) == stage


def test_presale_stage_needs_a_presale_column():
    assert presale_stage(pd.DataFrame({"status": ["paid"]})) is None


# ---------------------------------------------------------------- build: orders + side table


def canonical(data: bytes, name: str = "ExportOrderList202608111200.csv") -> build.Built:
    found = detect.detect(readers.read_bytes(data, name), name)
    return build.to_canonical(found, salt=SALT)


def contact_orders() -> bytes:
    return orders_csv([
        # tb_a twice: the later payment (row 3) gives the contact row
        order_row(OID1, 订单付款时间="2026-08-11 10:00:00", 收货人姓名="张三",
                  联系手机="'13812345678", 买家会员名="tb_a"),
        order_row(OID2, 订单付款时间="2026-08-10 09:00:00", 收货人姓名="王五",
                  联系手机="'13900000000", 买家会员名="tb_a",
                  收货地址="江苏省 南京市 建邺区 沙洲街道1号"),
        # no nick: known by name + mobile; a 定金 presale order not yet fully paid
        order_row(OID3, 订单付款时间="2026-08-11 00:01:00", 收货人姓名="李四",
                  联系手机="'13700001111", 买家会员名="", status="等待买家付款",
                  分阶段订单信息="定金已付尾款未付", 定金排名="3"),
    ])


def test_orders_keep_keys_and_stages_but_no_personal_data():
    built = canonical(contact_orders())
    frame = built.frame.set_index("order_id")
    for col in ("buyer_nick", "receiver_name", "receiver_mobile", "receiver_address",
                "stage_info", "deposit_rank"):
        assert col not in frame
    assert frame.loc[OID1, "buyer_key"] == frame.loc[OID2, "buyer_key"]
    assert frame.loc[OID3, "buyer_key"] == identity(
        [{"receiver_name": "李四", "receiver_mobile": "13700001111"}])[0]
    assert frame["presale_stage"].isna().tolist() == [True, True, False]
    assert frame.loc[OID3, "presale_stage"] == "定金"


def test_contact_side_table_keeps_the_latest_paid_order_per_buyer():
    built = canonical(contact_orders())
    side = built.side["buyer_contacts"].set_index("buyer_nick", drop=False)
    assert len(side) == 2  # tb_a once, 李四 once
    a = side.loc["tb_a"]
    # 08-11 10:00 is later than 08-10 09:00: 张三's row wins, with its own address
    assert (a["receiver_name"], a["receiver_phone"], a["last_order_id"]) == (
        "张三", "13812345678", OID1)
    assert (a["receiver_province"], a["receiver_city"]) == ("浙江", "杭州市")
    assert a["_source_row"] == 2  # header is row 1
    li = built.side["buyer_contacts"].loc[lambda d: d["buyer_nick"].isna()].iloc[0]
    assert (li["receiver_name"], li["receiver_phone"]) == ("李四", "13700001111")
    assert li["last_paid_at"] == pd.Timestamp("2026-08-11 00:01:00")


def test_slices_of_a_big_file_merge_to_the_latest_paid(monkeypatch):
    # newest first, as exported: with 1-row slices the latest payment is in the first slice
    monkeypatch.setattr(build, "CHUNK_ROWS", 1)
    built = canonical(orders_csv([
        order_row(OID1, 订单付款时间="2026-08-12 10:00:00", 收货人姓名="新地址",
                  联系手机="13812345678", 买家会员名="tb_a"),
        order_row(OID2, 订单付款时间="2026-08-01 10:00:00", 收货人姓名="旧地址",
                  联系手机="13812345678", 买家会员名="tb_a"),
    ]))
    side = built.side["buyer_contacts"]
    assert side["receiver_name"].tolist() == ["新地址"]


# ---------------------------------------------------------------- load


def contact_rows() -> list[tuple]:
    return fetch("SELECT buyer_nick, receiver_name, receiver_phone, last_order_id "
                 "FROM buyer_contacts ORDER BY buyer_nick NULLS LAST")


def test_load_writes_contacts_and_reingest_is_a_no_op(put_raw):
    put_raw("ExportOrderList202608111200.csv", contact_orders())
    (first,) = load.ingest(STORE)
    assert (first.status, first.rows_kept) == ("loaded", 3)
    assert contact_rows() == [("tb_a", "张三", "13812345678", OID1),
                              (None, "李四", "13700001111", OID3)]
    keys = fetch("SELECT o.order_id FROM orders o JOIN buyer_contacts c USING (buyer_key) "
                 "ORDER BY 1")
    assert keys == [(OID1,), (OID2,), (OID3,)]
    assert fetch("SELECT presale_stage FROM orders WHERE order_id = $o", o=OID3) == [("定金",)]
    before = fetch("SELECT * FROM buyer_contacts")
    (again,) = load.ingest(STORE)
    assert again.status == "skipped"
    assert fetch("SELECT * FROM buyer_contacts") == before


def test_newer_export_wins_and_a_masked_export_erases_nothing(put_raw):
    put_raw("ExportOrderList202608111200.csv", contact_orders())
    # a later export: tb_a paid again, moved to 赵六's address
    put_raw("ExportOrderList202608201200.csv", orders_csv([
        order_row("2345678901234567899", 订单付款时间="2026-08-19 10:00:00", 收货人姓名="赵六",
                  联系手机="'13611112222", 买家会员名="tb_a")]))
    load.ingest(STORE)
    assert contact_rows()[0] == ("tb_a", "赵六", "13611112222", "2345678901234567899")
    # masked at source (t**a, 赵**, 136****2222): no identity, so no contact row and no key
    put_raw("ExportOrderList202608251200.csv", orders_csv([
        order_row("2345678901234567898", 订单付款时间="2026-08-24 10:01:00", 买家会员名="t**a",
                  收货人姓名="赵**", 联系手机="136****2222")]))
    # a later file with the nick but blank name and phone columns: the stored ones are kept
    put_raw("ExportOrderList202608261200.csv", orders_csv([
        order_row("2345678901234567897", 订单付款时间="2026-08-25 10:01:00", 买家会员名="tb_a",
                  收货人姓名="", 联系手机="")]))
    results = [r for r in load.ingest(STORE) if r.status == "loaded"]
    assert len(results) == 2
    assert fetch("SELECT buyer_key FROM orders WHERE order_id = '2345678901234567898'") == [
        (None,)]
    assert contact_rows() == [("tb_a", "赵六", "13611112222", "2345678901234567897"),
                              (None, "李四", "13700001111", OID3)]


def test_an_older_export_loaded_later_does_not_replace_contacts(put_raw):
    put_raw("ExportOrderList202608201200.csv", orders_csv([
        order_row(OID1, 订单付款时间="2026-08-19 10:00:00", 收货人姓名="新",
                  联系手机="13611112222", 买家会员名="tb_a")]))
    load.ingest(STORE)
    put_raw("ExportOrderList202608011200.csv", orders_csv([
        order_row(OID2, 订单付款时间="2026-07-30 10:00:00", 收货人姓名="旧",
                  联系手机="13611112222", 买家会员名="tb_a")]))
    load.ingest(STORE)
    assert contact_rows() == [("tb_a", "新", "13611112222", OID1)]


def test_refused_orders_give_no_contact_rows(put_raw):
    put_raw("ExportOrderList202608111200.csv", orders_csv([
        order_row(OID1, 订单付款时间="2026-08-11 10:00:00", 收货人姓名="张三",
                  联系手机="13812345678", 买家会员名="tb_a"),
        order_row("", 订单付款时间="2026-08-11 11:00:00", 收货人姓名="无单号",
                  联系手机="13812345679", 买家会员名="tb_b"),
    ]))
    (result,) = load.ingest(STORE)
    assert result.rows_refused == 1
    assert contact_rows() == [("tb_a", "张三", "13812345678", OID1)]


def test_an_old_warehouse_gains_the_new_columns_and_table(home):
    con = warehouse.connect(STORE, read_only=False)
    con.execute("DROP TABLE buyer_contacts")
    con.execute("ALTER TABLE orders DROP COLUMN presale_stage")
    con.execute("ALTER TABLE competitor_items DROP COLUMN price")
    con.close()
    con = warehouse.connect(STORE, read_only=False)  # the next ingest opens it like this
    try:
        assert "presale_stage" in warehouse.table_columns(con, "orders")
        assert "price" in warehouse.table_columns(con, "competitor_items")
        assert "receiver_phone" in warehouse.table_columns(con, "buyer_contacts")
    finally:
        con.close()
    paths.raw_dir(STORE).joinpath("ExportOrderList202608111200.csv").write_bytes(
        contact_orders())
    (result,) = load.ingest(STORE)
    assert result.status == "loaded"
    assert fetch("SELECT count(*) FROM buyer_contacts") == [(2,)]


def test_contacts_table_is_the_only_one_with_clear_names(put_raw):
    put_raw("ExportOrderList202608111200.csv", contact_orders())
    load.ingest(STORE)
    con = duckdb.connect(str(paths.warehouse_file(STORE)), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT internal").fetchall()]
        holding = []
        for t in tables:
            cells = con.execute(f'SELECT * FROM "{t}"').fetchall()  # noqa: S608
            if any(isinstance(v, str) and ("张三" in v or "13812345678" in v or v == "tb_a")
                   for r in cells for v in r):
                holding.append(t)
    finally:
        con.close()
    assert holding == ["buyer_contacts"]


def test_gen_a_header_is_fully_known():
    found = detect.detect(readers.read_bytes(orders_csv([order_row(OID1)]), "x.csv"), "x.csv")
    assert found.unknown_columns == []
    assert len(GEN_A_ORDERS) == 61

