"""Canonical rows (storeops.ingest.build): aliases, parsers, refused rows, summary rows, PII."""

from __future__ import annotations

import pandas as pd
import pytest

from storeops.ingest import build, detect, readers

from .exports import (
    BANNER,
    GEN_A_ITEMS,
    GEN_A_ORDERS,
    GEN_B_ITEMS,
    SHOP_DAILY,
    csv_bytes,
    order_row,
    orders_csv,
    row,
    xlsx_bytes,
)

SALT = b"test-salt"


def canonical(data: bytes, name: str = "ExportOrderList202608111200.csv") -> build.Built:
    found = detect.detect(readers.read_bytes(data, name), name)
    return build.to_canonical(found, salt=SALT)


def plain(value):
    return None if pd.isna(value) else value


def record(built: build.Built, i: int = 0) -> dict:
    return {k: plain(v) for k, v in built.frame.iloc[i].to_dict().items()}


# ---------------------------------------------------------------- orders, Generation A


def gen_a_orders() -> build.Built:
    return canonical(orders_csv([
        order_row(
            "2345678901234567890", paid="1,234.50", 买家应付货款="1,200.00", 买家应付邮费="--",
            总金额="¥1,300.00", 打款商家金额="1234.50元", 订单付款时间="2026/8/11 9:05",
            订单关闭原因="订单未关闭", 是否手机订单="是", 宝贝种类="2", 宝贝总数量="3",
            退款金额="0.00", 物流单号="SF1234567890123", 支付单号="'2026081122001100001",
        ),
        order_row("2345678901234567891", status="买家已付款，等待卖家发货",
                  修改后的收货地址="上海 上海市 ***"),
        row(GEN_A_ORDERS, 订单编号="合计", 买家实际支付金额="1,333.50"),
    ]))


def test_gen_a_order_values_by_hand():
    got = record(gen_a_orders(), 0)
    assert got["order_id"] == "2345678901234567890"  # ="…" stripped, all 19 digits
    assert got["pay_no"] == "2026081122001100001"  # leading ' stripped
    assert got["paid_amount"] == "1234.50"  # "1,234.50" → exact text, never float
    assert got["goods_payable"] == "1200.00"
    assert got["postage"] is None  # "--" is missing, not 0
    assert got["list_total"] == "1300.00"  # "¥1,300.00"
    assert got["settled_amount"] == "1234.50"  # "1234.50元"
    assert got["refund_amount"] == "0.00"
    assert got["status_raw"] == "交易成功"
    assert got["status"] == "completed"
    assert got["created_at"] == pd.Timestamp("2026-08-11 09:03:00")
    assert got["paid_at"] == pd.Timestamp("2026-08-11 09:05:00")  # "2026/8/11 9:05"
    assert got["close_reason"] is None  # 订单未关闭 → NULL
    assert got["is_mobile"] is True or got["is_mobile"] == True  # noqa: E712 (numpy bool)
    assert (got["item_kinds"], got["item_qty"]) == (2, 3)
    assert got["tracking_no"] == "SF1234567890123"
    assert (got["receiver_province"], got["receiver_city"]) == ("浙江", "杭州市")
    assert got["_source_row"] == 2  # header is file row 1


def test_gen_a_orders_prefer_the_modified_address_and_map_full_width_status():
    got = record(gen_a_orders(), 1)
    assert (got["receiver_province"], got["receiver_city"]) == ("上海", "上海市")
    assert got["status"] == "paid"  # 买家已付款，等待卖家发货 (full-width comma)
    assert got["_source_row"] == 3


def test_summary_row_is_dropped_not_loaded_nor_refused():
    built = gen_a_orders()
    assert built.summary_rows == 1
    assert len(built.frame) == 2
    assert built.rejects.empty
    assert "合计" not in built.frame["order_id"].tolist()


def test_personal_data_is_used_then_dropped():
    built = gen_a_orders()
    columns = set(built.frame.columns)
    assert not columns & {"buyer_nick", "receiver_address", "receiver_mobile", "receiver_name"}
    flat = [str(v) for v in built.frame.to_numpy().ravel()]
    assert not any("tb_buyer" in v or "13812345678" in v or "文三路" in v for v in flat)
    keys = built.frame["buyer_key"]
    assert keys.iloc[0] == keys.iloc[1]  # same nick, same salted key
    assert len(keys.iloc[0]) == 32


