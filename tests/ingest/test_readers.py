# ruff: noqa: DTZ001 - naive datetimes: the warehouse keeps Asia/Shanghai times naive
"""Readers (storeops.ingest.readers): sniff by bytes, decode, and return every cell as text."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storeops.errors import FileFormatError
from storeops.ingest import clean, readers

from .exports import (
    BANNER,
    GEN_A_ITEMS,
    PROPERTY,
    SHOP_DAILY,
    csv_bytes,
    row,
    series,
    xlsx_bytes,
    zip_bytes,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


def grid(sheets):
    """The single sheet's cells as a list of lists."""
    assert len(sheets) == 1
    return sheets[0].rows.to_numpy().tolist()


# ---------------------------------------------------------------- sniff (§0.1)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, "xls"),  # OLE2 / BIFF
        (b"PK\x03\x04\x14\x00\x06\x00", "zip"),  # xlsx is a zip; told apart by its members
        (b"<html xmlns:o='urn:schemas-microsoft-com:office:office'>", "html"),
        (b"<HTML><BODY>", "html"),
        (b"<table border=1>", "html"),
        (b"<!DOCTYPE html>", "html"),
        (b"\xef\xbb\xbf\r\n  <html>", "html"),  # BOM and blank lines first
        ("订单编号,买家会员名".encode("gb18030"), "text"),
        ("\ufeff统计日期,访客数".encode(), "text"),
        (b"a\tb\tc\r\n", "text"),
    ],
)
def test_sniff(head, expected):
    assert readers.sniff(head) == expected


def test_extension_is_not_trusted():
    # A 生意参谋 ".xls" that is really tab-separated text is read as text.
    data = csv_bytes([["统计日期", "访客数"], ["2026-08-11", "1,234"]], sep="\t")
    assert grid(readers.read_bytes(data, "【生意参谋平台】店铺.xls")) == [
        ["统计日期", "访客数"], ["2026-08-11", "1,234"]]


# ---------------------------------------------------------------- decode (§0.2)


text_cn_ascii = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK ideographs
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),  # printable ASCII
        st.sampled_from("\r\n\t，。：（）¥"),
    ),
    max_size=60,
)


@PROPERTY
@given(text_cn_ascii)
def test_decode_round_trips_utf8_with_and_without_bom(text):
    assert readers.decode(text.encode("utf-8"), "f.csv") == text
    assert readers.decode(text.encode("utf-8-sig"), "f.csv") == text


@PROPERTY
@given(text_cn_ascii)
def test_decode_round_trips_gb18030_export_text(text):
    # A real GBK export starts with its Chinese header ("订" is B6 A9 in GBK: B6 cannot start a
    # UTF-8 sequence), so the strict UTF-8 attempt fails and GB18030 is used (§0.2). A bare
    # fragment of GBK bytes can, by chance, also be valid UTF-8: that ambiguity is inherent in
    # "try UTF-8 first" and is not what this property checks.
    text = "订单编号,买家会员名\r\n" + text
    assert readers.decode(text.encode("gb18030"), "f.csv") == text


def test_decode_reads_rare_characters_beyond_gbk():
    # 𠮷 (U+20BB7) exists in GB18030 (4-byte) but not in GBK: names and addresses hold such.
    text = "收货人姓名\r\n𠮷野家,䶮\r\n"
    assert readers.decode(text.encode("gb18030"), "f.csv") == text


def test_decode_refuses_bytes_that_are_no_text_with_a_chinese_sentence():
    with pytest.raises(FileFormatError, match="既不是 UTF-8 也不是 GBK") as err:
        readers.decode(b"\x81\x30\xff\xff", "坏文件.csv")
    assert "坏文件.csv" in str(err.value)


# ---------------------------------------------------------------- CSV / text


def test_gb18030_and_utf8_bom_csv_give_the_same_grid():
    lines = [GEN_A_ITEMS, row(GEN_A_ITEMS, 订单编号='="2345678901234567890"', 标题="羊毛衫 女",
                              价格="199.00", 购买数量="2", 订单状态="交易成功", 商家编码="SKU-1")]
    gbk = readers.read_bytes(csv_bytes(lines, encoding="gb18030"), "a.csv")
    bom = readers.read_bytes(csv_bytes(lines, encoding="utf-8-sig", newline="\n"), "b.csv")
    assert grid(gbk) == grid(bom) == [list(c) for c in lines]


