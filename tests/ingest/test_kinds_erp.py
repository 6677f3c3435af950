"""ERP stock, 竞品 and hand-kept sheets (kinds/erp.py, kinds/manual.py): detect, build, load."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from storeops.ingest import build, detect, load, readers
from storeops.ingest.kinds.erp import date_from_name

from .exports import BANNER, STORE, csv_bytes, fetch, row, xlsx_bytes
from .samples_erp import COMPETITOR, GJP, JST, PROMOTIONS, TARGETS, WDT

SALT = b"test-salt"


def canonical(data: bytes, name: str, options: dict[str, str] | None = None) -> build.Built:
    found = detect.detect(readers.read_bytes(data, name), name)
    return build.to_canonical(found, salt=SALT, options=options)


def plain(value):
    return None if pd.isna(value) else value


def records(built: build.Built) -> list[dict]:
    return [{k: plain(v) for k, v in r.items()} for r in built.frame.to_dict("records")]


def table(name: str) -> int:
    return fetch(f"SELECT count(*) FROM {name}")[0][0]  # noqa: S608


def load_twice(put_raw, name: str, data: bytes, tbl: str, **kw) -> load.FileResult:
    """Load one file, then check that loading it again changes nothing."""
    put_raw(name, data)
    (first,) = load.ingest(STORE, **kw)
    assert first.status == "loaded", first.message
    before = sorted(fetch(f"SELECT * FROM {tbl}"), key=repr)  # noqa: S608
    (again,) = load.ingest(STORE, **kw)
    assert (again.status, again.rows_kept) == ("skipped", 0)
    assert sorted(fetch(f"SELECT * FROM {tbl}"), key=repr) == before  # noqa: S608
    assert table("manifest") == 1
    return first


# ---------------------------------------------------------------- detection


@pytest.mark.parametrize(("header", "expected"), [
    (JST, "inventory_jst"),
    (["主仓实际库存数" if h == "主仓实际库存" else h for h in JST], "inventory_jst"),
    (["仓库", "日期", *WDT], "inventory_wdt"),
    (GJP, "inventory_gjp"),
    (COMPETITOR, "competitor_items"),
    (["商品 ID", "商品名称", "流量指数", "搜索人气"], "competitor_items"),
    (PROMOTIONS, "promotions"),
    (["名称", "类型", "预热时间", "开始日期", "结束"], "promotions"),
    (TARGETS, "targets"),
    (["周期", "月份", "指标名称", "目标", "负责人"], "targets"),
])
def test_headers_are_recognized(header, expected):
    assert detect.match_kind([readers_norm(h) for h in header]).name == expected


def readers_norm(h: str) -> str:
    from storeops.ingest.clean import normalize_header

    return normalize_header(h)


def test_sycm_own_item_export_is_not_competitor():
    # 商品ID + 商品名称 + 支付金额 is the shop's own 商品 file, not a 竞品 index file
    header = ["统计日期", "商品ID", "商品名称", "商品访客数", "支付金额", "交易指数"]
    got = detect.match_kind([readers_norm(h) for h in header])
    assert got is None or got.name != "competitor_items"


@pytest.mark.parametrize(("name", "day"), [
    ("商品库存_2026-11-26.xlsx", date(2026, 11, 26)),
    ("库存20261126153012.csv", date(2026, 11, 26)),
    ("stock_2026_11_26.csv", date(2026, 11, 26)),
    ("库存2026年11月26日.xlsx", date(2026, 11, 26)),
    ("库存.xlsx", None),
    ("20261399.csv", None),
])
def test_date_from_name(name, day):
    assert date_from_name(name) == day


# ---------------------------------------------------------------- 聚水潭


def jst_file(*rows: list[str]) -> bytes:
    return xlsx_bytes([JST, *rows], sheet="商品库存")


def test_jst_values_by_hand_and_date_from_the_file_name():
    built = canonical(jst_file(
        row(JST, 商品编码="A001-BK-XL", 款式编码="A001", 商品名称="羽绒服", 颜色及规格="黑色;XL",
            主仓实际库存="1,200", 库存锁定数="5", 订单占有数="30", 仓库待发数="12",
            采购在途数="500", 公有可用数="1,165", 安全库存="--"),
        row(JST, 商品编码="A001-WH-M", 主仓实际库存="0", 订单占有数="0"),
    ), "商品库存_20261126.xlsx")
    first, second = records(built)
    assert first["snapshot_date"] == pd.Timestamp("2026-11-26")  # from the file name
    assert (first["erp"], first["warehouse"]) == ("聚水潭", "")
    assert first["on_hand"] == 1200
    assert first["order_locked"] == 30
    assert first["available"] == 1165  # 1200 − 30 − 5: stated by the ERP, not computed here
    assert first["safety_stock"] is None  # "--" is missing, not 0
    assert first["po_in_transit"] == 500
    assert second["available"] is None  # no 公有可用数: left to the view


def test_jst_date_column_wins_then_option_date():
    header = ["日期", "仓库", *JST]
    data = xlsx_bytes([header, row(header, 日期="2026-11-20", 仓库="杭州仓", 商品编码="A1",
                                   订单占有数="1", 主仓实际库存="3")])
    (got,) = records(canonical(data, "库存_20261126.xlsx"))
    assert (got["snapshot_date"], got["warehouse"]) == (pd.Timestamp("2026-11-20"), "杭州仓")
    (got,) = records(canonical(jst_file(row(JST, 商品编码="A1", 订单占有数="1")), "库存.xlsx",
                               options={"date": "2026-11-25"}))
    assert got["snapshot_date"] == pd.Timestamp("2026-11-25")


def test_jst_without_any_date_is_refused_with_a_sentence(put_raw):
    put_raw("库存.xlsx", jst_file(row(JST, 商品编码="A1", 订单占有数="1")))
    (result,) = load.ingest(STORE)
    assert result.status == "quarantined"
    assert "没有日期" in result.message
    assert "--option date=" in result.message
    assert table("inventory") == 0


def test_jst_loads_and_reingest_is_a_no_op(put_raw):
    result = load_twice(put_raw, "商品库存_2026-11-26.xlsx", jst_file(
        row(JST, 商品编码="A1", 主仓实际库存="10", 订单占有数="2", 公有可用数="8"),
        row(JST, 商品编码="A2", 主仓实际库存="4", 订单占有数="0"),
    ), "inventory")
    assert (result.kind, result.rows_kept) == ("inventory_jst", 2)
    assert fetch("SELECT snapshot_date, erp, warehouse, sku_code, on_hand, available "
                 "FROM inventory ORDER BY sku_code") == [
        (date(2026, 11, 26), "聚水潭", "", "A1", 10, 8),
        (date(2026, 11, 26), "聚水潭", "", "A2", 4, None),
    ]


def test_jst_bad_row_goes_to_rejects_and_missing_sku_is_refused(put_raw):
    put_raw("商品库存_2026-11-26.xlsx", jst_file(
        row(JST, 商品编码="A1", 主仓实际库存="10.5", 订单占有数="2"),  # half a piece
        row(JST, 商品编码="", 主仓实际库存="3", 订单占有数="0", 商品名称="无编码"),
        row(JST, 商品编码="A3", 主仓实际库存="3", 订单占有数="0"),
    ))
    (result,) = load.ingest(STORE)
    assert (result.rows_kept, result.rows_refused) == (1, 2)
    rejects = pd.read_csv(next((load.paths.rejects_dir(STORE)).glob("*.csv")), dtype=str)
    reasons = " ".join(rejects["reason"])
    assert "主仓实际库存=10.5：数量不是整数" in reasons
    assert "缺少商品编码" in reasons
    assert fetch("SELECT sku_code FROM inventory") == [("A3",)]


# ---------------------------------------------------------------- 旺店通 / 管家婆


def test_wdt_values_by_hand_and_load(put_raw):
    header = ["仓库", *WDT]
    data = csv_bytes([header,
                      row(header, 仓库="主仓", 商家编码="'6901234567890", 货品名称="羽绒服",
                          规格名称="黑色 XL", 库存量="1,000", 可发库存="960", 待发货量="40",
                          采购在途量="200", 安全库存="50")], encoding="utf-8-sig")
    (got,) = records(canonical(data, "库存查询_2026-11-26.csv"))
    assert got["sku_code"] == "6901234567890"  # leading apostrophe stripped
    assert (got["erp"], got["warehouse"]) == ("旺店通", "主仓")
    assert (got["on_hand"], got["available"], got["pick_pending"]) == (1000, 960, 40)  # 1000−40
    result = load_twice(put_raw, "库存查询_2026-11-26.csv", data, "inventory")
    assert result.kind == "inventory_wdt"
    assert fetch("SELECT erp, on_hand, safety_stock FROM inventory") == [("旺店通", 1000, 50)]


def test_wdt_without_its_key_column_refuses_the_file_naming_its_header(put_raw):
    header = ["货品名称", "库存量", "可发库存"]
    put_raw("库存_2026-11-26.csv", csv_bytes([header, ["羽绒服", "3", "3"]]))
    (result,) = load.ingest(STORE, kind="inventory_wdt")
    assert result.status == "quarantined"
    assert "货品名称、库存量、可发库存" in result.message
    assert "旺店通 库存" in result.message
    assert table("inventory") == 0


def test_wdt_row_without_sku_is_refused(put_raw):
    put_raw("库存_2026-11-26.csv", csv_bytes([WDT, row(WDT, 货品名称="羽绒服", 库存量="3",
                                                       可发库存="3")]))
    (result,) = load.ingest(STORE)
    assert (result.rows_kept, result.rows_refused) == (0, 1)
    rejects = pd.read_csv(next(load.paths.rejects_dir(STORE).glob("*.csv")), dtype=str)
    assert "缺少商家编码" in rejects.loc[0, "reason"]


def test_gjp_loads_with_its_erp_name(put_raw):
    data = xlsx_bytes([GJP, row(GJP, 商品编号="G-01", 商品全名="保温杯", 库存数量="7",
                                可销售库存="6")])
    load_twice(put_raw, "管家婆库存_20261126.xlsx", data, "inventory")
    assert fetch("SELECT erp, sku_code, on_hand, available FROM inventory") == [
        ("管家婆", "G-01", 7, 6)]


# ---------------------------------------------------------------- 竞品


def competitor_file(*rows: list[str], sheet: str = "竞品分析") -> bytes:
    return xlsx_bytes([*BANNER, COMPETITOR, *rows], sheet=sheet)


def test_competitor_values_by_hand_below_banner_rows():
    built = canonical(competitor_file(
        row(COMPETITOR, 日期="2026-11-26", 商品名称="竞品羽绒服", 商品ID="612345678901",
            店铺名称="别家旗舰店", 交易指数="123,456", 流量指数="45,678.5", 搜索人气="12,000",
            收藏人气="3,000", 加购人气="--", 支付转化指数="1,234", 客群指数="2,345",
            热销排名="7"),
    ), "【生意参谋平台】竞品分析-无线-2026-11-26.xls")
    (got,) = records(built)
    assert got["trade_index"] == 123456.0  # an index, a DOUBLE: never money
    assert got["traffic_index"] == 45678.5
    assert got["cart_pop"] is None
    assert (got["rank"], got["device"]) == (7, "无线")
    assert got["competitor_item_id"] == "612345678901"
    assert got["_source_row"] == 6  # 4 banner rows + header on row 5


def test_competitor_device_from_the_sheet_and_date_from_the_name(put_raw):
    header = [h for h in COMPETITOR if h != "日期"]
    data = xlsx_bytes([*BANNER, header, row(header, 商品ID="6001", 交易指数="10")],
                      sheet="PC端竞品")
    result = load_twice(put_raw, "竞品_2026-11-25.xls", data, "competitor_items")
    assert result.kind == "competitor_items"
    assert fetch("SELECT stat_date, device, trade_index FROM competitor_items") == [
        (date(2026, 11, 25), "PC", 10.0)]


def test_competitor_row_without_item_id_is_refused(put_raw):
    put_raw("竞品_2026-11-25.xls", competitor_file(
        row(COMPETITOR, 日期="2026-11-25", 商品名称="无ID", 交易指数="1"),
        row(COMPETITOR, 日期="2026-11-25", 商品ID="7", 交易指数="abc"),
        row(COMPETITOR, 日期="2026-11-25", 商品ID="8", 交易指数="5"),
    ))
    (result,) = load.ingest(STORE)
    assert (result.rows_kept, result.rows_refused) == (1, 2)
    reasons = " ".join(pd.read_csv(next(load.paths.rejects_dir(STORE).glob("*.csv")),
                                   dtype=str)["reason"])
    assert "缺少商品ID" in reasons
    assert "交易指数=abc：数值无法识别" in reasons


# ---------------------------------------------------------------- promotions


def test_promotions_values_by_hand():
    data = csv_bytes([PROMOTIONS,
                      row(PROMOTIONS, 活动名称="2026双11", 活动类型="双11",
                          预热开始="2026-10-20~2026-10-31", 正式开始="2026-11-01",
                          结束日期="2026-11-11"),
                      row(PROMOTIONS, 活动名称="2026年货节", 活动类型="年货节",
                          正式开始="20260110", 结束日期="2026/1/20")])
    first, second = records(canonical(data, "大促日历.csv"))
    assert first["name"] == "2026双11"
    assert first["preheat_start"] == pd.Timestamp("2026-10-20")  # first day of the range
    assert (first["start_date"], first["end_date"]) == (pd.Timestamp("2026-11-01"),
                                                        pd.Timestamp("2026-11-11"))
    assert second["preheat_start"] is None
    assert second["end_date"] == pd.Timestamp("2026-01-20")  # Excel re-save 2026/1/20


def test_promotions_load_and_inverted_row_is_refused(put_raw):
    data = xlsx_bytes([PROMOTIONS,
                       row(PROMOTIONS, 活动名称="618", 活动类型="618", 正式开始="2026-06-01",
                           结束日期="2026-06-18"),
                       row(PROMOTIONS, 活动名称="写反了", 正式开始="2026-06-18",
                           结束日期="2026-06-01")])
    result = load_twice(put_raw, "大促日历.xlsx", data, "promotions")
    assert (result.rows_kept, result.rows_refused) == (1, 1)
    reasons = pd.read_csv(next(load.paths.rejects_dir(STORE).glob("*.csv")), dtype=str)
    assert "不能早于开始日期" in reasons.loc[0, "reason"]
    assert reasons.loc[0, "活动名称"] == "写反了"  # the raw row is kept for the operator
    assert fetch("SELECT name, kind, start_date, end_date FROM promotions") == [
        ("618", "618", date(2026, 6, 1), date(2026, 6, 18))]


# ---------------------------------------------------------------- targets


def test_targets_values_by_hand():
    data = csv_bytes([TARGETS,
                      row(TARGETS, 周期类型="月", 周期开始="2026-11", 指标="支付金额",
                          目标值="¥1,500,000", 负责人="小王"),
                      row(TARGETS, 周期类型="大促", 周期开始="2026-11-01", 指标="转化率",
                          目标值="3.5%", 活动="双11"),
                      row(TARGETS, 周期类型="year", 周期开始="2026", 指标="visitors",
                          目标值="120万")], encoding="utf-8-sig")
    month, promo, year = records(canonical(data, "目标.csv"))
    assert (month["period_type"], month["period_start"]) == ("month", pd.Timestamp("2026-11-01"))
    assert (month["metric"], month["target_value"]) == ("pay_amount", "1500000.0000")
    assert (promo["metric"], promo["target_value"]) == ("pay_cvr", "0.0350")  # 3.5 / 100
    assert promo["promo_name"] == "双11"
    assert (year["period_start"], year["target_value"]) == (pd.Timestamp("2026-01-01"),
                                                            "1200000.0000")  # 120 × 10 000


def test_targets_load_and_bad_rows_are_refused(put_raw):
    data = xlsx_bytes([TARGETS,
                       row(TARGETS, 周期类型="日", 周期开始="2026-11-11", 指标="客单价",
                           目标值="288.5"),
                       row(TARGETS, 周期类型="季", 周期开始="2026-10", 指标="支付金额",
                           目标值="1"),
                       row(TARGETS, 周期类型="月", 周期开始="2026-11", 指标="好评率",
                           目标值="0.99"),
                       row(TARGETS, 周期类型="月", 周期开始="2026-11", 指标="退款率",
                           目标值="5")])  # a ratio above 1 without %: unit unknown
    result = load_twice(put_raw, "目标.xlsx", data, "targets")
    assert (result.rows_kept, result.rows_refused) == (1, 3)
    reasons = " ".join(pd.read_csv(next(load.paths.rejects_dir(STORE).glob("*.csv")),
                                   dtype=str)["reason"])
    assert "缺少周期类型" in reasons
    assert "缺少指标" in reasons
    assert "缺少目标值" in reasons
    assert fetch("SELECT period_type, period_start, metric, target_value FROM targets") == [
        ("day", date(2026, 11, 11), "aov", Decimal("288.5000"))]
