"""Tests for storeops.demo: real export formats, byte-identical reruns, consistent figures.

Expected values are recomputed here with plain ``csv``/``Decimal``/``python_calamine``, never
with the generator's own helpers, so a bug in ``demo`` cannot hide itself.
"""

from __future__ import annotations

import csv
import io
import os
import re
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest
from python_calamine import CalamineWorkbook

from rawfiles import GEN_A_ORDERS as ORDER_HEADER
from storeops import demo, paths
from storeops.errors import ConfigError

END = date(2026, 11, 26)
SMALL = {"end": END, "days": 45, "daily_orders": 30.0}
# 45 days ending 2026-11-26 start on 2026-10-13 (26 days of November + 19 of October):
# the range holds the 双11 pre-heat, November 11 itself and the cool-down after it.
START = date(2026, 10, 13)

DETAIL_HEADER = [
    "订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "备注",
    "订单状态", "商家编码",
]
SHOP_HEADER = [
    "统计日期", "访客数", "浏览量", "支付金额", "支付买家数", "支付子订单数", "支付件数",
    "支付转化率", "客单价", "加购人数", "商品收藏人数", "下单买家数", "下单金额", "老买家数",
    "新买家数", "成功退款金额",
]
STATUSES = {
    "买家已付款,等待卖家发货", "买家已付款，等待卖家发货", "交易关闭", "交易成功",
    "卖家已发货,等待买家确认", "卖家已发货，等待买家确认", "等待买家付款",
}
MUNICIPALITIES = {"北京", "上海", "天津", "重庆"}  # written without 市, as 上海 上海市 …
MONEY = re.compile(r"^\d+\.\d{2}$")
TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def read_csv(path: Path) -> list[list[str]]:
    """Decode a GB18030 export and parse it with the csv module (header row included)."""
    return list(csv.reader(io.StringIO(path.read_bytes().decode("gb18030"), newline="")))


def read_dicts(path: Path) -> list[dict[str, str]]:
    rows = read_csv(path)
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def stamp(path: Path) -> str:
    return re.search(r"(\d{12})\.csv$", path.name).group(1)


def yuan(text: str) -> Decimal:
    return Decimal(text.replace(",", "").removesuffix("元"))


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generate the small demo store once for the module and return its raw folder."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        files = demo.generate("demo", **SMALL)
        folder = paths.raw_dir("demo")
    assert all(f.is_file() and folder in f.parents for f in files)
    return folder


