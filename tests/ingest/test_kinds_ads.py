"""Ad reports (storeops.ingest.kinds.ads) -> ad_reports: detection, values, loads, refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from storeops import paths
from storeops.errors import ConfigError, MissingColumnsError
from storeops.ingest import build, detect, load, readers
from storeops.ingest.aliases import FileContext
from storeops.ingest.clean import normalize_header
from storeops.ingest.kinds import ads

from .exports import (
    GEN_A_ITEMS,
    GEN_A_ORDERS,
    GEN_B_ITEMS,
    GEN_B_ORDERS,
    SHOP_DAILY,
    STORE,
    csv_bytes,
    fetch,
    row,
    zip_bytes,
)
from .samples_ads import (
    CROWD_REPORT,
    ITEM_REPORT,
    ITEM_UNKNOWN,
    KEYWORD_REPORT,
    SAMPLES,
    TAOKE_REPORT,
    ZTC_KEYWORD,
    ZTC_PLAN,
)

SALT = b"test-salt"
AD_KINDS = sorted(SAMPLES)
OTHER_SAMPLES = {"orders": GEN_A_ORDERS, "orders (Gen B)": GEN_B_ORDERS,
                 "order_items": GEN_A_ITEMS, "order_items (Gen B)": GEN_B_ITEMS,
                 "shop_daily": SHOP_DAILY}
ITEM1, ITEM2 = "612345678901", "612345678902"


def kind_of(header: list[str]) -> str | None:
    found = detect.match_kind([normalize_header(h) for h in header])
    return found.name if found else None


def canonical(data: bytes, name: str, **options: str) -> build.Built:
    found = detect.detect(readers.read_bytes(data, name), name)
    return build.to_canonical(found, salt=SALT, options=options)


def plain(value):
    return None if pd.isna(value) else value


def records(built: build.Built) -> list[dict]:
    return [{k: plain(v) for k, v in r.items()} for r in built.frame.to_dict("records")]


def ad_rows() -> list[tuple]:
    return sorted(fetch("SELECT channel, report_level, plan_id, unit_key, entity_key, "
                        "attribution_window_days, cost FROM ad_reports"))


def ad_snapshot() -> dict[str, list[tuple]]:
    return {t: sorted(fetch(f"SELECT * FROM {t}"), key=repr)  # noqa: S608
            for t in ("manifest", "ad_reports")}


# ---------------------------------------------------------------- files, by hand


def item_lines() -> list[list[str]]:
    h = ITEM_REPORT
    return [
        h,
        # 关键词推广 scene. 点击率 234/12345 = 1.8955% -> "1.90%"; 平均点击花费 156.78/234 =
        # 0.670; 千次展现花费 156.78/12345*1000 = 12.70; 总成交 300.00 + 198.00 = 498.00;
        # 投入产出比 498.00/156.78 = 3.176 -> "3.18"; 点击转化率 3/234 = 1.28%;
        # 净实际投产比 400.00/156.78 = 2.551 -> "2.55".
        row(h, 日期="2026-08-11", 场景ID="24", 场景名字="关键词推广", 计划ID="3001",
            计划名字="夏季连衣裙-搜索", 单元ID="4001", 单元名字="连衣裙单元", 主体ID=ITEM1,
            主体类型="商品", 主体名称="夏季连衣裙", 展现量="12,345", 点击量="234", 花费="156.78",
            点击率="1.90%", 平均点击花费="0.67", 千次展现花费="12.70", 直接成交金额="300.00",
            直接成交笔数="2", 间接成交金额="198.00", 总成交金额="498.00", 总成交笔数="3",
            点击转化率="1.28%", 投入产出比="3.18", 总购物车数="12", 收藏宝贝数="5",
            净成交金额="400.00", 实际投产比="3.18", 净实际投产比="2.55"),
        # 全站推广: no unit; 投入产出比 empty so 实际投产比 is used; 花费 with a thousands
        # separator; ROI 2,101.05/1,000.50 = 2.10.
        row(h, 日期="2026-08-11", 场景ID="25", 场景名字="全站推广", 计划ID="3002",
            计划名字="全站-店铺", 主体ID=ITEM2, 主体类型="商品", 展现量="50000", 点击量="900",
            花费="1,000.50", 总成交金额="2,101.05", 总成交笔数="9", 实际投产比="2.10"),
        # 人群推广 scene, the subject is the shop: it has no item id; ROI text -> NULL.
        row(h, 日期="2026-08-11", 场景名字="精准人群推广", 计划ID="3003", 计划名字="拉新",
            单元名字="店铺拉新", 主体ID="5001", 主体类型="店铺", 花费="20.00",
            投入产出比="暂无数据"),
        row(h, 日期="合计", 花费="1,177.28"),  # 156.78 + 1,000.50 + 20.00
    ]


def item_csv(title_block: bool = False) -> bytes:
    banner = [["商品报表"], ["时间范围：2026-08-11 至 2026-08-11"]] if title_block else []
    return csv_bytes([*banner, *item_lines()])


def keyword_csv(*extra: list[str]) -> bytes:
    h = KEYWORD_REPORT
    common = {"日期": "20260811", "场景名字": "关键词推广", "计划ID": "3001",
              "计划名字": "夏季连衣裙-搜索", "单元名字": "连衣裙单元"}
    return csv_bytes([
        h,
        # one word on two items of the same unit: two rows, told apart by the item id
        row(h, **common, 宝贝ID=ITEM1, 词类型="关键词", **{"词名字/词包名字": "连衣裙"},
            展现量="1000", 点击量="50", 花费="35.00", 点击率="5.00%", 平均点击花费="0.70",
            平均展现排名="8.5", 总成交金额="198.00", 总成交笔数="1", 投入产出比="5.66"),
        row(h, **common, 宝贝ID=ITEM2, 词类型="关键词", **{"词名字/词包名字": "连衣裙"},
            展现量="400", 点击量="10", 花费="8.00", 平均展现排名="12"),
        row(h, **common, 宝贝ID=ITEM1, 词类型="词包", **{"词名字/词包名字": "流量智选词包"},
            展现量="3000", 点击量="60", 花费="30.00"),
        *extra,
    ])


def crowd_csv() -> bytes:
    h = CROWD_REPORT
    return csv_bytes([
        h,
        row(h, 日期="2026-08-11", 场景名字="人群推广", 计划ID="5001", 计划名字="拉新计划",
            单元ID="6001", 单元名字="新客单元", 人群名字="相似宝贝人群", 展现量="8000",
            点击量="120", 花费="96.00", 点击率="1.50%", 总成交金额="288.00", 总成交笔数="2",
            投入产出比="3.00"),
        row(h, 日期="2026-08-11", 场景名字="人群推广", 计划ID="5001", 计划名字="拉新计划",
            单元ID="6002", 单元名字="老客单元", 人群名字="相似宝贝人群", 花费="10.00"),
    ])


def ztc_csv(header: list[str] = ZTC_KEYWORD) -> bytes:
    lines = [
        row(header, 日期="2019-07-09", 推广计划名称="日常推广", 宝贝名称="夏季连衣裙",
            关键词="连衣裙 夏", 展现量="2000", 点击量="40", 花费="48.00", 点击率="2.00%",
            平均点击花费="1.20", 平均展现排名="6", 总成交金额="240.00", 总成交笔数="2",
            投入产出比="5.00", 总收藏数="3", 总购物车数="4"),
    ] if header is ZTC_KEYWORD else [
        row(header, 日期="2019-07-09", 计划名称="日常推广", 展现量="2000", 点击量="40",
            花费="48.00", 总成交金额="240.00", 总成交笔数="2", 投入产出比="5.00"),
    ]
    return csv_bytes([header, *lines])


def taoke_csv() -> bytes:
    h = TAOKE_REPORT
    return csv_bytes([
        h,
        # 付款金额 1,980.00 at a 10% commission -> 支出佣金 198.00
        row(h, 日期="2026-08-11", 推广位="通用推广", 商品ID=ITEM1, 商品名称="夏季连衣裙",
            点击数="310", 付款笔数="20", 付款金额="1,980.00", 支出佣金="198.00"),
    ])


# ---------------------------------------------------------------- detection


@pytest.mark.parametrize("kind", AD_KINDS)
def test_each_ad_sample_is_its_kind(kind):
    assert kind_of(SAMPLES[kind]) == kind


@pytest.mark.parametrize(
    ("label", "header", "expected"),
    [
        ("万相台 商品报表 with 宝贝ID and a scene but no plan id",
         ["日期", "场景名字", "宝贝ID", "展现量", "点击量", "花费"], "ads_item"),
        ("万相台 商品报表 with 计划ID and 宝贝ID only",
         ["日期", "计划ID", "宝贝ID", "花费"], "ads_item"),
        ("关键词报表 with split 词名字", ["日期", "计划名字", "词名字", "花费"], "ads_keyword"),
        ("关键词报表 with 词包名字 and no 花费", ["日期", "计划ID", "词包名字", "展现量"],
         "ads_keyword"),
        ("人群报表 with 宝贝ID", ["日期", "计划ID", "宝贝ID", "人群名字", "花费"], "ads_crowd"),
        ("直通车 计划报表", ZTC_PLAN, "ads_ztc_legacy"),
        ("直通车 宝贝报表 with 计划ID",
         ["日期", "计划ID", "计划名称", "宝贝ID", "宝贝名称", "花费"], "ads_ztc_legacy"),
        ("淘宝客 with 结算 columns", ["结算日期", "计划", "商品ID", "结算金额", "结算支出佣金"],
         "ads_taoke"),
        ("淘宝客 order-level detail is another file",
         ["日期", "淘宝订单编号", "商品ID", "付款金额", "支出佣金"], None),
    ],
)
def test_ad_header_variants(label, header, expected):
    assert kind_of(header) == expected, label


@pytest.mark.parametrize("kind", AD_KINDS)
def test_ad_reports_are_never_order_or_shop_files(kind):
    assert kind_of(SAMPLES[kind]) not in {"orders", "order_items", "shop_daily"}


@pytest.mark.parametrize("label", sorted(OTHER_SAMPLES))
def test_order_and_shop_files_are_never_ad_reports(label):
    assert kind_of(OTHER_SAMPLES[label]) not in set(AD_KINDS)


def test_shop_overview_with_ad_cost_columns_stays_shop_daily():
    # 生意参谋 overview carries 关键词推广花费 / 淘宝客佣金, never 花费/展现量/点击量.
    header = ["统计日期", "访客数", "支付金额", "关键词推广花费", "精准人群推广花费", "淘宝客佣金"]
    assert kind_of(header) == "shop_daily"


def test_title_block_puts_the_header_on_row_three():
    found = detect.detect(readers.read_bytes(item_csv(title_block=True), "商品报表.csv"),
                          "商品报表.csv")
    assert (found.kind.name, found.header_row) == ("ads_item", 2)
    assert [found.raw_headers[i] for i, h in enumerate(found.headers)
            if h not in found.kind.lookup] == ITEM_UNKNOWN


# ---------------------------------------------------------------- values, by hand


def test_item_report_values_by_hand():
    built = canonical(item_csv(), "商品报表_8月11.csv", window="15")
    assert built.summary_rows == 1  # the 合计 row
    first, second, third = records(built)
    assert first == {
        "stat_date": pd.Timestamp("2026-08-11"), "scene_id": "24", "scene_name": "关键词推广",
        "plan_id": "3001", "plan_name": "夏季连衣裙-搜索", "entity_key": ITEM1,
        "item_id": ITEM1, "impressions": 12345, "clicks": 234, "cost": "156.78",
        "ctr": pytest.approx(0.019), "cpc": "0.67", "cpm": "12.70", "gmv_total": "498.00",
        "orders_total": 3, "gmv_direct": "300.00", "orders_direct": 2, "gmv_indirect": "198.00",
        "gmv_net": "400.00", "cart_total": 12, "fav_total": 5, "roi": pytest.approx(3.18),
        "roi_net": pytest.approx(2.55), "cvr": pytest.approx(0.0128),
        "channel": "关键词推广", "report_level": "item", "unit_key": "连衣裙单元",
        "attribution_window_days": 15, "attribution_model": "last_click", "_source_row": 2,
    }
    assert (second["channel"], second["unit_key"], second["cost"]) == ("万相台", "", "1000.50")
    assert second["roi"] == pytest.approx(2.10)  # from 实际投产比: 投入产出比 was empty
    assert second["ctr"] is None  # absent cell -> NULL, not 0
    # 精准人群推广 -> 人群推广; the subject is a shop: no item id; ROI text -> NULL
    assert (third["channel"], third["entity_key"], third["item_id"], third["roi"]) == (
        "人群推广", "5001", None, None)


def test_scene_name_decides_the_item_report_channel():
    scenes = pd.Series(["关键词推广", "精准人群推广", "全站推广", "货品运营", None])
    assert ads.scene_channel(scenes).tolist() == [
        "关键词推广", "人群推广", "万相台", "万相台", "万相台"]


def test_keyword_report_values_by_hand():
    got = records(canonical(keyword_csv(), "推广关键词报表_20260811_093015.csv"))
    assert [(r["entity_key"], r["word_type"], r["item_id"], r["cost"]) for r in got] == [
        (f"连衣裙|{ITEM1}", "关键词", ITEM1, "35.00"),
        (f"连衣裙|{ITEM2}", "关键词", ITEM2, "8.00"),
        (f"流量智选词包|{ITEM1}", "词包", ITEM1, "30.00"),
    ]
    first = got[0]
    assert (first["channel"], first["report_level"], first["plan_id"], first["unit_key"]) == (
        "关键词推广", "keyword", "3001", "连衣裙单元")
    assert first["stat_date"] == pd.Timestamp("2026-08-11")  # from "20260811"
    assert first["avg_rank"] == 8.5  # kept as reported: weight by impressions, never sum
    assert first["ctr"] == pytest.approx(0.05)  # 50 / 1000
    assert first["roi"] == pytest.approx(5.66)  # 198.00 / 35.00 = 5.657
    assert got[1]["avg_rank"] == 12.0


def test_crowd_report_keys_by_unit():
    got = records(canonical(crowd_csv(), "推广人群报表_20260811_093015.csv"))
    assert [(r["channel"], r["report_level"], r["plan_id"], r["unit_key"], r["entity_key"],
             r["cost"]) for r in got] == [
        ("人群推广", "crowd", "5001", "新客单元", "相似宝贝人群", "96.00"),
        ("人群推广", "crowd", "5001", "老客单元", "相似宝贝人群", "10.00"),
    ]
    assert got[0]["ctr"] == pytest.approx(0.015)  # 120 / 8000
    assert got[0]["roi"] == pytest.approx(3.0)  # 288.00 / 96.00


def test_ztc_keyword_report_values_by_hand():
    (got,) = records(canonical(ztc_csv(), "直通车关键词报表.csv"))
    assert (got["channel"], got["report_level"], got["plan_id"], got["plan_name"]) == (
        "直通车", "keyword", "日常推广", "日常推广")  # no 计划ID: the plan name is the id
    assert got["entity_key"] == "连衣裙 夏|夏季连衣裙"  # word | item (by name: no item id)
    assert (got["unit_key"], got["fav_total"], got["cart_total"]) == ("", 3, 4)
    assert got["cpc"] == "1.20"  # 48.00 / 40
    assert got["roi"] == pytest.approx(5.0)  # 240.00 / 48.00
    assert got["avg_rank"] == 6.0


def test_ztc_plan_report_has_empty_lower_levels():
    (got,) = records(canonical(ztc_csv(ZTC_PLAN), "直通车计划报表.csv"))
    assert (got["report_level"], got["plan_id"], got["unit_key"], got["entity_key"]) == (
        "plan", "日常推广", "", "")


def test_taoke_cost_is_the_commission():
    (got,) = records(canonical(taoke_csv(), "淘宝联盟推广效果.csv"))
    assert (got["channel"], got["report_level"], got["plan_id"], got["entity_key"],
            got["item_id"]) == ("淘宝客", "item", "通用推广", ITEM1, ITEM1)
    assert (got["cost"], got["gmv_total"], got["clicks"], got["orders_total"]) == (
        "198.00", "1980.00", 310, 20)


# ---------------------------------------------------------------- attribution window


@pytest.mark.parametrize(
    ("name", "options", "days"),
    [
        ("商品报表_8月11.csv", {"window": "30"}, 30),
        ("商品报表_15天累计数据.csv", {"window": "当天"}, 1),  # the operator wins over the name
        ("商品报表_30天累计数据.csv", {}, 30),
        ("商品报表_7天.zip", {}, 7),
        ("商品报表_当天.csv", {}, 1),
        ("推广关键词报表_20260811_093015.csv", {"window": "3天"}, 3),
    ],
)
def test_window_from_option_then_file_name(name, options, days):
    ctx = FileContext(name=name, sheet="", salt=SALT, options=options)
    assert ads.attribution_window(ctx) == days


@pytest.mark.parametrize("name", ["商品报表_8月11.csv", "商品报表_近7天.csv"])
def test_window_defaults_to_15_days_with_a_file_note(name):
    ctx = FileContext(name=name, sheet="", salt=SALT)
    assert ads.attribution_window(ctx) == 15  # 近7天 is a date range, not a window
    assert any("按平台默认 15 天" in note for note in ctx.notes)


@pytest.mark.parametrize("value", ["14", "两周", "0"])
def test_window_option_must_be_a_platform_window(value):
    with pytest.raises(ConfigError, match="不是有效的归因窗口"):
        ads.window_from_option(value)


def test_roi_is_a_plain_number_not_a_ratio():
    got = ads.lenient_number(pd.Series(["3.21", "12.5", "1,204.3", "暂无数据", None]))
    assert [plain(v) for v in got] == [3.21, 12.5, 1204.3, None, None]


# ---------------------------------------------------------------- refusals


def test_bad_cost_and_missing_subject_are_refused_with_reasons():
    h = ITEM_REPORT
    data = csv_bytes([
        h,
        row(h, 日期="2026-08-11", 计划ID="3001", 计划名字="p", 主体ID=ITEM1, 花费="1O.00"),
        row(h, 日期="2026-08-11", 计划ID="3001", 计划名字="p", 花费="5.00"),
        row(h, 日期="2026-08-11", 计划ID="3001", 计划名字="p", 主体ID=ITEM2, 花费="5.00"),
    ])
    built = canonical(data, "商品报表_15天.csv")
    assert built.frame["entity_key"].tolist() == [ITEM2]
    assert built.rejects["_source_row"].tolist() == [2, 3]
    assert "花费=1O.00：金额不是数字" in built.rejects.loc[0, "reason"]
    assert "缺少主体ID" in built.rejects.loc[1, "reason"]


def test_keyword_file_without_plan_columns_is_refused_whole():
    header = ["日期", "单元名字", "宝贝ID", "词名字/词包名字", "展现量", "点击量", "花费"]
    data = csv_bytes([header, ["2026-08-11", "u", ITEM1, "连衣裙", "10", "1", "1.00"]])
    with pytest.raises(MissingColumnsError, match="缺少 计划ID / 计划名字 列"):
        canonical(data, "推广关键词报表_20260811_093015.csv")


# ---------------------------------------------------------------- loads


def test_item_report_loads_and_reingest_is_a_no_op(put_raw):
    put_raw("商品报表_8月11.zip", zip_bytes({"商品报表_8月11.csv": item_csv(title_block=True)}))
    (result,) = load.ingest(STORE, options={"window": "15"})
    assert (result.status, result.kind, result.rows_kept, result.rows_refused) == (
        "loaded", "ads_item", 3, 0)
    assert result.summary_rows == 1
    assert result.unknown_columns == ITEM_UNKNOWN
    assert sorted(ad_rows(), key=lambda r: r[2]) == [
        ("关键词推广", "item", "3001", "连衣裙单元", ITEM1, 15, Decimal("156.78")),
        ("万相台", "item", "3002", "", ITEM2, 15, Decimal("1000.50")),
        ("人群推广", "item", "3003", "店铺拉新", "5001", 15, Decimal("20.00")),
    ]
    assert fetch("SELECT stat_date, attribution_model, roi, raw_row, _source_row "
                 "FROM ad_reports WHERE plan_id = '3001'") == [
        (date(2026, 8, 11), "last_click", 3.18, None, 4)]  # 2 title rows + header on row 3
    assert fetch("SELECT sum(cost) FROM ad_reports") == [(Decimal("1177.28"),)]  # = 合计
    before = ad_snapshot()
    assert [r.status for r in load.ingest(STORE, options={"window": "15"})] == ["skipped"]
    assert ad_snapshot() == before


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("推广关键词报表_20260811_093015.csv", keyword_csv, [
            ("关键词推广", "keyword", "3001", "连衣裙单元", f"连衣裙|{ITEM1}", 15,
             Decimal("35.00")),
            ("关键词推广", "keyword", "3001", "连衣裙单元", f"连衣裙|{ITEM2}", 15,
             Decimal("8.00")),
            ("关键词推广", "keyword", "3001", "连衣裙单元", f"流量智选词包|{ITEM1}", 15,
             Decimal("30.00")),
        ]),
        ("推广人群报表_20260811_093015.csv", crowd_csv, [
            ("人群推广", "crowd", "5001", "新客单元", "相似宝贝人群", 15, Decimal("96.00")),
            ("人群推广", "crowd", "5001", "老客单元", "相似宝贝人群", 15, Decimal("10.00")),
        ]),
        ("直通车关键词报表_30天.csv", ztc_csv, [
            ("直通车", "keyword", "日常推广", "", "连衣裙 夏|夏季连衣裙", 30, Decimal("48.00")),
        ]),
        ("淘宝联盟推广效果.csv", taoke_csv, [
            ("淘宝客", "item", "通用推广", "", ITEM1, 15, Decimal("198.00")),
        ]),
    ],
)
def test_other_ad_kinds_load_and_reingest_is_a_no_op(put_raw, name, data, expected):
    put_raw(name, data())
    (result,) = load.ingest(STORE)
    assert (result.status, result.rows_kept, result.rows_refused) == (
        "loaded", len(expected), 0)
    assert sorted(ad_rows()) == sorted(expected)
    before = ad_snapshot()
    assert [r.status for r in load.ingest(STORE)] == ["skipped"]
    assert ad_snapshot() == before


def test_windows_are_kept_apart_and_a_later_export_updates_its_window(put_raw):
    put_raw("推广关键词报表_20260811_093015.csv", keyword_csv())
    load.ingest(STORE, options={"window": "15"})
    # the same day downloaded with a 30-day window: new rows, the 15-day rows untouched
    put_raw("推广关键词报表_20260812_093015.csv", keyword_csv(
        row(KEYWORD_REPORT, 日期="2026-08-11", 计划ID="3001", 宝贝ID=ITEM1,
            **{"词名字/词包名字": "碎花裙"}, 花费="1.00")))
    load.ingest(STORE, options={"window": "30"})
    assert fetch("SELECT attribution_window_days, count(*), sum(cost) FROM ad_reports "
                 "GROUP BY 1 ORDER BY 1") == [(15, 3, Decimal("73.00")),
                                               (30, 4, Decimal("74.00"))]


def test_refused_rows_go_to_rejects_with_a_chinese_reason(put_raw):
    path = put_raw("推广关键词报表_20260811_093015.csv", keyword_csv(
        row(KEYWORD_REPORT, 日期="2026-08-11", 计划ID="3001", 宝贝ID=ITEM1,
            **{"词名字/词包名字": "碎花裙"}, 花费="¥1.2.3"),
        row(KEYWORD_REPORT, 日期="2026-08-11", 计划ID="3001", 宝贝ID=ITEM1, 花费="2.00"),
    ))
    (result,) = load.ingest(STORE)
    assert (result.status, result.rows_kept, result.rows_refused) == ("loaded", 3, 2)
    (rejects,) = paths.rejects_dir(STORE).glob(f"{path.name}.*.csv")
    got = pd.read_csv(rejects, dtype=str, encoding="utf-8-sig")
    assert got["_source_row"].tolist() == ["5", "6"]
    assert "金额不是数字" in got.loc[0, "reason"]
    assert "缺少词名字/词包名字" in got.loc[1, "reason"]


def test_file_missing_its_plan_columns_is_quarantined_naming_them(put_raw):
    header = ["日期", "人群名字", "展现量", "点击量", "花费"]
    put_raw("推广人群报表_20260811_093015.csv",
            csv_bytes([header, ["2026-08-11", "相似宝贝人群", "10", "1", "1.00"]]))
    (result,) = load.ingest(STORE)
    assert result.status == "quarantined"
    assert "缺少 计划ID / 计划名字 列" in result.message
    assert fetch("SELECT count(*) FROM ad_reports") == [(0,)]
    assert fetch("SELECT count(*) FROM manifest") == [(0,)]


def test_invalid_window_option_stops_the_run(put_raw):
    put_raw("推广人群报表_20260811_093015.csv", crowd_csv())
    with pytest.raises(ConfigError, match="window=14"):
        load.ingest(STORE, options={"window": "14"})
    assert fetch("SELECT count(*) FROM ad_reports") == [(0,)]
