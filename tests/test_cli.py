"""``storeops ingest`` and ``storeops status`` through typer's CliRunner."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.exports import SHOP_DAILY, csv_bytes, fetch, order_row, orders_csv, row
from storeops import config, paths
from storeops.cli import app, format_gaps

STORE = "s1"
OID = "2345678901234567890"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    paths.raw_dir(STORE).mkdir(parents=True)
    config.add_store(STORE, "测试店")
    return tmp_path


def put(name: str, data: bytes) -> Path:
    path = paths.raw_dir(STORE) / name
    path.write_bytes(data)
    return path


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def shop_day(day: str) -> list[str]:
    return row(SHOP_DAILY, 统计日期=day, 访客数="10", 支付金额="1.00")


def test_ingest_prints_a_table_and_a_summary_line(home):
    put("ExportOrderList202608111200.csv", orders_csv([
        order_row(OID), order_row("2345678901234567891", paid="abc")]))
    result = invoke("ingest", "--store", STORE)
    assert result.exit_code == 0, result.output
    assert "文件\t状态\t种类\t导入行\t拒收行\t汇总行\t提示" in result.output
    assert "ExportOrderList202608111200.csv\t已导入\torders\t1\t1\t0\t—" in result.output
    assert f"[{STORE}] 导入 1 个文件（1 行），跳过已导入 0 个，隔离 0 个" in result.output
    again = invoke("ingest", "--store", STORE)
    assert again.exit_code == 0
    assert "导入 0 个文件（0 行），跳过已导入 1 个" in again.output
    assert "文件\t状态" not in again.output  # nothing new: no table


def test_ingest_exits_1_when_a_file_is_quarantined(home):
    put("ExportOrderList202608111200.csv", orders_csv([order_row(OID)]))
    put("不认识.csv", csv_bytes([["甲", "乙"], ["1", "2"]]))
    result = invoke("ingest", "--store", STORE)
    assert result.exit_code == 1
    assert "不认识.csv\t隔离" in result.output
    assert "无法判断这是哪种导出文件" in result.output
    assert "隔离 1 个" in result.output
    assert fetch("SELECT count(*) FROM orders") == [(1,)]


def test_ingest_dry_run_writes_nothing(home):
    put("ExportOrderList202608111200.csv", orders_csv([order_row(OID)]))
    result = invoke("ingest", "--store", STORE, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "检查通过" in result.output
    assert "检查 1 个文件（1 行）" in result.output and "试运行" in result.output
    assert fetch("SELECT count(*) FROM manifest") == [(0,)]


def test_ingest_kind_map_and_option_pass_through(home):
    header = ["SKU", "主仓实际库存", "订单占有数"]
    path = put("商品库存.csv", csv_bytes([header, ["A1", "5", "1"]]))
    result = invoke("ingest", "--store", STORE, str(path), "--kind", "inventory_jst",
                    "--map", "SKU=sku_code", "--option", "date=2026-11-26")
    assert result.exit_code == 0, result.output
    assert "inventory_jst" in result.output
    assert fetch("SELECT snapshot_date, sku_code, on_hand FROM inventory") == [
        (date(2026, 11, 26), "A1", 5)]


def test_ingest_unknown_columns_are_shown_as_a_warning(home):
    header = ["订单编号", "买家实际支付金额", "订单创建时间", "新的列"]
    put("ExportOrderList202608111200.csv", csv_bytes([
        header, [f'="{OID}"', "1.00", "2026-08-11 10:00:00", "x"]]))
    result = invoke("ingest", "--store", STORE)
    assert "未识别的列：新的列" in result.output


@pytest.mark.parametrize("args", [
    ["--option", "date"],
    ["--map", "a=b", "--kind", "orders"],  # b is not a column of orders
    ["--kind", "nope"],
])
def test_ingest_bad_options_fail_with_a_sentence(home, args):
    put("ExportOrderList202608111200.csv", orders_csv([order_row(OID)]))
    result = invoke("ingest", "--store", STORE, *args)
    assert result.exit_code == 1
    assert "错误：" in result.output


def test_status_lists_rows_coverage_and_gaps(home):
    days = ["2026-11-18", "2026-11-19", "2026-11-21", "2026-11-22", "2026-11-26"]
    put("店铺整体.csv", csv_bytes([SHOP_DAILY, *[shop_day(d) for d in days]]))
    assert invoke("ingest", "--store", STORE).exit_code == 0
    result = invoke("status", "--store", STORE)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("shop_daily "))
    # 18 → 26 is 9 days, 5 present: 20, 23, 24, 25 missing (4 days)
    assert "5 行" in line and "2026-11-18 ~ 2026-11-26" in line
    assert "缺 2026-11-20, 2026-11-23~2026-11-25（共缺 4 天）" in line
    assert any(x.startswith("inventory ") and " 0 行" in x for x in result.output.splitlines())
    assert any(x.startswith("manifest ") for x in result.output.splitlines())


def test_format_gaps_caps_long_lists():
    gaps = [{"gap_start": date(2026, 1, d), "gap_end": date(2026, 1, d)}
            for d in range(1, 30, 2)]
    text = format_gaps(gaps, limit=3)
    assert text == "缺 2026-01-01, 2026-01-03, 2026-01-05 … 另 12 段"
    assert format_gaps([]) == ""
