"""生意参谋 beyond the shop overview: 商品_全部, 流量来源, 引流搜索词, 商品咨询 (§2.2-§2.5).

Fixtures are tiny files written the way 生意参谋 delivers them: ``.xls`` names over xlsx
bytes with banner rows above the header (python-calamine reads both), sheets named after
the device, and the UTF-8 商品咨询 CSV with ``ID：`` item ids.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd
import pytest

from storeops.errors import BadValueError, UnknownExportError
from storeops.ingest import build, detect, load, readers
from storeops.ingest.clean import normalize_header

from .exports import BANNER, SHOP_DAILY, STORE, csv_bytes, fetch, row, xlsx_bytes
from .samples_sycm import CONSULT, ITEM_ALL_FULL, KEYWORDS, TRAFFIC

SALT = b"test-salt"

ITEM_FILE = "【生意参谋平台】商品_全部_2026-08-11_2026-08-11.xls"
TRAFFIC_FILE = "【生意参谋平台】无线店铺流量来源-2026-08-11_2026-08-11.xls"
KEYWORD_FILE = "【生意参谋】选词助手-引流搜索词-店外-无线-20260811.xls"
CONSULT_FILE = "2026-08-11.csv"

# Five banner rows above the traffic-source and keyword headers (header on row 6, §0.3).
BANNER_6 = [*BANNER, ["指标说明：访客数为去重人数"]]


def kind_of(header: list[str]) -> str | None:
    found = detect.match_kind([normalize_header(h) for h in header])
    return found.name if found else None


def canonical(data: bytes, name: str) -> list[build.Built]:
    return [build.to_canonical(found, salt=SALT)
            for found in detect.detect_all(readers.read_bytes(data, name), name)]


def plain(value):
    return None if pd.isna(value) else value


def records(built: build.Built) -> list[dict]:
    return [{k: plain(v) for k, v in r.items()} for r in built.frame.to_dict("records")]


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    """An xlsx with several named sheets (生意参谋 writes one sheet per device)."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                if value not in (None, ""):
                    ws.write_string(r, c, str(value))
    book.close()
    return buf.getvalue()


def table_rows(table: str) -> list[tuple]:
    return sorted(fetch(f"SELECT * EXCLUDE (_loaded_at) FROM {table}"), key=repr)  # noqa: S608


# ---------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("label", "header", "expected"),
    [
        ("商品_全部, 33 columns", ITEM_ALL_FULL, "item_daily"),
        ("商品_全部, id spelled 商品 ID, 跳失率",
         ["统计日期", "商品 ID", "商品名称", "商品访客数", "跳失率", "支付金额"], "item_daily"),
        ("商品_全部, 宝贝ID, 总支付金额",
         ["统计日期", "宝贝ID", "商品名称", "商品访客数", "总支付金额", "总支付商品件数"],
         "item_daily"),
        ("商品 report with 主体ID and shop-like metric names",
         ["统计日期", "主体ID", "商品名称", "访客数", "浏览量", "支付金额", "支付买家数"],
         "item_daily"),
        ("无线店铺流量来源, no date column", TRAFFIC, "traffic_sources"),
        ("流量来源 with 统计日期 and 支付金额 (shop-overview look)",
         ["统计日期", "流量来源", "来源明细", "访客数", "下单买家数", "支付金额", "支付转化率"],
         "traffic_sources"),
        ("商品360 流量来源 with 商品ID and 统计日期 (item-file look)",
         ["统计日期", "商品ID", "流量来源", "来源明细", "访客数", "支付金额"], "traffic_sources"),
        ("选词助手 引流搜索词, 10 columns", KEYWORDS, "traffic_keywords"),
        ("商品咨询 CSV with a BOM", ["\ufeff商品id", *CONSULT[1:]], "item_consult"),
        ("shop overview stays shop_daily", SHOP_DAILY, "shop_daily"),
    ],
)
def test_sycm_headers_are_told_apart(label, header, expected):
    assert kind_of(header) == expected, label


