"""Detection (storeops.ingest.detect): which export a file is, by its header, never its name."""

from __future__ import annotations

import importlib
import itertools
import pkgutil
from pathlib import Path

import pandas as pd
import pytest

from storeops.errors import UnknownExportError
from storeops.ingest import aliases, detect
from storeops.ingest.clean import normalize_header
from storeops.ingest.readers import Sheet

from .exports import (
    BANNER,
    GEN_A_ITEMS,
    GEN_A_ORDERS,
    GEN_B_ITEMS,
    GEN_B_ORDERS,
    ITEM_ALL,
    SEARCH_WORDS,
    SHOP_DAILY,
)


def sheet(*rows: list[str]) -> Sheet:
    width = max(len(r) for r in rows)
    cells = [list(r) + [""] * (width - len(r)) for r in rows]
    return Sheet("s", pd.DataFrame(cells, columns=range(width), dtype=object))


def kind_of(header: list[str]) -> str | None:
    found = detect.match_kind([normalize_header(h) for h in header])
    return found.name if found else None


# One real header per kind that storeops loads (DATA_CONTRACT.md §1.1-1.3, §2.1), plus the
# SAMPLES of every ``tests/ingest/samples_<family>.py`` module (one per export family).
SAMPLES = {
    "orders": GEN_A_ORDERS,
    "order_items": GEN_A_ITEMS,
    "shop_daily": SHOP_DAILY,
}
for _info in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _info.name.startswith("samples_"):
        SAMPLES.update(importlib.import_module(f"{__package__}.{_info.name}").SAMPLES)


def test_every_kind_has_a_sample_header():
    assert {k.name for k in aliases.KINDS} == set(SAMPLES)


@pytest.mark.parametrize(
    ("kind", "other"),
    list(itertools.permutations([k.name for k in aliases.KINDS], 2)),
)
def test_every_pair_of_kinds_is_told_apart(kind, other):
    got = kind_of(SAMPLES[kind])
    assert got == kind
    assert got != other


@pytest.mark.parametrize(
    ("label", "header", "expected"),
    [
        ("Gen A ExportOrderList, 61 columns", GEN_A_ORDERS, "orders"),
        ("Gen A ExportOrderDetailList, 10 columns", GEN_A_ITEMS, "order_items"),
        ("Gen B 订单报表", GEN_B_ORDERS, "orders"),
        # 子订单编号/主订单编号/买家实付金额/订单付款时间 make it look like an order file, but
        # 购买数量/商品价格 say one row per line.
        ("Gen B 宝贝报表", GEN_B_ITEMS, "order_items"),
        ("2016 ExportOrderList (支付交易号, 买家姓名…)",
         ["订单编号", "买家会员名", "支付交易号", "买家应付货款", "买家实际支付金额", "订单状态",
          "收货地址 ", "订单创建时间", "订单付款时间 ", "买家姓名", "买家身份证号", "买家手机号"],
         "orders"),
        ("Gen B 订单报表, seller ticked only a few fields",
         ["订单编号", "买家实付金额", "订单创建时间", "订单状态"], "orders"),
        ("shop daily", SHOP_DAILY, "shop_daily"),
        ("shop daily, 支付商品件数 and 访客平均价值 variants",
         ["统计日期", "访客数", "支付金额", "支付商品件数", "访客平均价值"], "shop_daily"),
    ],
)
def test_real_headers_are_recognized(label, header, expected):
    assert kind_of(header) == expected, label


@pytest.mark.parametrize(
    "id_column", ["商品ID", "商品 ID", "宝贝ID", "主体ID"],
)
def test_item_file_with_visitors_and_pay_amount_is_not_shop_daily(id_column):
    # A 商品 file whose columns look like the shop overview (访客数, 支付金额) but carry an
    # item id is one row per item: loading it as shop_daily would overwrite the day's totals.
    header = ["统计日期", id_column, "商品名称", "访客数", "浏览量", "支付金额", "支付买家数"]
    assert kind_of(header) == "item_daily"


def test_sycm_item_all_file_is_not_shop_daily():
    assert kind_of(ITEM_ALL) != "shop_daily"


def test_traffic_source_file_is_not_shop_daily():
    header = ["统计日期", "流量来源", "来源明细", "访客数", "下单买家数", "支付金额", "支付转化率"]
    assert kind_of(header) == "traffic_sources"


