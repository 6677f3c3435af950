# ruff: noqa: DTZ001 - naive datetimes: the warehouse keeps Asia/Shanghai times naive
"""客服绩效, 询单, 退款, 评价 and DSR kinds (storeops.ingest.kinds.service, DATA_CONTRACT §4-§6).

Fixtures are written the way the back-ends write them: 客服绩效 and 退款单 as xlsx with the
header on row 1, the 退款管理 Gen A export as GB18030 CSV with ``="…"`` ids, the DSR snapshot
as one sheet holding two blocks.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest

from storeops import paths
from storeops.errors import IngestError, MissingColumnsError
from storeops.ingest import build, detect, load, readers, schemas
from storeops.ingest.clean import normalize_header

from .exports import STORE, csv_bytes, fetch, row, xlsx_bytes
from .samples_service import (
    CS_AGENTS,
    CS_SHOP_INQUIRY,
    CS_SUMMARY_LABELS,
    DSR_180D,
    DSR_180D_VARIANT,
    DSR_DAILY,
    REFUNDS_GEN_A,
    REFUNDS_GEN_B,
    REVIEWS,
)

SALT = b"test-salt"
CS_FILE = "自制报表-报表查看-客服绩效_20260811_20260811_全部.xlsx"
DSR_FILE = "店铺DSR数据_2026-08-11.xlsx"
OID = "2345678901234567890"
OID2 = "2345678901234567891"


def kind_of(header: list[str]) -> str | None:
    found = detect.match_kind([normalize_header(h) for h in header])
    return found.name if found else None


def built_all(data: bytes, name: str) -> list[build.Built]:
    """Every block of a file, built as load does (before the schema checks)."""
    return [build.to_canonical(found, salt=SALT)
            for found in detect.detect_all(readers.read_bytes(data, name), name)]


def canonical(data: bytes, name: str) -> build.Built:
    (built,) = built_all(data, name)
    return built


def plain(value):
    return None if pd.isna(value) else value


def records(frame: pd.DataFrame) -> list[dict]:
    return [{k: plain(v) for k, v in r.items()} for r in frame.to_dict("records")]


def table(name: str, order: str) -> list[tuple]:
    return fetch(f"SELECT * FROM {name} ORDER BY {order}")  # noqa: S608


def ingest_twice(tables: dict[str, str]) -> dict[str, list[tuple]]:
    """Ingest the raw folder, then again: the second run must skip and change nothing."""
    first = load.ingest(STORE)
    assert {r.status for r in first} == {"loaded"}, [r.message for r in first]
    before = {t: table(t, o) for t, o in tables.items()}
    again = load.ingest(STORE)
    assert [(r.status, r.rows_kept) for r in again] == [("skipped", 0)] * len(first)
    after = {t: table(t, o) for t, o in tables.items()}
    assert after == before  # every row, _loaded_at included, unchanged
    return after


# ================================================================ detection


@pytest.mark.parametrize(
    ("label", "header", "expected"),
    [
        ("客服绩效, every column seen", CS_AGENTS, "cs_agents"),
        ("客服绩效, brackets both full-width, 10 chosen columns",
         ["旺旺昵称", "旺旺分组", "咨询人数", "接待人数", "询单人数", "询单最终付款人数",
          "询单最终付款转化率", "销售额", "首次响应时长（秒）", "平均响应时长（秒）"],
         "cs_agents"),
        ("客服绩效 without 询单人数 but with response times",
         ["旺旺昵称", "接待人数", "首次响应时长（秒)", "旺旺回复率"], "cs_agents"),
        ("shop-level 询单", CS_SHOP_INQUIRY, "cs_shop_inquiry"),
        ("退款管理 Gen A", REFUNDS_GEN_A, "refunds"),
        ("退款单 Gen B", REFUNDS_GEN_B, "refunds"),
        ("退款管理 Gen A, '_' separators and 退款申请时间",
         [h.replace("/", "_").replace("退款的申请时间", "退款申请时间") for h in REFUNDS_GEN_A],
         "refunds"),
        ("评价 export, expected columns", REVIEWS, "reviews"),
        ("评价 export with 评价ID and 星级",
         ["评价ID", "评价时间", "宝贝ID", "买家昵称", "星级", "评价内容", "商家回复"], "reviews"),
        ("DSR 180-day block", DSR_180D, "dsr"),
        ("DSR 180-day block, other spelling", DSR_180D_VARIANT, "dsr"),
        ("DSR daily block", DSR_DAILY, "dsr_daily"),
    ],
)
def test_service_headers_are_recognized(label, header, expected):
    assert kind_of(header) == expected, label


def test_nick_list_with_only_consult_counts_is_not_taken_for_cs_agents():
    # 旺旺昵称 with 咨询/接待 only says nothing about performance: not enough to be sure.
    assert kind_of(["旺旺昵称", "咨询人数", "接待人数"]) is None


def test_agent_file_with_a_date_column_is_not_the_shop_inquiry_file():
    assert kind_of(["旺旺昵称", "日期", "询单人数", "最终付款人数"]) == "cs_agents"


def test_dsr_sheet_holds_two_blocks_found_one_below_the_other():
    found = detect.detect_all(readers.read_bytes(dsr_file(), DSR_FILE), DSR_FILE)
    assert [(f.kind.name, f.header_row, f.n_rows) for f in found] == [
        ("dsr", 1, 3),  # header on row 2, rows 3-5, then the blank row ends the block
        ("dsr_daily", 7, None),  # header on row 8, to the end of the sheet
    ]


def test_service_kinds_have_schemas_with_their_checks():
    for name in ("cs_agents", "cs_shop_inquiry", "refunds", "reviews", "dsr", "dsr_daily"):
        assert name in schemas.SCHEMAS
    refund_checks = schemas.SCHEMAS["refunds"].columns["refund_amount"].checks
    assert "金额格式" in [c.name for c in refund_checks]
    assert "score" in schemas.SCHEMAS["dsr_daily"].columns


# ================================================================ 客服绩效 (§4.1)


def cs_agents_file(*extra: list[object]) -> bytes:
    return xlsx_bytes([
        CS_AGENTS,
        row(CS_AGENTS, 旺旺昵称="旗舰店:小王", 旺旺分组="售前组", 咨询人数="120", 接待人数="110",
            有效接待人数="100", 询单人数="80", 询单最终付款人数="20", 询单最终付款转化率="25.00%",
            询单最终付款金额="3,456.70", 销售人数="22", 销售额="3,800.00", 净销售额="3,700.50",
            **{"首次响应时长（秒)": "18秒", "平均响应时长（秒)": "25.5"}, 旺旺回复率="98.50%",
            客户满意率="96.5%", 成功退款金额="99.50"),
        # numbers typed as numbers by xlsx; a ratio cell already a fraction
        [*row(CS_AGENTS, 旺旺昵称="旗舰店:小李", 旺旺分组="售前组")[:5], 40, "", 10, 0.25],
        *extra,
        *[row(CS_AGENTS, 旺旺昵称=label, 询单人数=inquiry, 询单最终付款人数=paid,
              询单最终付款转化率=cvr, 销售额=sales, **{"首次响应时长（秒)": first})
          for label, inquiry, paid, cvr, sales, first in [
              ("汇总值", "120", "30", "25.00%", "5,000.00", "15"),
              ("平均值", "60", "15", "25.00%", "2,500.00", "15"),
              ("全店汇总值", "130", "31", "23.85%", "5,200.00", "16"),
              ("全店平均值", "65", "15.5", "23.85%", "2,600.00", "16"),
              ("同行同层优秀", "--", "--", "40.00%", "--", "8"),
              ("同行同层均值", "--", "--", "30.00%", "--", "20"),
          ]],
    ])


def test_cs_agents_values_by_hand():
    built = canonical(cs_agents_file(), CS_FILE)
    wang, li = records(built.frame)
    assert wang == {
        "agent_nick": "旗舰店:小王", "main_account": "旗舰店", "sub_account": "小王",
        "agent_group": "售前组", "consult_users": 120, "served_users": 110,
        "valid_served_users": 100, "inquiry_users": 80, "inquiry_paid_users": 20,
        "inquiry_cvr": pytest.approx(0.25),  # "25.00%" / 100 = 20 / 80
        "inquiry_paid_amount": "3456.70", "sales_users": 22, "sales_amount": "3800.00",
        "net_sales": "3700.50", "first_resp_sec": 18.0,  # "18秒" -> 18
        "avg_resp_sec": 25.5, "reply_rate": pytest.approx(0.985),
        "satisfaction_rate": pytest.approx(0.965), "refund_amount": "99.50",
        "stat_date": pd.Timestamp("2026-08-11"),  # from the file name: no date column
        "_source_row": 2,
    }
    assert (li["inquiry_users"], li["inquiry_paid_users"], li["inquiry_cvr"]) == (40, 10, 0.25)
    assert li["_source_row"] == 3


def test_cs_summary_rows_go_to_benchmarks_never_to_agents():
    built = canonical(cs_agents_file(), CS_FILE)
    assert built.summary_rows == 6
    assert not set(built.frame["agent_nick"]) & set(CS_SUMMARY_LABELS)
    bench = built.side["cs_benchmarks"]
    assert bench["row_label"].tolist() == CS_SUMMARY_LABELS
    assert set(bench.columns) <= {"stat_date", "row_label", "inquiry_users",
                                  "inquiry_paid_users", "inquiry_cvr", "first_resp_sec",
                                  "avg_resp_sec", "reply_rate", "satisfaction_rate",
                                  "sales_amount", "_source_row"}
    shop = records(bench)[2]
    assert shop["row_label"] == "全店汇总值"
    assert shop["stat_date"] == pd.Timestamp("2026-08-11")
    # 汇总值 120 = 80 + 40 agents' 询单人数; the shop total 130 is larger (unassigned chats)
    assert (shop["inquiry_users"], shop["sales_amount"]) == (130, "5200.00")
    assert shop["inquiry_cvr"] == pytest.approx(0.2385)  # 31 / 130 = 0.23846 shown 23.85%
    assert shop["_source_row"] == 6  # header row 1, 2 agents, 汇总值, 平均值, then this row
    peer = records(bench)[5]
    assert (peer["row_label"], peer["inquiry_users"], peer["first_resp_sec"]) == (
        "同行同层均值", None, 20.0)  # "--" is missing, not 0


def test_cs_agent_with_a_bad_count_is_refused_with_a_reason():
    built = canonical(cs_agents_file(
        row(CS_AGENTS, 旺旺昵称="旗舰店:小赵", 询单人数="12.5"),
        row(CS_AGENTS, 旺旺分组="售后组", 询单人数="3"),  # no nick at all
    ), CS_FILE)
    assert built.frame["agent_nick"].tolist() == ["旗舰店:小王", "旗舰店:小李"]
    reasons = built.rejects["reason"].tolist()
    assert reasons[0] == "询单人数=12.5：数量不是整数；"
    assert reasons[1] == "缺少旺旺昵称；"
    assert built.rejects["_source_row"].tolist() == [4, 5]


def test_cs_file_where_every_rate_is_a_whole_percent_loads():
    # Whole percents only (96%, 98%): common for 满意率/回复率 in a small team's file.
    built = canonical(xlsx_bytes([
        CS_AGENTS,
        row(CS_AGENTS, 旺旺昵称="旗舰店:小王", 询单人数="5", 客户满意率="96%"),
        row(CS_AGENTS, 旺旺昵称="旗舰店:小李", 询单人数="6", 客户满意率="98%"),
    ]), CS_FILE)
    assert built.frame["satisfaction_rate"].tolist() == pytest.approx([0.96, 0.98])


def test_cs_nick_without_sub_account_keeps_main_only():
    built = canonical(xlsx_bytes([CS_AGENTS, row(CS_AGENTS, 旺旺昵称="旗舰店", 询单人数="5")]),
                      CS_FILE)
    got = records(built.frame)[0]
    assert (got["agent_nick"], got["main_account"], got["sub_account"]) == (
        "旗舰店", "旗舰店", None)


def test_cs_period_file_is_refused_whole_asking_for_a_daily_export():
    name = "自制报表-报表查看-客服绩效_20260801_20260807_全部.xlsx"
    with pytest.raises(IngestError, match="请按单日导出") as err:
        built_all(cs_agents_file(), name)
    assert "2026-08-01 至 2026-08-07" in str(err.value)


def test_cs_file_without_a_date_in_its_name_is_refused_naming_the_date():
    with pytest.raises(MissingColumnsError, match="文件名中找不到日期"):
        built_all(cs_agents_file(), "客服绩效.xlsx")


def test_cs_agents_load_and_reingest(put_raw):
    put_raw(CS_FILE, cs_agents_file())
    ingest_twice({"cs_agents": "agent_nick", "cs_benchmarks": "row_label", "manifest": "kind"})
    assert fetch("SELECT stat_date, agent_nick, sub_account, inquiry_paid_amount, reply_rate "
                 "FROM cs_agents ORDER BY _source_row") == [
        (date(2026, 8, 11), "旗舰店:小王", "小王", Decimal("3456.70"), 0.985),
        (date(2026, 8, 11), "旗舰店:小李", "小李", None, None),
    ]
    assert fetch("SELECT row_label, inquiry_users, inquiry_paid_users, sales_amount "
                 "FROM cs_benchmarks ORDER BY _source_row") == [
        ("汇总值", 120, 30, Decimal("5000.00")), ("平均值", 60, 15, Decimal("2500.00")),
        ("全店汇总值", 130, 31, Decimal("5200.00")),
        # an average of 15.5 buyers is not a whole count: NULL here, never rounded
        ("全店平均值", 65, None, Decimal("2600.00")),
        ("同行同层优秀", None, None, None), ("同行同层均值", None, None, None),
    ]
    assert fetch("SELECT count(*) FROM cs_agents WHERE agent_nick IN ('汇总值', '全店汇总值')"
                 ) == [(0,)]
    assert fetch("SELECT kind, target_table, rows_kept FROM manifest") == [
        ("cs_agents", "cs_agents", 2)]


def test_cs_period_file_is_quarantined_and_nothing_is_loaded(put_raw):
    put_raw("自制报表-报表查看-客服绩效_20260801_20260807_全部.xlsx", cs_agents_file())
    (result,) = load.ingest(STORE)
    assert result.status == "quarantined"
    assert "请按单日导出" in result.message and "\n" not in result.message
    assert fetch("SELECT count(*) FROM cs_agents") == [(0,)]
    assert fetch("SELECT count(*) FROM cs_benchmarks") == [(0,)]
    assert fetch("SELECT count(*) FROM manifest") == [(0,)]


# ================================================================ 店铺 询单 (§4.2)


def shop_inquiry_file(*extra: list[object]) -> bytes:
    return xlsx_bytes([
        CS_SHOP_INQUIRY,
        # 日期 as an Excel serial number: 46245 days after 1899-12-30 = 2026-08-11
        [46245, 200, 150, 30, "4,500.00", 50, "7,600.00", "20.00%", "25.00%"],
        *extra,
        ["同行同层均值", 180, 120, 20, "3,000.00", 36, "5,000.00", "16.67%", "20.00%"],
        ["同行同层优秀", 400, 300, 90, "9,000.00", 120, "15,000.00", "30.00%", "30.00%"],
    ])


def test_shop_inquiry_values_by_hand():
    built = canonical(shop_inquiry_file(), "询单转化.xlsx")
    assert records(built.frame) == [{
        "stat_date": pd.Timestamp("2026-08-11"), "row_label": "店铺",
        "inquiry_users": 200, "inquiry_paid_users": 50,  # 最终付款人数
        "inquiry_cvr": pytest.approx(0.25),  # 询单最终付款转化率 25.00% = 50 / 200
        "sales_amount": "7600.00",  # 最终付款金额
        "_source_row": 2,
    }]
    bench = records(built.side["cs_benchmarks"])
    assert [(b["row_label"], b["stat_date"], b["inquiry_users"]) for b in bench] == [
        ("店铺/同行同层均值", pd.Timestamp("2026-08-11"), 180),  # the shop row's day
        ("店铺/同行同层优秀", pd.Timestamp("2026-08-11"), 400),
    ]
    assert bench[0]["inquiry_cvr"] == pytest.approx(0.20)  # 36 / 180


def test_shop_inquiry_bad_date_is_refused_and_multi_day_peer_rows_are_not_stored():
    built = canonical(shop_inquiry_file(
        ["2026-08-12", 10, 5, 1, "1.00", 2, "2.00", "10.00%", "20.00%"],
        ["8月13日", 10, 5, 1, "1.00", 2, "2.00", "10.00%", "20.00%"],
    ), "询单转化.xlsx")
    assert built.frame["stat_date"].dt.day.tolist() == [11, 12]
    assert built.rejects["reason"].tolist() == [
        "日期=8月13日：日期无法识别（或是一个日期区间：请按天导出）；缺少日期；"]
    # two days in one file: the peer rows are period figures, not any one day's
    assert built.side.get("cs_benchmarks") is None


def test_shop_inquiry_and_agent_file_share_benchmarks_without_overwriting(put_raw):
    put_raw(CS_FILE, cs_agents_file())
    put_raw("询单转化_20260811.xlsx", shop_inquiry_file())
    ingest_twice({"cs_benchmarks": "row_label", "cs_agents": "agent_nick"})
    assert fetch("SELECT row_label, inquiry_users, inquiry_cvr, first_resp_sec "
                 "FROM cs_benchmarks WHERE row_label LIKE '%同行同层均值' ORDER BY row_label") == [
        ("同行同层均值", None, 0.30, 20.0),  # from the agent file
        ("店铺/同行同层均值", 180, 0.20, None),  # from the shop file: its own label
    ]
    assert fetch("SELECT stat_date, inquiry_users, inquiry_paid_users, sales_amount "
                 "FROM cs_benchmarks WHERE row_label = '店铺'") == [
        (date(2026, 8, 11), 200, 50, Decimal("7600.00"))]


# ================================================================ 退款 (§5)


def refund_a(refund_id: str, order_id: str, **extra: str) -> list[str]:
    values = {
        "退款编号": f'="{refund_id}"' if refund_id else "", "订单编号": f'="{order_id}"',
        "支付宝交易号": "'2026081122001100001", "订单付款时间": "2026-08-10 20:01:02",
        "商品编码": "SKU-001", "买家实际支付金额": "199.00", "宝贝标题": "纯棉T恤",
        "买家退款金额": "50.00", "手工退款/系统退款": "系统退款", "是否需要退货": "否",
        "退款的申请时间": "2026-08-11 09:00:00", "退款状态": "退款成功", "货物状态": "已发货",
        "客服介入状态": "客服未介入", "卖家真实姓名": "张三", "买家退款原因": "少件/漏发",
        "买家退款说明": "少了一件", "部分退款/全部退款": "部分退款", "买家会员名称": "tb_buyer",
        "退款完结时间": "2026-08-11 10:30:00",
    }
    values.update(extra)
    return row(REFUNDS_GEN_A, **values)


def refunds_csv(*rows: list[str], header: list[str] = REFUNDS_GEN_A) -> bytes:
    return csv_bytes([header, *rows])  # GB18030, CRLF, as 退款管理 writes it


def test_refunds_gen_a_values_by_hand():
    built = canonical(refunds_csv(
        refund_a("123456789012345678", OID),
        refund_a("123456789012345679", OID2, 买家退款金额="1,199.00", 是否需要退货="是",
                 **{"部分退款/全部退款": "全部退款", "退款状态": "买家已经申请退款，等待卖家同意",
                    "退款完结时间": ""}),
    ), "退款管理.csv")
    first, second = records(built.frame)
    assert first == {
        "refund_id": "123456789012345678",  # ="…" stripped, exact text
        "order_id": OID, "alipay_trade_no": "2026081122001100001",
        "sku_code": "SKU-001", "title": "纯棉T恤", "paid_amount": "199.00",
        "refund_amount": "50.00", "status": "退款成功", "goods_status": "已发货",
        "need_return": False, "reason": "少件/漏发", "reason_text": "少了一件",
        "paid_at": pd.Timestamp("2026-08-10 20:01:02"),
        "applied_at": pd.Timestamp("2026-08-11 09:00:00"),  # from 退款的申请时间
        "finished_at": pd.Timestamp("2026-08-11 10:30:00"),
        "cs_intervention": "客服未介入", "is_partial": True, "_source_row": 2,
    }
    assert (second["refund_amount"], second["need_return"], second["is_partial"]) == (
        "1199.00", True, False)
    assert second["finished_at"] is None  # not finished yet
    # personal data is known but never kept (§11)
    assert not {"张三", "tb_buyer"} & {v for r in records(built.frame) for v in r.values()}


def test_refunds_gen_b_xlsx_prefers_the_total_and_keeps_the_platform_part():
    header = [*REFUNDS_GEN_B, "部分退款_全部退款", "是否需要退货"]
    data = xlsx_bytes([header, row(
        header, 订单编号=OID, 退款编号="223456789012345678", 退款总额="120.00",
        退给买家金额="100.00", 退给平台金额="20.00", 售后类型="退货退款", 商品id="612345678901",
        退款状态="退款成功", 退款申请时间="2026-08-11 09:00:00", 部分退款_全部退款="全部退款",
        是否需要退货="是")])
    got = records(canonical(data, "退款单.xlsx").frame)[0]
    # 退款总额 120.00 = 退给买家 100.00 + 退给平台 20.00; refund_amount is the total
    assert (got["refund_amount"], got["refund_to_platform"]) == ("120.00", "20.00")
    assert (got["after_sale_type"], got["item_id"], got["is_partial"]) == (
        "退货退款", "612345678901", False)
    assert got["applied_at"] == pd.Timestamp("2026-08-11 09:00:00")


def test_refund_rows_with_a_mangled_or_missing_id_are_refused():
    built = canonical(refunds_csv(
        refund_a("123456789012345678", OID),
        refund_a("1.23457E+17", OID2),
        refund_a("", OID2),
        refund_a("123456789012345680", OID2, 买家退款金额="五十"),
    ), "退款管理.csv")
    assert built.frame["refund_id"].tolist() == ["123456789012345678"]
    reasons = built.rejects["reason"].tolist()
    assert "科学计数法" in reasons[0]
    assert reasons[1] == "缺少退款编号；"
    assert reasons[2] == "买家退款金额=五十：金额不是数字；"
    assert built.rejects["_source_row"].tolist() == [3, 4, 5]


def test_refund_file_without_refund_ids_is_refused_whole(put_raw):
    header = [h for h in REFUNDS_GEN_A if h != "退款编号"]
    put_raw("退款管理.csv", refunds_csv(
        row(header, 订单编号=f'="{OID}"', 买家退款金额="5.00", 退款状态="退款成功"),
        header=header))
    (result,) = load.ingest(STORE)
    assert result.status == "quarantined"
    assert "缺少「退款编号」列" in result.message
    assert fetch("SELECT count(*) FROM refunds") == [(0,)]


def test_refunds_load_reingest_and_rejects(put_raw):
    path = put_raw("退款管理.csv", refunds_csv(
        refund_a("123456789012345678", OID), refund_a("1.23457E+17", OID2)))
    after = ingest_twice({"refunds": "refund_id", "manifest": "kind"})
    assert len(after["refunds"]) == 1
    assert fetch("SELECT refund_id, order_id, refund_amount, need_return, is_partial, "
                 "applied_at FROM refunds") == [
        ("123456789012345678", OID, Decimal("50.00"), False, True,
         datetime(2026, 8, 11, 9, 0))]
    assert fetch("SELECT rows_read, rows_kept, rows_refused FROM manifest") == [(2, 1, 1)]
    (rejects,) = paths.rejects_dir(STORE).glob(f"{path.name}.*.csv")
    reasons = pd.read_csv(rejects, dtype=str, encoding="utf-8-sig")["reason"].tolist()
    assert len(reasons) == 1 and "科学计数法" in reasons[0]


# ================================================================ 评价 (§6.2)

FORMULA = '=HYPERLINK("http://x.example","点我")'


def reviews_file(*rows: list[object], header: list[str] = REVIEWS) -> bytes:
    return xlsx_bytes([header, *rows])


def review(**values: str) -> list[str]:
    return row(REVIEWS, **values)


def sample_reviews() -> bytes:
    return reviews_file(
        review(评价时间="2026-08-11 10:00:00", 订单编号=OID, 子订单编号=OID2,
               宝贝ID="612345678901", SKU="颜色分类:黑色;尺码:XL", 买家昵称="t**1",
               评价内容=FORMULA, 评价结果="好评", 是否有图="是", 追评内容="用了一周还不错",
               追评时间="2026-08-18 09:00:00", 商家回复="感谢<b>支持</b> & 喜欢"),
        review(评价时间="2026-08-11 11:00:00", 订单编号="2345678901234567892",
               宝贝ID="612345678902", 买家昵称="tb_buyer1", 评价内容="一般", 评价结果="中评",
               是否有图="否"),
    )


def test_reviews_values_by_hand():
    first, second = records(canonical(sample_reviews(), "评价.xlsx").frame)
    assert first == {
        "review_id": f"{OID2}@20260811100000",  # sub-order id @ review time (synthetic)
        "review_time": pd.Timestamp("2026-08-11 10:00:00"), "order_id": OID,
        "sub_order_id": OID2, "item_id": "612345678901", "sku_text": "颜色分类:黑色;尺码:XL",
        "buyer_nick_masked": "t**1",  # already masked: the * is accepted as is
        "rating": "好评", "content": FORMULA,  # a formula stays inert text
        "has_image": True, "append_content": "用了一周还不错",
        "append_time": pd.Timestamp("2026-08-18 09:00:00"),
        "seller_reply": "感谢<b>支持</b> & 喜欢",  # not escaped here: the report's job
        "_source_row": 2,
    }
    # no sub-order id: order id / item id @ review time
    assert second["review_id"] == "2345678901234567892/612345678902@20260811110000"
    assert second["buyer_nick_masked"] == "t**1"  # tb_buyer1 masked on ingest (§11)
    assert (second["has_image"], second["rating"]) == (False, "中评")


def test_review_id_column_is_used_when_present():
    header = ["评价ID", "评价时间", "宝贝ID", "买家昵称", "星级", "评价内容"]
    data = reviews_file(row(header, 评价ID="88001", 评价时间="2026-08-11 10:00:00",
                            宝贝ID="612345678901", 买家昵称="张**", 星级="5",
                            评价内容="很好"), header=header)
    got = records(canonical(data, "评价.xlsx").frame)[0]
    assert (got["review_id"], got["rating"], got["buyer_nick_masked"]) == ("88001", "5", "张**")


def test_review_without_time_is_refused_and_file_without_ids_is_refused_whole():
    built = canonical(reviews_file(
        review(评价时间="2026-08-11 10:00:00", 子订单编号=OID2, 评价内容="好"),
        review(子订单编号=OID, 评价内容="没有时间"),
    ), "评价.xlsx")
    assert built.frame["sub_order_id"].tolist() == [OID2]
    assert built.rejects["reason"].tolist() == ["缺少评价ID；缺少评价时间；"]
    header = ["评价时间", "宝贝ID", "评价内容"]
    with pytest.raises(MissingColumnsError, match=r"评价ID.*子订单编号.*订单编号"):
        built_all(reviews_file(row(header, 评价时间="2026-08-11 10:00:00", 评价内容="好"),
                               header=header), "评价.xlsx")


def test_reviews_load_keeps_text_exactly_and_reingest_is_a_no_op(put_raw):
    put_raw("评价.xlsx", sample_reviews())
    after = ingest_twice({"reviews": "review_id"})
    assert len(after["reviews"]) == 2
    assert fetch("SELECT review_id, content, seller_reply, has_image, append_time "
                 "FROM reviews ORDER BY review_time") == [
        (f"{OID2}@20260811100000", FORMULA, "感谢<b>支持</b> & 喜欢", True,
         datetime(2026, 8, 18, 9, 0)),
        ("2345678901234567892/612345678902@20260811110000", "一般", None, False, None),
    ]


# ================================================================ DSR (§6.1)


def dsr_file(*daily: list[object]) -> bytes:
    return xlsx_bytes([
        ["店铺DSR数据"],
        DSR_180D,
        ["描述相符", "4.81532 较上日+0.001", "持平", "4.79012", "高于行业0.53%", "4.9",
         "还差12笔5分评价订单"],
        ["服务态度", 4.8, "上升", "4.78", "高于行业0.42%", "4.9", ""],
        ["物流质量", "4.80051", "下降", "4.80100", "低于行业0.01%", "4.9", ""],
        [],
        ["近30天每日评分"],
        DSR_DAILY,
        ["2026-08-10", "4.81531 较上日-0.00001", "4.80050", "4.79990(+0.00010)"],
        ["2026-08-11", "4.81532 较上日+0.00001", "4.80051", "4.8"],
        *daily,
    ])


def test_dsr_180_day_block_by_hand():
    snapshot, _daily = built_all(dsr_file(), DSR_FILE)
    assert records(snapshot.frame) == [
        {"metric": "描述相符", "score": "4.81532",  # leading number; 较上日… dropped
         "industry_avg": "4.79012", "vs_industry_text": "高于行业0.53%", "target": "4.9",
         "gap_text": "还差12笔5分评价订单", "snapshot_date": pd.Timestamp("2026-08-11"),
         "window": "180d", "_source_row": 3},
        {"metric": "服务态度", "score": "4.8",  # an xlsx number: exactly 4.8, not rounded
         "industry_avg": "4.78", "vs_industry_text": "高于行业0.42%", "target": "4.9",
         "gap_text": None, "snapshot_date": pd.Timestamp("2026-08-11"), "window": "180d",
         "_source_row": 4},
        {"metric": "物流服务",  # 物流质量 in this export is 物流服务
         "score": "4.80051", "industry_avg": "4.80100", "vs_industry_text": "低于行业0.01%",
         "target": "4.9", "gap_text": None, "snapshot_date": pd.Timestamp("2026-08-11"),
         "window": "180d", "_source_row": 5},
    ]


def test_dsr_daily_block_melts_to_one_row_per_day_and_metric():
    _snapshot, daily = built_all(dsr_file(), DSR_FILE)
    got = [(r["snapshot_date"].day, r["metric"], r["score"], r["window"], r["_source_row"])
           for r in records(daily.frame)]
    assert got == [
        (10, "描述相符", "4.81531", "daily", 9),
        (10, "服务态度", "4.79990", "daily", 9),  # trailing zero kept: exact digits
        (10, "物流服务", "4.80050", "daily", 9),
        (11, "描述相符", "4.81532", "daily", 10),
        (11, "服务态度", "4.8", "daily", 10),
        (11, "物流服务", "4.80051", "daily", 10),
    ]


def test_dsr_bad_values_are_refused_never_rounded():
    _snapshot, daily = built_all(dsr_file(
        ["8月12日", "4.8", "4.8", "4.8"],  # not a date
        ["2026-08-13", "4.815321", "暂无", "--"],  # 6 decimals: DECIMAL(6,5) would round
    ), DSR_FILE)
    assert daily.rejects["reason"].tolist() == [
        "日期=8月12日：日期无法识别（或是一个日期区间：请按天导出）；"]
    kept, refused = schemas.validate("dsr_daily", daily.frame)
    assert refused["score"].tolist() == ["4.815321"]
    assert refused["reason"].tolist() == ["score：得分应为最多 5 位小数的数字（入库不四舍五入）"]
    assert len(kept) == 6  # 暂无 / -- are missing scores: no row for them


def test_dsr_file_without_a_date_in_its_name_is_refused():
    with pytest.raises(MissingColumnsError, match=re.escape("店铺DSR数据_<yyyy-MM-dd>.xlsx")):
        built_all(dsr_file(), "店铺DSR数据.xlsx")


def test_dsr_load_both_blocks_and_reingest(put_raw):
    put_raw(DSR_FILE, dsr_file())
    ingest_twice({"dsr": '"window", snapshot_date, metric', "manifest": "kind"})
    assert fetch('SELECT snapshot_date, metric, "window", score, industry_avg, target '
                 'FROM dsr WHERE "window" = \'180d\' ORDER BY _source_row') == [
        (date(2026, 8, 11), "描述相符", "180d", Decimal("4.81532"), Decimal("4.79012"),
         Decimal("4.90000")),
        (date(2026, 8, 11), "服务态度", "180d", Decimal("4.80000"), Decimal("4.78000"),
         Decimal("4.90000")),
        (date(2026, 8, 11), "物流服务", "180d", Decimal("4.80051"), Decimal("4.80100"),
         Decimal("4.90000")),
    ]
    assert fetch('SELECT snapshot_date, metric, score FROM dsr WHERE "window" = \'daily\' '
                 "ORDER BY snapshot_date, metric") == [
        (date(2026, 8, 10), "描述相符", Decimal("4.81531")),
        (date(2026, 8, 10), "服务态度", Decimal("4.79990")),
        (date(2026, 8, 10), "物流服务", Decimal("4.80050")),
        (date(2026, 8, 11), "描述相符", Decimal("4.81532")),
        (date(2026, 8, 11), "服务态度", Decimal("4.80000")),
        (date(2026, 8, 11), "物流服务", Decimal("4.80051")),
    ]
    assert fetch("SELECT kind, target_table, rows_read, rows_kept FROM manifest") == [
        # rows_read counts canonical rows: 3 + 6 after the melt (2 daily rows in the file)
        ("dsr+dsr_daily", "dsr", 9, 9)]


def test_dsr_row_with_six_decimals_goes_to_rejects_on_load(put_raw):
    put_raw(DSR_FILE, dsr_file(["2026-08-12", "4.815321", "4.8", "4.8"]))
    (result,) = load.ingest(STORE)
    assert (result.status, result.rows_refused) == ("loaded", 1)
    assert fetch("SELECT count(*) FROM dsr WHERE snapshot_date = DATE '2026-08-12'") == [(2,)]
    (rejects,) = paths.rejects_dir(STORE).glob(f"{DSR_FILE}.*.csv")
    assert "入库不四舍五入" in pd.read_csv(rejects, dtype=str, encoding="utf-8-sig")[
        "reason"].iloc[0]