@pytest.mark.parametrize(
    ("label", "header"),
    [
        # 直通车 搜索词报表: 搜索词 with ad metrics is not 生意参谋 traffic
        ("ad search-term report", ["日期", "搜索词", "展现量", "点击量", "花费", "访客数"]),
        # 客服绩效 counts 咨询人数 per agent, not per item
        ("客服绩效", ["旺旺昵称", "咨询人数", "接待人数"]),
        # an ad item report has 主体ID and money but not 支付金额 … nor 统计日期
        ("ad item report",
         ["日期", "主体ID", "主体名称", "展现量", "点击量", "花费", "总成交金额"]),
    ],
)
def test_lookalikes_are_not_sycm_kinds(label, header):
    assert kind_of(header) not in {"item_daily", "traffic_sources", "traffic_keywords",
                                   "item_consult", "shop_daily"}, label


def test_header_rows_five_and_six_below_banners():
    item = detect.detect(readers.read_bytes(xlsx_bytes([*BANNER, ITEM_ALL_FULL]), ITEM_FILE),
                         ITEM_FILE)
    traffic = detect.detect(
        readers.read_bytes(xlsx_bytes([*BANNER_6, TRAFFIC], sheet="无线流量来源"), TRAFFIC_FILE),
        TRAFFIC_FILE)
    words = detect.detect(readers.read_bytes(xlsx_bytes([*BANNER_6, KEYWORDS]), KEYWORD_FILE),
                          KEYWORD_FILE)
    assert (item.kind.name, item.header_row) == ("item_daily", 4)  # 0-based: row 5
    assert (traffic.kind.name, traffic.header_row) == ("traffic_sources", 5)  # row 6
    assert (words.kind.name, words.header_row) == ("traffic_keywords", 5)
    assert item.unknown_columns == []  # 商品标签, 年/月累计 are known and ignored
    assert traffic.unknown_columns == []
    assert words.unknown_columns == []


# ---------------------------------------------------------------- item_daily (§2.2)


def item_file(*rows: list[object], header: list[str] = ITEM_ALL_FULL) -> bytes:
    return xlsx_bytes([*BANNER, header, *rows])


def item_row(item_id: str = "612345678901", **values: str) -> list[str]:
    base = {"统计日期": "2026-08-11", "商品ID": item_id, "商品名称": "羊毛衫", "支付金额": "0.00"}
    return row(ITEM_ALL_FULL, **{**base, **values})