def test_row_with_a_mangled_order_number_is_refused_with_a_reason():
    built = canonical(orders_csv([
        order_row("2345678901234567890"),
        row(GEN_A_ORDERS, 订单编号="1.23457E+18", 买家实际支付金额="10.00",
            订单创建时间="2026-08-11 10:00:00"),
        order_row("2345678901234567892", paid="abc"),
    ]))
    assert built.frame["order_id"].tolist() == ["2345678901234567890"]
    assert built.rejects["_source_row"].tolist() == [3, 4]
    first, second = built.rejects["reason"].tolist()
    assert "订单编号=1.23457E+18" in first
    assert "科学计数法" in first
    assert "买家实际支付金额=abc" in second
    assert "金额不是数字" in second
    # Rejects keep the raw row under its (trimmed) raw headers, for the operator to fix.
    assert built.rejects.loc[0, "订单编号"] == "1.23457E+18"
    assert "收货地址" in built.rejects.columns


def test_row_without_an_order_number_is_refused():
    built = canonical(orders_csv([row(GEN_A_ORDERS, 订单编号="--", 买家实际支付金额="1.00",
                                      订单创建时间="2026-08-11 10:00:00")]))
    assert built.frame.empty
    assert "缺少订单编号" in built.rejects.loc[0, "reason"]


def test_duplicate_order_in_one_file_keeps_the_last_row():
    built = canonical(orders_csv([
        order_row("2345678901234567890", status="等待买家付款"),
        order_row("2345678901234567890", status="交易关闭"),
    ]))
    assert built.frame["status"].tolist() == ["closed"]
    assert built.frame["_source_row"].tolist() == [3]


def test_subset_export_carries_only_the_columns_it_has():
    header = ["订单编号", "买家实际支付金额", "订单创建时间", "退款金额"]
    built = canonical(csv_bytes([header, ['="2345678901234567890"', "99.00",
                                          "2026-08-11 09:03:00", "99.00"]]))
    assert not set(built.frame.columns) & {
        "receiver_province", "receiver_city", "buyer_key", "status", "close_reason"}


# ---------------------------------------------------------------- order_items


def test_gen_a_lines_get_synthetic_sub_order_ids_in_file_order():
    lines = [
        row(GEN_A_ITEMS, 订单编号='="2345678901234567890"', 标题="羊毛衫", 价格="199.00",
            购买数量="2", 商品属性="颜色分类:黑色;尺码:XL", 订单状态="交易成功", 商家编码="SKU-1"),
        row(GEN_A_ITEMS, 订单编号='="2345678901234567891"', 标题="围巾", 价格="59.90",
            购买数量="1", 订单状态="交易关闭", 商家编码="SKU-2"),
        row(GEN_A_ITEMS, 订单编号='="2345678901234567890"', 标题="袜子", 价格="9.90", 购买数量="3",
            订单状态="交易成功", 外部系统编号="OUT-3"),
    ]
    built = canonical(csv_bytes([GEN_A_ITEMS, *lines]), "ExportOrderDetailList202608111200.csv")
    frame = built.frame
    assert frame["sub_order_id"].tolist() == [
        "2345678901234567890#1", "2345678901234567891#1", "2345678901234567890#2"]
    assert frame["line_no"].tolist() == [1, 1, 2]
    assert frame["unit_price"].tolist() == ["199.00", "59.90", "9.90"]
    assert frame["qty"].tolist() == [2, 1, 3]
    assert frame["status"].tolist() == ["completed", "closed", "completed"]
    assert frame["sku_props"].iloc[0] == "颜色分类:黑色;尺码:XL"
    assert plain(frame["outer_id"].iloc[2]) == "OUT-3"


def gen_b_line(sub: str, order: str, **extra: str) -> list[str]:
    values = {"子订单编号": sub, "主订单编号": order, "商品标题": "羊毛衫",
              "商品价格": "199.00", "购买数量": "1", "订单状态": "交易成功",
              "买家实付金额": "189.00", "退款状态": "没有申请退款", "退款金额": "无退款申请",
              "订单创建时间": "2026-08-11 09:03:00", "商品ID": "612345678901"}
    values.update(extra)
    return row(GEN_B_ITEMS, **values)