@pytest.fixture(scope="module")
def orders(raw: Path) -> dict[str, dict[str, str]]:
    """Every order by 订单编号, keeping the version from the newest export (by file-name stamp)."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted((raw / "订单报表").glob("ExportOrderList*.csv"), key=stamp):
        for row in read_dicts(path):
            out[row["订单编号"]] = row
    return out


@pytest.fixture(scope="module")
def lines(raw: Path) -> dict[str, list[dict[str, str]]]:
    """Order lines by 订单编号, from the newest detail export holding that order."""
    out: dict[str, list[dict[str, str]]] = {}
    for path in sorted((raw / "宝贝报表").glob("ExportOrderDetailList*.csv"), key=stamp):
        fresh: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in read_dicts(path):
            fresh[row["订单编号"]].append(row)
        out.update(fresh)
    return out


@pytest.fixture(scope="module")
def shop_rows(raw: Path) -> list[dict[str, str]]:
    out = []
    for path in sorted((raw / "生意参谋").glob("*.xlsx")):
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        assert rows[4] == SHOP_HEADER
        out.extend(dict(zip(SHOP_HEADER, r, strict=True)) for r in rows[5:])
    return out


# --- determinism -----------------------------------------------------------------------

def test_same_arguments_give_identical_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    trees = []
    for name in ("a", "b"):
        monkeypatch.setenv("STOREOPS_HOME", str(tmp_path / name))
        demo.generate("demo", **SMALL)
        trees.append(tree_bytes(paths.raw_dir("demo")))
    assert trees[0] == trees[1]
    # 2 months x (orders, lines, 生意参谋) + 45 days x (流量来源, 客服绩效) + 7 weekly ad
    # reports + 退款单, 评价, DSR, 库存, 大促日历, 库存日报, 竞品分析 + 45 days of 商品_全部
    assert len(trees[0]) == 6 + 2 * 45 + 7 + 7 + 45


def test_other_seed_gives_other_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    trees = []
    for seed in (7, 8):
        monkeypatch.setenv("STOREOPS_HOME", str(tmp_path / str(seed)))
        demo.generate("demo", seed=seed, **SMALL)
        trees.append(tree_bytes(paths.raw_dir("demo")))
    assert trees[0].keys() == trees[1].keys()  # same months, same export stamps
    # the hand-kept 大促日历 depends only on the years, not on the seed
    assert all(trees[0][k] != trees[1][k] for k in trees[0] if not k.startswith("手工/"))


def test_bytes_do_not_depend_on_hash_seed_or_time_zone(tmp_path: Path):
    script = ("import datetime, sys; from storeops import demo; "
              "demo.generate('demo', end=datetime.date(2026, 11, 26), days=20, daily_orders=10)")
    trees = []
    for name, extra in (("x", {"PYTHONHASHSEED": "1", "TZ": "UTC"}),
                        ("y", {"PYTHONHASHSEED": "2", "TZ": "America/New_York"})):
        env = {**os.environ, "STOREOPS_HOME": str(tmp_path / name), **extra}
        subprocess.run([sys.executable, "-c", script], env=env, check=True)
        trees.append(tree_bytes(tmp_path / name / "data" / "raw" / "demo"))
    assert trees[0] == trees[1]


def test_bad_arguments_raise_config_error():
    with pytest.raises(ConfigError):
        demo.generate("demo", end=END, days=0)
    with pytest.raises(ConfigError):
        demo.generate("demo", end=END, daily_orders=0)


# --- layout and file names -------------------------------------------------------------

def test_files_and_names(raw: Path):
    # October's files are exported on Nov 1 09:30; the last month's the day after END.
    assert sorted(p.name for p in (raw / "订单报表").iterdir()) == [
        "ExportOrderList202611010930.csv", "ExportOrderList202611270930.csv"]
    assert sorted(p.name for p in (raw / "宝贝报表").iterdir()) == [
        "ExportOrderDetailList202611010930.csv", "ExportOrderDetailList202611270930.csv"]
    assert sorted(p.name for p in (raw / "生意参谋").glob("*.xlsx")) == [
        "【生意参谋平台】店铺整体_2026-10-13_2026-10-31.xlsx",
        "【生意参谋平台】店铺整体_2026-11-01_2026-11-26.xlsx"]


def test_order_csv_is_gb18030_not_utf8(raw: Path):
    data = (raw / "订单报表" / "ExportOrderList202611270930.csv").read_bytes()
    text = data.decode("gb18030")
    assert "交易" in text and "演示旗舰店" in text
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") >= text.count("\n") > 1  # CRLF everywhere


# DATA_CONTRACT.md §1.1: columns later generation A files add at the end
LATER_HEADER = ["直播返现状态", "返现金额", "延迟发货自动赔付金额", "预售订单", "发货时间",
                "商家备忘"]


def test_headers_are_exact(raw: Path):
    widths = {}
    for path in sorted((raw / "订单报表").glob("*.csv")):
        rows = read_csv(path)
        assert len(ORDER_HEADER) == 61
        assert rows[0] in (ORDER_HEADER, ORDER_HEADER + LATER_HEADER), path.name
        assert {len(r) for r in rows} == {len(rows[0])}
        widths[path.name] = len(rows[0])
    # the header drifts: the newest monthly exports carry the later columns
    names = sorted(widths)
    newest = min(3, len(names))  # demo.LATER_HEADER_MONTHS
    assert [widths[n] for n in names] == [61] * (len(names) - newest) + [67] * newest
    for path in (raw / "宝贝报表").glob("*.csv"):
        rows = read_csv(path)
        assert rows[0] == DETAIL_HEADER
        assert {len(r) for r in rows} == {10}


def test_shop_daily_banner_and_strings(raw: Path):
    path = raw / "生意参谋" / "【生意参谋平台】店铺整体_2026-11-01_2026-11-26.xlsx"
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "店铺整体数据"
    assert rows[1][0] == "店铺名称：演示旗舰店"
    assert rows[2][0] == "统计日期：2026-11-01 ~ 2026-11-26"
    assert rows[3][0] == "数据来源于生意参谋"
    assert rows[4] == SHOP_HEADER
    assert len(rows) == 5 + 26
    assert all(isinstance(cell, str) for row in rows[5:] for cell in row)


# --- cell quirks -----------------------------------------------------------------------

def test_order_cell_quirks(orders: dict[str, dict[str, str]]):
    assert orders
    for oid, row in orders.items():
        assert re.fullmatch(r'="\d{18,19}"', oid)
        assert re.fullmatch(r"'1\d{10}", row["联系手机"])
        assert row["打款商家金额"].endswith("元") and MONEY.match(row["打款商家金额"][:-1])
        for col in ("买家应付货款", "买家应付邮费", "总金额", "买家实际支付金额", "退款金额"):
            assert MONEY.match(row[col]), (col, row[col])
        assert TIME.match(row["订单创建时间"])
        assert row["订单付款时间 "] == "" or TIME.match(row["订单付款时间 "])
        assert row["订单状态"] in STATUSES
        closed = row["订单状态"] == "交易关闭"
        assert (row["订单关闭原因"] == "订单未关闭") is not closed
        if row["订单状态"] == "等待买家付款":
            assert row["订单付款时间 "] == ""
        if row["订单状态"] != "交易成功":
            assert row["打款商家金额"] == "0.00元"
        parts = row["收货地址 "].split(" ")
        assert len(parts) == 4
        assert parts[0] in MUNICIPALITIES or parts[0].endswith(("省", "自治区")), parts[0]


def test_comma_style_differs_between_months(raw: Path):
    # Odd months (November) use the half-width comma, even months (October) the full-width.
    folder = raw / "订单报表"
    nov = {r["订单状态"] for r in read_dicts(folder / "ExportOrderList202611270930.csv")}
    octo = {r["订单状态"] for r in read_dicts(folder / "ExportOrderList202611010930.csv")}
    assert not any("，" in s for s in nov) and any("," in s for s in nov)
    assert not any("," in s for s in octo) and any("，" in s for s in octo)


def test_status_is_as_of_export_time(raw: Path):
    last = read_dicts(raw / "订单报表" / "ExportOrderList202611270930.csv")
    newest = [r for r in last if r["订单创建时间"].startswith(END.isoformat())]
    assert newest
    assert all(r["订单状态"] != "交易成功" for r in newest)  # exported 09:30 the next morning
    assert any(r["订单状态"].startswith("买家已付款") for r in newest)
    for path in (raw / "订单报表").glob("*.csv"):
        exported = re.search(r"(\d{12})", path.name).group(1)
        cut = f"{exported[:4]}-{exported[4:6]}-{exported[6:8]} {exported[8:10]}:{exported[10:]}:00"
        for r in read_dicts(path):
            for col in ("订单付款时间 ", "确认收货时间"):
                assert r[col] <= cut


# --- money and lines -------------------------------------------------------------------

def test_order_money_matches_its_lines(orders, lines):
    for oid, row in orders.items():
        items = lines[oid]
        assert all(re.fullmatch(r'="\d{18,19}"', i["订单编号"]) for i in items)
        gross = sum(yuan(i["价格"]) * int(i["购买数量"]) for i in items)
        post = yuan(row["买家应付邮费"])
        assert yuan(row["买家实际支付金额"]) == yuan(row["买家应付货款"]) + post
        assert yuan(row["总金额"]) == gross + post
        assert Decimal(0) < yuan(row["买家应付货款"]) <= gross
        assert int(row["宝贝种类 "]) == len(items)
        assert int(row["宝贝总数量"]) == sum(int(i["购买数量"]) for i in items)
        assert row["宝贝标题 "] == "，".join(i["标题"] for i in items)
        assert len({i["商家编码"] for i in items}) == len(items)
        for i in items:
            assert re.fullmatch(r"颜色分类:[^;]+;尺码:\S+", i["商品属性"])
            assert i["商家编码"].startswith(i["外部系统编号"] + "-")
            assert Decimal("29") <= yuan(i["价格"]) <= Decimal("599")


def test_refunds_and_settlement(orders):
    paid = [r for r in orders.values() if r["订单付款时间 "]]
    refunded = [r for r in paid if yuan(r["退款金额"]) > 0]
    assert 0.05 <= len(refunded) / len(paid) <= 0.15
    assert not [r for r in orders.values() if not r["订单付款时间 "] and yuan(r["退款金额"]) > 0]
    full = [r for r in refunded if r["订单状态"] == "交易关闭"]
    assert full and all(r["订单关闭原因"] == "退款" for r in full)
    for r in paid:
        if r["订单状态"] == "交易成功":  # released to the seller: paid minus refunds
            assert yuan(r["打款商家金额"]) == yuan(r["买家实际支付金额"]) - yuan(r["退款金额"])
            assert TIME.match(r["确认收货时间"])
    unpaid = [r for r in orders.values() if not r["订单付款时间 "]]
    assert 0.08 <= len(unpaid) / len(orders) <= 0.22  # ~15 % never paid


# --- 生意参谋 vs orders ----------------------------------------------------------------

def test_shop_daily_matches_orders(orders, lines, shop_rows):
    gmv: dict[str, Decimal] = defaultdict(Decimal)
    buyers: dict[str, set[str]] = defaultdict(set)
    sub_orders: Counter[str] = Counter()
    pieces: Counter[str] = Counter()
    for oid, row in orders.items():
        day = row["订单付款时间 "][:10]
        if day:
            gmv[day] += yuan(row["买家实际支付金额"])
            buyers[day].add(row["买家会员名"])
            sub_orders[day] += len(lines[oid])
            pieces[day] += sum(int(i["购买数量"]) for i in lines[oid])
    days = [START + timedelta(days=i) for i in range(45)]
    assert [r["统计日期"] for r in shop_rows] == [d.isoformat() for d in days]
    for r in shop_rows:
        day = r["统计日期"]
        assert yuan(r["支付金额"]) == gmv.get(day, Decimal(0)), day
        assert int(r["支付买家数"].replace(",", "")) == len(buyers[day])
        assert int(r["支付子订单数"].replace(",", "")) == sub_orders[day]
        assert int(r["支付件数"].replace(",", "")) == pieces[day]


def test_shop_daily_ratios(shop_rows):
    for r in shop_rows:
        visitors = int(r["访客数"].replace(",", ""))
        buyers = int(r["支付买家数"].replace(",", ""))
        assert r["支付转化率"].endswith("%")
        assert r["支付转化率"] == f"{buyers / visitors * 100:.2f}%"
        assert 1.0 <= float(r["支付转化率"][:-1]) <= 6.5
        # 客单价 half-up, e.g. 7,003.80 / 22 = 318.3545… -> "318.35".
        if buyers:
            aov = (yuan(r["支付金额"]) / buyers).quantize(Decimal("0.01"), ROUND_HALF_UP)
            assert yuan(r["客单价"]) == aov
        assert int(r["老买家数"].replace(",", "")) + int(r["新买家数"].replace(",", "")) == buyers
        assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}", r["支付金额"])
    assert any("," in r["浏览量"] for r in shop_rows)  # thousands separators are used


def test_grouped_number_formats():
    # 1234567 fen = 12,345.67 yuan; counts get a thousands separator.
    assert demo.fen_grouped(1_234_567) == "12,345.67"
    assert demo.fen_grouped(5) == "0.05"
    assert demo.fen_text(np.array([12345, 100, 7])) == ["123.45", "1.00", "0.07"]


# --- realism ---------------------------------------------------------------------------

def test_buyers_come_back(orders):
    paid = Counter(r["买家会员名"] for r in orders.values() if r["订单付款时间 "])
    assert max(paid.values()) >= 2
    assert 0.02 <= sum(1 for n in paid.values() if n >= 2) / len(paid) <= 0.4


def test_double11_peak(orders):
    per_day = Counter(r["订单创建时间"][:10] for r in orders.values())
    normal = statistics.median(per_day.values())
    assert per_day["2026-11-11"] > 2 * normal
    midnight = Counter(r["订单创建时间"][11:13] for r in orders.values()
                       if r["订单创建时间"].startswith("2026-11-11"))
    assert midnight["00"] == max(midnight.values())  # the 0:00 rush


def test_some_orders_are_paid_on_a_later_day(orders):
    later = [r for r in orders.values()
             if r["订单付款时间 "] and r["订单付款时间 "][:10] != r["订单创建时间"][:10]]
    assert later


def test_demand_calendar():
    assert demo.event_factor(date(2026, 11, 11)) >= 3
    assert demo.event_factor(date(2026, 7, 15)) == 1.0
    # 正月初一 2026 is February 17; the week around it is the trough.
    assert demo.spring_festival_factor(date(2026, 2, 17)) < 0.5
    assert demo.spring_festival_factor(date(2026, 4, 1)) == 1.0


# --- 生意参谋 商品_全部 (item report) ----------------------------------------------------

ITEM_HEADER = [
    "统计日期", "商品ID", "商品名称", "货号", "商品状态", "商品访客数", "商品浏览量",
    "商品收藏人数", "商品加购人数", "下单买家数", "下单件数", "下单金额", "支付买家数", "支付件数",
    "支付金额", "商品支付转化率", "访客平均价值", "搜索引导访客数", "搜索引导支付买家数",
    "搜索引导支付转化率",
]


@pytest.fixture(scope="module")
def item_rows(raw: Path) -> list[dict[str, str]]:
    out = []
    files = sorted((raw / "生意参谋" / "商品").iterdir())
    assert [p.name for p in files] == [
        f"【生意参谋平台】商品_全部_{d}_{d}.xls"
        for d in (START + timedelta(days=i) for i in range(45))]
    for path in files:
        assert path.read_bytes()[:2] == b"PK"  # xlsx bytes under the .xls name
        book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        rows = book.get_sheet_by_index(0).to_python()
        assert rows[0][0] == "商品_全部" and rows[3][0] == "数据来源于生意参谋"
        assert rows[4] == ITEM_HEADER  # header on row 5
        out.extend(dict(zip(ITEM_HEADER, r, strict=True)) for r in rows[5:])
    return out


def test_item_report_matches_the_orders(orders, lines, item_rows):
    rise = END - timedelta(days=14)
    pieces: Counter[tuple[str, str]] = Counter()
    goods: dict[str, Decimal] = defaultdict(Decimal)
    for oid, row in orders.items():
        day = row["订单付款时间 "][:10]
        if day and day <= END.isoformat():  # paid the morning after END: not in the report
            goods[day] += yuan(row["买家应付货款"])
            for i in lines[oid]:
                pieces[(day, i["标题"])] += int(i["购买数量"])
    got = Counter({(r["统计日期"], r["商品名称"]): int(r["支付件数"].replace(",", ""))
                   for r in item_rows})
    assert +got == +pieces  # 支付件数 per item and day = the paid order lines
    # before the price rise, the items' 支付金额 add up to the goods paid that day (postage
    # is no item's); from it on, the three risen items show more
    report: dict[str, Decimal] = defaultdict(Decimal)
    for r in item_rows:
        report[r["统计日期"]] += yuan(r["支付金额"])
        v, s = int(r["商品访客数"].replace(",", "")), int(r["搜索引导访客数"].replace(",", ""))
        assert int(r["支付买家数"]) <= v and s <= v
        assert r["商品支付转化率"] == f"{int(r['支付买家数']) / v * 100:.2f}%"
    for day, amount in goods.items():
        if day < rise.isoformat():
            assert report[day] == amount, day
        else:
            assert report[day] >= amount, day


def test_item_report_plants_three_price_rises(item_rows):
    rise = (END - timedelta(days=14)).isoformat()
    sums: dict[tuple[str, bool], list] = defaultdict(lambda: [Decimal(0), 0, 0])
    for r in item_rows:
        cell = sums[(r["商品ID"], r["统计日期"] >= rise)]
        cell[0] += yuan(r["支付金额"])
        cell[1] += int(r["支付件数"].replace(",", ""))
        cell[2] += int(r["搜索引导访客数"].replace(",", ""))
    risen = []
    for (item, after), (amount, qty, _) in sums.items():
        before = sums.get((item, False))
        if after and qty >= 5 and before and before[1] >= 5:
            change = (amount / qty) / (before[0] / before[1]) - 1
            if change > Decimal("0.12"):
                risen.append(item)
    assert len(risen) == 3
    for item in risen:  # 14 days after vs the 31 before: search visitors a day fell
        assert sums[(item, True)][2] / 14 < 0.6 * sums[(item, False)][2] / 31