def test_item_daily_values_by_hand():
    (built,) = canonical(item_file(item_row(
        货号="YM-01", 商品状态="当前在线", 商品访客数="1,234", 商品浏览量="2,500",
        平均停留时长="18.5", 商品详情页跳出率="62.50%", 商品收藏人数="40", 商品加购件数="55",
        商品加购人数="50", 下单买家数="30", 下单件数="33", 下单金额="¥3,300.00",
        下单转化率="2.43%", 支付买家数="25", 支付件数="27", 支付金额="¥2,673.00",
        商品支付转化率="2.03%", 支付新买家数="20", 支付老买家数="5", 老买家支付金额="495.00",
        聚划算支付金额="--", 访客平均价值="2.17", 成功退款金额="99.00",
        年累计支付金额="99,999.00", 搜索引导访客数="600", 搜索引导支付买家数="12",
        搜索引导支付转化率="2.00%")), ITEM_FILE)
    (got,) = records(built)
    assert got["stat_date"] == pd.Timestamp("2026-08-11")
    assert got["item_id"] == "612345678901"  # text, never a number
    assert (got["item_name"], got["style_no"], got["item_status"]) == (
        "羊毛衫", "YM-01", "当前在线")
    assert (got["visitors"], got["pageviews"]) == (1234, 2500)
    assert got["avg_stay_sec"] == 18.5  # seconds
    assert got["bounce_rate"] == pytest.approx(0.625)  # 62.50 / 100
    assert (got["fav_users"], got["cart_qty"], got["cart_users"]) == (40, 55, 50)
    assert (got["order_buyers"], got["order_qty"], got["order_amount"]) == (30, 33, "3300.00")
    assert got["order_cvr"] == pytest.approx(0.0243)  # 30 / 1234 = 2.43 %
    assert (got["pay_buyers"], got["pay_qty"], got["pay_amount"]) == (25, 27, "2673.00")
    assert got["pay_cvr"] == pytest.approx(0.0203)  # 25 / 1234 = 2.03 %
    assert (got["new_pay_buyers"], got["old_pay_buyers"]) == (20, 5)  # 20 + 5 = 25 buyers
    assert got["old_pay_amount"] == "495.00"
    assert got["jhs_pay_amount"] is None  # "--" is missing, not 0
    assert got["uv_value"] == "2.17"  # 2 673.00 / 1 234 = 2.166 → shown 2.17 (money)
    assert got["refund_amount"] == "99.00"
    assert (got["search_visitors"], got["search_pay_buyers"]) == (600, 12)
    assert got["search_pay_cvr"] == pytest.approx(0.02)  # 12 / 600
    assert got["_source_row"] == 6  # 4 banner rows + header on row 5
    assert "year_pay_amount" not in got  # 年累计支付金额 is ignored


def test_item_daily_period_row_is_refused_with_export_by_day():
    (built,) = canonical(item_file(
        item_row(统计日期="2026-08-01~2026-08-07", 支付金额="7,000.00"),
        item_row("612345678902", 支付金额="100.00")),
        "【生意参谋平台】商品_全部_2026-08-01_2026-08-07.xls")
    assert built.frame["item_id"].tolist() == ["612345678902"]
    reason = built.rejects.loc[0, "reason"]
    assert "统计日期=2026-08-01~2026-08-07" in reason
    assert "请按天导出" in reason


def test_item_daily_bad_rows_go_to_rejects_with_reasons():
    (built,) = canonical(item_file(
        item_row(支付金额="abc"),
        item_row("", 支付金额="1.00"),
        item_row("6.12346E+11", 支付金额="1.00"),
        item_row("612345678903", 支付金额="5.00")), ITEM_FILE)
    assert built.frame["item_id"].tolist() == ["612345678903"]
    first, second, third = built.rejects["reason"].tolist()
    assert "支付金额=abc" in first and "金额不是数字" in first
    assert "缺少商品ID" in second
    assert "科学计数法" in third
    assert built.rejects["_source_row"].tolist() == [6, 7, 8]


def test_item_daily_load_and_reingest_is_a_no_op(put_raw):
    put_raw(ITEM_FILE, item_file(
        item_row(商品访客数="1,234", 支付金额="¥2,673.00", 商品详情页跳出率="62.50%",
                 访客平均价值="2.17"),
        item_row("612345678902", 商品访客数="10", 支付金额="0.00")))
    (result,) = load.ingest(STORE)
    assert (result.status, result.kind, result.rows_kept, result.rows_refused) == (
        "loaded", "item_daily", 2, 0)
    got = fetch("SELECT stat_date, item_id, visitors, pay_amount, bounce_rate, uv_value, "
                "consult_users FROM item_daily ORDER BY item_id")
    assert [(str(d), i, v, a, u, c) for d, i, v, a, _, u, c in got] == [
        ("2026-08-11", "612345678901", 1234, Decimal("2673.00"), Decimal("2.17"), None),
        ("2026-08-11", "612345678902", 10, Decimal("0.00"), None, None),
    ]
    assert got[0][4] == pytest.approx(0.625)
    before = table_rows("item_daily")
    (again,) = load.ingest(STORE)
    assert again.status == "skipped"
    assert table_rows("item_daily") == before


