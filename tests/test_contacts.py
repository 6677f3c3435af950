"""storeops.contacts: clear rows for the private recall CSV, masked rows for the HTML."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from storeops import contacts, warehouse


@pytest.fixture
def con(tmp_path, monkeypatch):
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    con = warehouse.connect("c", read_only=False)
    warehouse.upsert(con, "buyer_contacts", pd.DataFrame([
        {"shop_id": "c", "buyer_key": "k1", "buyer_nick": "tb_abc1", "receiver_name": "张三丰",
         "receiver_phone": "13812341234", "receiver_province": "浙江",
         "receiver_city": "杭州市", "last_order_id": "2345678901234567890",
         "last_paid_at": datetime(2026, 11, 11, 0, 1)},  # noqa: DTZ001 - naive Shanghai time
        {"shop_id": "c", "buyer_key": "k2", "buyer_nick": None, "receiver_name": "李四",
         "receiver_phone": "05718888666", "receiver_province": "上海",
         "receiver_city": None, "last_order_id": "2345678901234567891",
         "last_paid_at": datetime(2026, 11, 12, 9, 30)},  # noqa: DTZ001
    ]))
    yield con
    con.close()


def test_clear_rows_in_the_order_asked(con):
    got = contacts.contacts(con, ["k2", "missing", "k1", "k2", None])
    assert got.columns.tolist() == contacts.COLUMNS
    assert got["buyer_key"].tolist() == ["k2", "k1"]  # unknown keys and repeats left out
    first = got.iloc[1]
    assert (first["buyer_nick"], first["receiver_name"], first["receiver_phone"]) == (
        "tb_abc1", "张三丰", "13812341234")


def test_masked_rows_hide_names_and_phones(con):
    got = contacts.masked(con, ["k1", "k2"])
    assert got.columns.tolist() == contacts.MASKED_COLUMNS
    assert got.drop(columns="last_paid_at").to_dict("records") == [
        {"buyer_key": "k1", "buyer_nick": "t**1", "receiver_name": "张**",
         "receiver_phone": "138****1234", "region": "浙江 杭州市"},
        {"buyer_key": "k2", "buyer_nick": "", "receiver_name": "李**",
         "receiver_phone": "0571-****", "region": "上海"},
    ]
    text = got.to_string()
    for clear in ("张三丰", "13812341234", "tb_abc1", "88886"):
        assert clear not in text


def test_no_keys_or_no_table_gives_an_empty_frame(con):
    assert contacts.contacts(con, []).empty
    con.execute("DROP TABLE buyer_contacts")  # a warehouse not yet migrated
    assert contacts.masked(con, ["k1"]).columns.tolist() == contacts.MASKED_COLUMNS
    assert contacts.contacts(con, ["k1"]).empty