def test_bom_is_not_left_on_the_first_header_cell():
    sheets = readers.read_bytes("订单编号,标题\n1,x\n".encode("utf-8-sig"), "a.csv")
    assert grid(sheets)[0][0] == "订单编号"


def test_csv_cells_stay_text_exactly_as_written():
    # A value holding a comma comes quoted; the ="…" and ' protections stay for clean.parse_id.
    data = csv_bytes([["订单编号", "联系手机", "价格", "商家编码"],
                      ['="2345678901234567890"', "'13812345678", "1,234.50", "007"]])
    assert grid(readers.read_bytes(data, "a.csv"))[1] == [
        '="2345678901234567890"', "'13812345678", "1,234.50", "007"]


def test_ragged_rows_are_padded_with_empty_cells():
    data = "统计日期,访客数,支付金额\r\n2026-08-11,10\r\n2026-08-12,11,5.00\r\n".encode()
    assert grid(readers.read_bytes(data, "a.csv")) == [
        ["统计日期", "访客数", "支付金额"], ["2026-08-11", "10", ""], ["2026-08-12", "11", "5.00"]]


def test_trailing_blank_lines_are_dropped():
    data = "统计日期,访客数\r\n2026-08-11,10\r\n,\r\n\r\n".encode()
    assert len(grid(readers.read_bytes(data, "a.csv"))) == 2


def test_truncated_csv_raises_file_format_error():
    lines = [GEN_A_ITEMS] + [
        row(GEN_A_ITEMS, 订单编号=f'="23456789012345678{i}"', 标题="羊毛衫", 价格="199.00",
            购买数量="1", 订单状态="交易成功", 商家编码="SKU-1") for i in range(5)
    ]
    whole = csv_bytes(lines).decode("gb18030")
    cut = whole[: whole.rindex("羊毛衫") + 3]  # last line stops inside the row, no newline
    with pytest.raises(FileFormatError, match="中途结束") as err:
        readers.read_bytes(cut.encode("gb18030"), "ExportOrderDetailList202608111200.csv")
    assert "第 6 行" in str(err.value)  # header + 5 rows: the 6th line is the cut one
    assert CJK.search(str(err.value))


def test_complete_csv_without_final_newline_is_not_truncated():
    data = csv_bytes([["统计日期", "访客数"], ["2026-08-11", "10"]], trailing_newline=False)
    assert grid(readers.read_bytes(data, "a.csv")) == [
        ["统计日期", "访客数"], ["2026-08-11", "10"]]


@pytest.mark.parametrize("data", [b"", b"  \r\n "])
def test_empty_file_raises(data):
    with pytest.raises(FileFormatError, match="文件是空的"):
        readers.read_bytes(data, "a.csv")


def test_binary_junk_is_not_read_as_text():
    with pytest.raises(FileFormatError, match="二进制"):
        readers.read_bytes(b"abc\x00\x01\x02" * 20, "a.csv")


def test_tab_separated_text_is_detected():
    data = "统计日期\t访客数\t支付金额\r\n2026-08-11\t1,234\t¥1,234.50\r\n".encode("gb18030")
    assert grid(readers.read_bytes(data, "a.xls"))[1] == ["2026-08-11", "1,234", "¥1,234.50"]


# ---------------------------------------------------------------- xlsx / xls


def shop_daily_xlsx() -> bytes:
    header = [*SHOP_DAILY[:5], "支付转化率", "平均停留时长"]
    return xlsx_bytes(
        [*BANNER, header,
         [datetime(2026, 8, 11), 1234, 1234.5, 17, 3, 0.0352, "18秒"],
         ["2026-08-12", 1000, 99, 0, 0, "3.52%", 12.25]],
        sheet="整体",
    )