def test_item_file_without_an_item_id_column_is_refused_whole(put_raw):
    header = [h for h in ITEM_ALL_FULL if h != "商品ID"]
    put_raw(ITEM_FILE, item_file(row(header, 统计日期="2026-08-11", 支付金额="1.00"),
                                 header=header))
    (result,) = load.ingest(STORE)
    assert result.status == "quarantined"
    assert "无法判断这是哪种导出文件" in result.message
    assert "统计日期、商品名称" in result.message  # the header is shown: 商品ID is missing
    assert fetch("SELECT count(*) FROM item_daily") == [(0,)]


# ---------------------------------------------------------------- traffic_sources (§2.3)


def traffic_rows() -> list[list[str]]:
    return [
        row(TRAFFIC, 流量来源="淘内免费", 访客数="900", 下单买家数="30", 下单转化率="3.33%",
            支付买家数="27", 支付金额="2,700.00", 支付转化率="3.00%", 收藏人数="40",
            加购人数="60", UV价值="3.00"),
        row(TRAFFIC, 流量来源="淘内免费", 来源明细="手淘搜索", 访客数="600", 支付买家数="20",
            支付金额="2,000.00", UV价值="3.33"),
        # merged cell: 流量来源 only on the first detail row of its group
        row(TRAFFIC, 来源明细="手淘推荐", 访客数="350", 支付买家数="7", 支付金额="700.00"),
        row(TRAFFIC, 流量来源="付费流量", 来源明细="直通车", 访客数="100", 支付买家数="3",
            支付金额="300.00", 支付转化率="3.00%"),
        row(TRAFFIC, 流量来源="汇总", 访客数="1,000"),
    ]


def traffic_workbook() -> bytes:
    return workbook({
        "无线流量来源": [*BANNER_6, TRAFFIC, *traffic_rows()],
        "PC流量来源": [*BANNER_6, TRAFFIC,
                       row(TRAFFIC, 流量来源="自主访问", 来源明细="直接访问", 访客数="8",
                           支付金额="80.00")],
    })


def test_traffic_sources_values_by_hand():
    wireless, pc = canonical(traffic_workbook(), TRAFFIC_FILE)
    assert wireless.summary_rows == 1  # the 汇总 row is not a source
    got = records(wireless)
    keys = [(r["device"], r["scope"], r["item_id"], r["source_l1"], r["source_l2"])
            for r in got]
    assert keys == [
        ("无线", "shop", "", "淘内免费", "(合计)"),  # first-level row: a subtotal
        ("无线", "shop", "", "淘内免费", "手淘搜索"),
        ("无线", "shop", "", "淘内免费", "手淘推荐"),  # 流量来源 filled down
        ("无线", "shop", "", "付费流量", "直通车"),
    ]
    assert {r["stat_date"] for r in got} == {pd.Timestamp("2026-08-11")}  # from the name
    total = got[0]
    assert (total["visitors"], total["order_buyers"], total["pay_buyers"]) == (900, 30, 27)
    assert total["order_cvr"] == pytest.approx(0.0333)  # 30 / 900
    assert total["pay_cvr"] == pytest.approx(0.03)  # 27 / 900
    assert (total["pay_amount"], total["uv_value"]) == ("2700.00", "3.00")  # 2700 / 900
    assert (total["fav_users"], total["cart_users"]) == (40, 60)
    # the details add up to the subtotal: 600 + 350 = 950 ≥ 900 visitors (a visitor may
    # come twice), 2000.00 + 700.00 = 2700.00 yuan — hence never sum both levels
    assert sum(Decimal(r["pay_amount"]) for r in got[1:3]) == Decimal("2700.00")
    assert [(r["device"], r["source_l1"], r["source_l2"], r["visitors"])
            for r in records(pc)] == [("PC", "自主访问", "直接访问", 8)]