def test_gen_b_lines_keep_their_ids_and_no_refund_placeholder_is_null():
    data = xlsx_bytes([GEN_B_ITEMS,
                       gen_b_line("2345678901234567999", "2345678901234567890"),
                       gen_b_line("2345678901234568000", "2345678901234567890",
                                  退款状态="退款成功", 退款金额="189.00")])
    built = canonical(data, "宝贝报表.xlsx")
    assert built.rejects.empty
    frame = built.frame
    assert frame["sub_order_id"].tolist() == ["2345678901234567999", "2345678901234568000"]
    assert frame["order_id"].tolist() == ["2345678901234567890"] * 2
    assert [plain(v) for v in frame["refund_amount"]] == [None, "189.00"]  # 无退款申请 → NULL
    assert frame["item_id"].tolist() == ["612345678901"] * 2
    assert "line_no" not in frame


def test_gen_b_line_without_order_id_is_refused():
    data = xlsx_bytes([GEN_B_ITEMS, gen_b_line("2345678901234567999", "2345678901234567890"),
                       gen_b_line("2345678901234568000", "")])
    built = canonical(data, "宝贝报表.xlsx")
    assert built.frame["sub_order_id"].tolist() == ["2345678901234567999"]
    assert "主订单编号" in built.rejects.loc[0, "reason"]


# ---------------------------------------------------------------- shop_daily


def shop_daily_file(*rows: list[object]) -> bytes:
    return xlsx_bytes([*BANNER, SHOP_DAILY, *rows], sheet="整体")


def test_shop_daily_below_banner_rows_values_by_hand():
    data = shop_daily_file(
        row(SHOP_DAILY, 统计日期="2026-08-11", 访客数="1,234", 支付金额="¥12,345.60",
            支付买家数="100", 支付转化率="8.10%", 客单价="123.46", 平均停留时长="18秒",
            成功退款金额="--", **{"退款金额（支付时间）": "12.00"}),
        row(SHOP_DAILY, 统计日期="合计", 访客数="1,234", 支付金额="12,345.60"),
    )
    built = canonical(data, "【生意参谋平台】店铺整体_2026-08-11_2026-08-11.xls")
    assert built.summary_rows == 1
    got = record(built)
    assert got["stat_date"] == pd.Timestamp("2026-08-11")
    assert got["visitors"] == 1234
    assert got["pay_amount"] == "12345.60"
    assert got["pay_cvr"] == pytest.approx(0.081)  # 8.10 / 100; = 100 / 1234 rounded
    assert got["aov"] == "123.46"  # 12 345.60 / 100 = 123.456 → shown 123.46
    assert got["avg_stay_sec"] == 18.0
    assert got["refund_success_amount"] is None  # "--" is missing, not 0
    assert got["refund_amount_by_pay"] == "12.00"  # header 退款金额（支付时间） full-width
    assert got["_source_row"] == 6  # 4 banner rows + header on row 5


def test_shop_daily_period_row_is_refused():
    built = canonical(shop_daily_file(row(SHOP_DAILY, 统计日期="2026-08-01~2026-08-07",
                                          访客数="10", 支付金额="1.00")), "店铺整体.xls")
    assert built.frame.empty
    assert "请按天导出" in built.rejects.loc[0, "reason"]


def test_ratio_column_without_percent_sign_is_rejected_as_a_column():
    data = shop_daily_file(
        row(SHOP_DAILY, 统计日期="2026-08-11", 访客数="1000", 支付金额="100.00",
            支付转化率="3.52"),
        row(SHOP_DAILY, 统计日期="2026-08-12", 访客数="1000", 支付金额="100.00",
            支付转化率="0.80"),
    )
    built = canonical(data, "店铺整体.xls")
    assert built.frame["stat_date"].dt.day.tolist() == [11, 12]  # the rows are kept
    assert built.frame["pay_cvr"].isna().all()  # the column is not trusted


def test_big_files_are_parsed_in_slices_with_the_same_result(monkeypatch):
    from storeops.ingest import build

    data = orders_csv([order_row(f"{2345678901234567000 + i}") for i in range(7)])
    whole = canonical(data, "ExportOrderList202608120930.csv")
    monkeypatch.setattr(build, "CHUNK_ROWS", 3)  # 7 rows -> slices of 3, 3, 1
    sliced = canonical(data, "ExportOrderList202608120930.csv")
    pd.testing.assert_frame_equal(whole.frame, sliced.frame)
    assert sliced.frame["_source_row"].tolist() == list(range(2, 9))