def test_xlsx_with_banner_rows_is_read_as_text():
    sheets = readers.read_bytes(shop_daily_xlsx(), "【生意参谋平台】店铺整体.xls")
    assert [s.name for s in sheets] == ["整体"]
    cells = grid(sheets)
    assert cells[0][0] == "【生意参谋平台】店铺整体"
    assert cells[4][:3] == ["统计日期", "访客数", "浏览量"]
    # Numbers come back as the text Excel shows: integers without ".0", floats as written.
    assert cells[5] == ["2026-08-11", "1234", "1234.5", "17", "3", "0.0352", "18秒"]
    assert cells[6] == ["2026-08-12", "1000", "99", "0", "0", "3.52%", "12.25"]
    assert all(isinstance(v, str) for r in cells for v in r)


def test_xlsx_item_id_number_keeps_every_digit():
    data = xlsx_bytes([["商品ID", "货号"], [612345678901, "007"]])
    assert grid(readers.read_bytes(data, "a.xlsx"))[1] == ["612345678901", "007"]


def test_xlsx_numeric_19_digit_id_is_flagged_by_parse_id():
    # A 19-digit order number stored as a number has lost digits (float holds ~15.9 digits);
    # the reader shows it in scientific notation so clean.parse_id refuses it (§0.5).
    data = xlsx_bytes([["订单编号"], [2345678901234567890]])
    cell = grid(readers.read_bytes(data, "a.xlsx"))[1][0]
    assert "e+" in cell.lower()
    assert bool(clean.parse_id(series(cell))[1].iloc[0])


def test_xlsx_numeric_16_digit_id_beyond_float_precision_is_flagged():
    data = xlsx_bytes([["订单编号"], [9876543210987653]])
    cell = grid(readers.read_bytes(data, "a.xlsx"))[1][0]
    assert bool(clean.parse_id(series(cell))[1].iloc[0])


def test_xlsx_cut_in_half_raises_with_a_chinese_sentence():
    data = shop_daily_xlsx()
    with pytest.raises(FileFormatError) as err:
        readers.read_bytes(data[: len(data) // 2], "商品_全部.xlsx")
    message = str(err.value)
    assert "商品_全部.xlsx" in message
    assert "请重新下载" in message
    assert CJK.search(message.split("：", 1)[1])


def test_broken_ole2_xls_raises_file_format_error():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(FileFormatError, match="Excel 文件无法打开"):
        readers.read_bytes(data, "店铺流量来源.xls")


# ---------------------------------------------------------------- zip (§0.1)


def test_zip_holding_one_csv_is_read():
    inner = csv_bytes([["日期", "计划名字", "花费"], ["2026-08-11", "日常推广", "12.30"]])
    sheets = readers.read_bytes(zip_bytes({"商品报表_8月11.csv": inner}), "商品报表_8月11.zip")
    assert grid(sheets) == [["日期", "计划名字", "花费"], ["2026-08-11", "日常推广", "12.30"]]


def test_zip_with_several_files_asks_to_unpack():
    data = zip_bytes({"a.csv": b"x,y\n1,2\n", "b.csv": b"x,y\n1,2\n"})
    with pytest.raises(FileFormatError, match="压缩包里有 2 个文件"):
        readers.read_bytes(data, "reports.zip")


def test_zip_holding_an_xlsx_is_read():
    data = zip_bytes({"订单报表.xlsx": xlsx_bytes([["订单编号"], ["2345678901234567890"]])})
    assert grid(readers.read_bytes(data, "订单报表.zip")) == [
        ["订单编号"], ["2345678901234567890"]]


# ---------------------------------------------------------------- HTML saved as .xls (§0.1)

HTML_XLS = (
    "<html><head><meta charset='utf-8'></head><body><table>"
    "<tr><th>统计日期</th><th>商品ID</th><th>货号</th><th>访客数</th><th>支付金额</th></tr>"
    "<tr><td>2026-08-11</td><td>612345678901</td><td>007</td><td>1,234</td><td>99.50</td></tr>"
    "</table></body></html>"
)


def test_html_table_saved_as_xls_is_read_as_exact_text():
    sheets = readers.read_bytes(HTML_XLS.encode("utf-8"), "【生意参谋平台】商品_全部.xls")
    assert grid(sheets) == [
        ["统计日期", "商品ID", "货号", "访客数", "支付金额"],
        ["2026-08-11", "612345678901", "007", "1,234", "99.50"],
    ]