def test_traffic_sources_date_column_and_item_scope():
    header = ["统计日期", "商品ID", "流量来源", "来源明细", "访客数", "支付金额"]
    data = xlsx_bytes([*BANNER_6, header,
                       row(header, 统计日期="2026-08-12", 商品ID="612345678901",
                           流量来源="淘内免费", 来源明细="手淘搜索", 访客数="12",
                           支付金额="99.00")], sheet="无线流量来源")
    (built,) = canonical(data, "商品流量来源.xls")  # no date in the name: the column has it
    (got,) = records(built)
    assert (got["stat_date"], got["scope"], got["item_id"], got["device"]) == (
        pd.Timestamp("2026-08-12"), "item", "612345678901", "无线")


def test_traffic_sources_item_id_from_the_file_name():
    data = xlsx_bytes([*BANNER_6, TRAFFIC, row(TRAFFIC, 流量来源="淘内免费",
                                               来源明细="手淘搜索", 访客数="5")],
                      sheet="Sheet1")
    name = "【生意参谋平台】PC商品流量来源-612345678901-2026-08-11_2026-08-11.xls"
    (built,) = canonical(data, name)
    (got,) = records(built)
    assert (got["scope"], got["item_id"], got["device"]) == ("item", "612345678901", "PC")


def test_traffic_sources_multi_day_file_is_refused_whole(put_raw):
    name = "【生意参谋平台】无线店铺流量来源-2026-08-01_2026-08-07.xls"
    with pytest.raises(BadValueError, match="2026-08-01 至 2026-08-07"):
        canonical(traffic_workbook(), name)
    put_raw(name, traffic_workbook())
    (result,) = load.ingest(STORE)
    assert result.status == "quarantined"
    assert "多天合计" in result.message and "按天导出" in result.message
    assert fetch("SELECT count(*) FROM traffic_sources") == [(0,)]


def test_traffic_sources_without_any_date_names_the_date_column():
    data = xlsx_bytes([*BANNER_6, TRAFFIC, row(TRAFFIC, 流量来源="淘内免费", 访客数="5")],
                      sheet="无线流量来源")
    with pytest.raises(BadValueError, match="「统计日期」"):
        canonical(data, "流量来源.xls")


def test_traffic_sources_bad_row_goes_to_rejects():
    data = xlsx_bytes([*BANNER_6, TRAFFIC,
                       row(TRAFFIC, 流量来源="淘内免费", 来源明细="手淘搜索", 访客数="abc"),
                       row(TRAFFIC, 流量来源="淘内免费", 来源明细="手淘推荐", 访客数="3")],
                      sheet="无线流量来源")
    (built,) = canonical(data, TRAFFIC_FILE)
    assert built.frame["source_l2"].tolist() == ["手淘推荐"]
    assert "访客数=abc" in built.rejects.loc[0, "reason"]
    assert "数量不是整数" in built.rejects.loc[0, "reason"]


def test_traffic_sources_both_sheets_load_and_reingest_is_a_no_op(put_raw):
    put_raw(TRAFFIC_FILE, traffic_workbook())
    (result,) = load.ingest(STORE)
    assert (result.status, result.kind, result.rows_kept, result.rows_refused) == (
        "loaded", "traffic_sources", 5, 0)  # 4 无线 rows + 1 PC row; 汇总 dropped
    got = fetch("SELECT device, source_l1, source_l2, visitors, pay_amount FROM "
                "traffic_sources WHERE scope = 'shop' AND item_id = '' "
                "AND stat_date = DATE '2026-08-11' ORDER BY device, source_l1, source_l2")
    assert got == [
        ("PC", "自主访问", "直接访问", 8, Decimal("80.00")),
        ("无线", "付费流量", "直通车", 100, Decimal("300.00")),
        ("无线", "淘内免费", "(合计)", 900, Decimal("2700.00")),
        ("无线", "淘内免费", "手淘推荐", 350, Decimal("700.00")),
        ("无线", "淘内免费", "手淘搜索", 600, Decimal("2000.00")),
    ]
    before = table_rows("traffic_sources")
    (again,) = load.ingest(STORE)
    assert again.status == "skipped"
    assert table_rows("traffic_sources") == before