def test_search_keyword_file_is_not_shop_daily():
    assert kind_of(SEARCH_WORDS) != "shop_daily"


def test_gen_b_item_report_subset_is_never_orders():
    header = ["子订单编号", "主订单编号", "商品标题", "买家实付金额", "订单状态", "订单创建时间",
              "订单付款时间", "商品ID"]
    assert kind_of(header) != "orders"


# ---------------------------------------------------------------- header location (§0.3)


def test_header_is_found_below_four_banner_rows():
    found = detect.detect([sheet(*BANNER, SHOP_DAILY, ["2026-08-11", "10"])], "店铺.xls")
    assert found.kind.name == "shop_daily"
    assert found.header_row == 4  # 0-based: header on row 5 of the file
    frame = detect.data_frame(found)
    assert frame.iloc[0, :2].tolist() == ["2026-08-11", "10"]
    assert len(frame) == 1


def test_header_on_row_six_of_a_second_sheet():
    first = sheet(["说明"], ["本报表仅供参考"])
    second = sheet(*BANNER, ["指标说明"], SHOP_DAILY, ["2026-08-11", "10"])
    found = detect.detect([first, second], "店铺.xls")
    assert found.sheet is second
    assert found.header_row == 5


def test_header_beyond_the_scan_window_is_not_guessed():
    rows = [["banner"]] * 15 + [SHOP_DAILY]
    with pytest.raises(UnknownExportError):
        detect.detect([sheet(*rows)], "late.xls")


def test_header_cells_with_bom_ideographic_space_and_trailing_spaces():
    header = ["\ufeff订单编号", "买家实际支付金额\u3000", "订单创建时间 ", "订单付款时间 ",
              "收货地址 "]
    found = detect.detect([sheet(header, ['="1"', "1", "2026-08-11 10:00:00", "", ""])], "a.csv")
    assert found.kind.name == "orders"
    assert found.headers == (
        "订单编号", "买家实际支付金额", "订单创建时间", "订单付款时间", "收货地址")
    assert found.raw_headers[0] == "\ufeff订单编号"  # raw kept for the load log


def test_trailing_empty_header_cells_are_dropped():
    header = ["统计日期", "访客数", "支付金额", "", ""]
    found = detect.detect([sheet(header, ["2026-08-11", "1", "2", "", ""])], "a.csv")
    assert len(found.headers) == 3
    assert detect.data_frame(found).shape == (1, 3)


def test_cs_header_bracket_quirk_normalizes():
    # 首次响应时长（秒) mixes a full-width open and a half-width close bracket [C].
    assert normalize_header("首次响应时长（秒)") == normalize_header("首次响应时长(秒)")


# ---------------------------------------------------------------- unknown files


def test_unknown_file_says_so_and_shows_its_header():
    with pytest.raises(UnknownExportError) as err:
        detect.detect([sheet(["旺旺昵称", "咨询人数", "接待人数"], ["a:b", "3", "2"])],
                      "客服绩效.xlsx")
    message = str(err.value)
    assert message.startswith("客服绩效.xlsx：")
    assert "无法判断这是哪种导出文件" in message
    assert "「旺旺昵称、咨询人数、接待人数」" in message
    for kind in aliases.KINDS:
        assert kind.label in message


def test_unknown_empty_sheet_message():
    with pytest.raises(UnknownExportError, match="（空）"):
        detect.detect([sheet([""])], "empty.xlsx")


# ---------------------------------------------------------------- unknown_columns


def test_unknown_columns_lists_a_new_column():
    header = [*GEN_A_ORDERS, "直播间来源 "]
    found = detect.detect([sheet(header)], "ExportOrderList202608111200.csv")
    assert found.unknown_columns == ["直播间来源 "]  # raw text, as in the file


def test_known_but_ignored_columns_are_not_unknown():
    found = detect.detect([sheet(GEN_A_ORDERS)], "ExportOrderList202608111200.csv")
    assert found.unknown_columns == []


def test_every_alias_is_normalized_and_unique_within_a_kind():
    for kind in aliases.KINDS:
        seen: dict[str, str] = {}
        for canonical, spec in kind.fields.items():
            for raw in spec.aliases:
                key = normalize_header(raw)
                assert seen.setdefault(key, canonical) == canonical, (kind.name, raw)
        assert set(kind.required) <= set(kind.fields)