# ---------------------------------------------------------------- traffic_keywords (§2.4)


def keyword_file(*rows: list[str]) -> bytes:
    return xlsx_bytes([*BANNER_6, KEYWORDS, *rows])


def test_traffic_keywords_values_by_hand():
    (built,) = canonical(keyword_file(
        row(KEYWORDS, 统计日期="2026-08-11", 搜索词="羊毛衫 女", 访客数="200", 加购人数="15",
            商品收藏人数="9", 支付买家数="6", 支付转化率="3.00%", 支付金额="594.00",
            客单价="99.00", UV价值="2.97"),
        row(KEYWORDS, 统计日期="2026-08-11", 搜索词="", 访客数="3"),
    ), KEYWORD_FILE)
    (got,) = records(built)
    assert (got["scope"], got["device"], got["item_id"], got["source_l1"], got["source_l2"]) == (
        "keyword", "无线", "", "搜索词", "羊毛衫 女")
    assert got["stat_date"] == pd.Timestamp("2026-08-11")
    assert (got["visitors"], got["cart_users"], got["fav_users"], got["pay_buyers"]) == (
        200, 15, 9, 6)
    assert got["pay_cvr"] == pytest.approx(0.03)  # 6 / 200
    assert (got["pay_amount"], got["uv_value"]) == ("594.00", "2.97")  # 594.00 / 200
    assert "aov" not in got  # 客单价 (594 / 6 = 99.00) has no column in traffic_sources
    assert "缺少搜索词" in built.rejects.loc[0, "reason"]


def test_traffic_keywords_pc_file_and_range_row():
    (built,) = canonical(keyword_file(
        row(KEYWORDS, 统计日期="2026-08-01~2026-08-07", 搜索词="羊毛衫", 访客数="9"),
        row(KEYWORDS, 统计日期="20260811", 搜索词="羊毛衫", 访客数="4")),
        "【生意参谋】选词助手-引流搜索词-店外-PC-20260811.xls")
    (got,) = records(built)
    assert (got["device"], got["stat_date"]) == ("PC", pd.Timestamp("2026-08-11"))
    assert "请按天导出" in built.rejects.loc[0, "reason"]


def test_traffic_keywords_load_next_to_shop_sources(put_raw):
    put_raw(TRAFFIC_FILE, traffic_workbook())
    put_raw(KEYWORD_FILE, keyword_file(
        row(KEYWORDS, 统计日期="2026-08-11", 搜索词="羊毛衫", 访客数="200", 支付金额="594.00")))
    results = load.ingest(STORE)
    assert sorted(r.kind for r in results) == ["traffic_keywords", "traffic_sources"]
    assert fetch("SELECT scope, count(*) FROM traffic_sources GROUP BY scope ORDER BY scope") == [
        ("keyword", 1), ("shop", 5)]
    assert fetch("SELECT source_l1, source_l2, visitors, pay_amount FROM traffic_sources "
                 "WHERE scope = 'keyword'") == [("搜索词", "羊毛衫", 200, Decimal("594.00"))]
    before = table_rows("traffic_sources")
    assert {r.status for r in load.ingest(STORE)} == {"skipped"}
    assert table_rows("traffic_sources") == before


# ---------------------------------------------------------------- item_consult (§2.5)


def consult_csv(*rows: list[str]) -> bytes:
    return csv_bytes([CONSULT, *rows], encoding="utf-8", newline="\n")


def test_item_consult_values_by_hand():
    (built,) = canonical(consult_csv(
        ["ID：612345678901", "羊毛衫", "12", "10", "2"],
        ["ID:612345678902", "袜子", "--", "", ""],
        ["ID：612345678903", "围巾", "abc", "1", "1"],
        ["", "帽子", "3", "3", "0"]), CONSULT_FILE)
    assert records(built) == [
        {"item_id": "612345678901", "item_name": "羊毛衫", "consult_users": 12,  # 10 + 2
         "stat_date": pd.Timestamp("2026-08-11"), "_source_row": 2},
        {"item_id": "612345678902", "item_name": "袜子", "consult_users": None,
         "stat_date": pd.Timestamp("2026-08-11"), "_source_row": 3},
    ]
    first, second = built.rejects["reason"].tolist()
    assert "总咨询人数=abc" in first and "数量不是整数" in first
    assert "缺少商品id" in second


def test_item_consult_without_a_date_in_its_name_is_refused():
    with pytest.raises(BadValueError, match="文件名里也没有日期"):
        canonical(consult_csv(["ID：612345678901", "羊毛衫", "12", "10", "2"]), "商品咨询.csv")


def test_item_consult_sets_only_consult_users(put_raw):
    day = pd.Timestamp("2026-08-12 09:00", tz="Asia/Shanghai").timestamp()
    put_raw(ITEM_FILE, item_file(item_row(商品访客数="1,234", 支付金额="2,673.00")))
    put_raw(CONSULT_FILE, consult_csv(["ID：612345678901", "羊毛衫", "12", "10", "2"],
                                      ["ID：612345678909", "新品", "1", "1", "0"]),
            mtime=day)  # downloaded the next morning: loaded after 商品_全部
    results = load.ingest(STORE)
    # same day in both names: either load order gives the same rows
    assert sorted(r.kind for r in results) == ["item_consult", "item_daily"]
    assert fetch("SELECT item_id, visitors, pay_amount, consult_users, item_name "
                 "FROM item_daily ORDER BY item_id") == [
        ("612345678901", 1234, Decimal("2673.00"), 12, "羊毛衫"),  # metrics kept
        ("612345678909", None, None, 1, "新品"),  # asked about, never visited
    ]
    before = table_rows("item_daily")
    assert {r.status for r in load.ingest(STORE)} == {"skipped"}
    assert table_rows("item_daily") == before


def test_consult_loaded_first_then_item_file_keeps_both(put_raw):
    early = pd.Timestamp("2026-08-11 20:00", tz="Asia/Shanghai").timestamp()
    put_raw(CONSULT_FILE, consult_csv(["ID：612345678901", "羊毛衫", "12", "10", "2"]),
            mtime=early)
    put_raw(ITEM_FILE, item_file(item_row(商品访客数="1,234", 支付金额="2,673.00")))
    assert [r.kind for r in load.ingest(STORE)] == ["item_consult", "item_daily"]
    assert fetch("SELECT visitors, pay_amount, consult_users FROM item_daily") == [
        (1234, Decimal("2673.00"), 12)]


def test_corrected_item_file_after_consult_still_updates(put_raw):
    later = pd.Timestamp("2026-08-12 09:00", tz="Asia/Shanghai").timestamp()
    put_raw(ITEM_FILE, item_file(item_row(支付金额="100.00")))
    put_raw(CONSULT_FILE, consult_csv(["ID：612345678901", "羊毛衫", "12", "10", "2"]),
            mtime=later)
    load.ingest(STORE)
    put_raw(f"再次下载/{ITEM_FILE}", item_file(item_row(支付金额="120.00")))
    load.ingest(STORE)
    assert fetch("SELECT pay_amount, consult_users FROM item_daily") == [
        (Decimal("120.00"), 12)]


def test_unknown_export_lists_the_new_kinds():
    with pytest.raises(UnknownExportError) as err:
        detect.detect(readers.read_bytes(csv_bytes([["甲", "乙"], ["1", "2"]]), "x.csv"),
                      "x.csv")
    for label in ("商品明细", "流量来源", "引流搜索词", "商品咨询"):
        assert label in str(err.value)
