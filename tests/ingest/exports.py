"""Hand-written raw exports for the ingest tests (headers verbatim from DATA_CONTRACT.md).

Files are built as text the way the platform writes them (GBK/GB18030 for the old 卖家中心
CSVs, CRLF line ends, ``="…"`` order numbers, trailing spaces in some header names), so each
test states its quirk in the row it writes.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

from rawfiles import GEN_A_ORDERS
from storeops import paths

STORE = "s1"
"""The store id every load test uses."""

# One settings object for every property test: no per-example deadline (the first call of a
# pandas string method compiles its regex), few enough examples to keep the folder fast.
PROPERTY = settings(
    deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)


# §1.3 Generation A ExportOrderDetailList, 10 columns.
GEN_A_ITEMS = [
    "订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "备注",
    "订单状态", "商家编码",
]

# §1.2 Generation B 订单报表 (xlsx, header row 1).
GEN_B_ORDERS = [
    "订单编号", "支付单号", "支付详情", "买家应付货款", "买家应付邮费", "总金额", "买家实付金额",
    "订单状态", "收货地址", "运送方式", "订单创建时间", "订单付款时间", "商品标题", "宝贝种类",
    "物流单号", "物流公司", "备注标签", "商家备注", "宝贝总数量", "开票信息", "手机订单",
    "商品属性SKU", "发货时间", "确认收货时间", "退款金额", "是否主动赔付", "主动赔付金额",
    "主动赔付出账时间", "C2B小额收款", "确认收货打款金额", "含应开票给个人红包", "总金额(旧版)",
    "店铺名称", "订单关闭原因", "商家编码",
]

# §1.3 Generation B 宝贝报表 (the confirmed columns; `?` ones left out).
GEN_B_ITEMS = [
    "子订单编号", "主订单编号", "商品标题", "商品价格", "购买数量", "商品属性", "订单状态",
    "商家编码", "买家应付货款", "买家实付金额", "退款状态", "退款金额", "订单创建时间",
    "订单付款时间", "确认收货时间", "发货时间", "商品ID",
]

# §2.1 shop daily overview (a subset of the columns seen).
SHOP_DAILY = [
    "统计日期", "访客数", "浏览量", "支付金额", "支付买家数", "支付子订单数", "支付件数",
    "支付转化率", "客单价", "UV价值", "老买家数", "新买家数", "下单买家数", "下单金额",
    "下单转化率", "加购人数", "商品收藏人数", "平均停留时长", "成功退款金额",
    "退款金额（支付时间）",
]

# §2.2 生意参谋 商品_全部 (header on row 5).
ITEM_ALL = [
    "统计日期", "商品ID", "商品名称", "货号", "商品状态", "商品标签", "商品访客数", "商品浏览量",
    "平均停留时长", "商品详情页跳出率", "商品收藏人数", "商品加购件数", "商品加购人数",
    "下单买家数", "下单件数", "下单金额", "下单转化率", "支付买家数", "支付件数", "支付金额",
    "商品支付转化率",
]

# §2.4 选词助手 / 引流搜索词 (header on row 6, 10 columns).
SEARCH_WORDS = [
    "统计日期", "搜索词", "访客数", "加购人数", "商品收藏人数", "支付买家数", "支付转化率",
    "支付金额", "客单价", "UV价值",
]

# Four banner rows above the header, as 生意参谋 writes them (§0.3).
BANNER = [
    ["【生意参谋平台】店铺整体"],
    ["统计时间：2026-08-11 ~ 2026-08-11"],
    ["数据来源于生意参谋，仅供参考"],
    [""],
]


def row(header: list[str], **values: str) -> list[str]:
    """Return one data row for ``header``: named cells filled, every other cell empty.

    Keys are matched to header cells after stripping, so ``收货地址`` fills ``"收货地址 "``.
    """
    by_name = {h.strip(): i for i, h in enumerate(header)}
    cells = [""] * len(header)
    for name, value in values.items():
        cells[by_name[name]] = value
    return cells


def csv_bytes(
    lines: Iterable[Iterable[str]],
    *,
    encoding: str = "gb18030",
    sep: str = ",",
    newline: str = "\r\n",
    trailing_newline: bool = True,
) -> bytes:
    """Join cells by hand and encode.

    Only a cell holding the separator or a line break is quoted (``"1,234.50"``); the
    ``="…"`` protection of order numbers is written bare, as the old exports do.
    """

    def cell(value: str) -> str:
        if sep in value or "\n" in value or "\r" in value:
            return '"' + value.replace('"', '""') + '"'
        return value

    text = newline.join(sep.join(cell(c) for c in cells) for cells in lines)
    if trailing_newline:
        text += newline
    return text.encode(encoding)


def order_row(
    order_id: str,
    *,
    paid: str = "99.00",
    status: str = "交易成功",
    created: str = "2026-08-11 09:03:00",
    **extra: str,
) -> list[str]:
    """One Gen A ExportOrderList row with the real quirks of the order number and phone."""
    values = {
        "订单编号": f'="{order_id}"',
        "买家会员名": "tb_buyer",
        "买家实际支付金额": paid,
        "订单状态": status,
        "收货地址": "浙江省 杭州市 西湖区 文三路1号",
        "联系手机": "'13812345678",
        "订单创建时间": created,
        "宝贝总数量": "1",
    }
    values.update(extra)
    return row(GEN_A_ORDERS, **values)


def orders_csv(rows: list[list[str]], header: list[str] | None = None) -> bytes:
    """A Gen A ExportOrderList CSV (GB18030, CRLF) with ``rows`` under the 61-column header."""
    return csv_bytes([header or GEN_A_ORDERS, *rows])


def zip_bytes(members: Mapping[str, bytes]) -> bytes:
    """Pack ``members`` into a zip, as 万相台 delivers some reports."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def xlsx_bytes(
    rows: list[list[object]], *, sheet: str = "Sheet1", date_cells: Iterable[tuple] = ()
) -> bytes:
    """Write ``rows`` to an xlsx with xlsxwriter: ints/floats as numbers, dates as dates."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = book.add_worksheet(sheet)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            if isinstance(value, datetime):
                ws.write_datetime(r, c, value, date_format)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            elif value not in (None, ""):
                ws.write_string(r, c, str(value))
    for r, c, value in date_cells:
        ws.write_datetime(r, c, value, date_format)
    book.close()
    return buf.getvalue()


def series(*values: object) -> pd.Series:
    """A column of raw cell texts as the readers return it (object dtype)."""
    return pd.Series(list(values), dtype=object)


def fetch(sql: str, **params: object) -> list[tuple]:
    """Run one read-only query on the test store's warehouse (closed again at once)."""
    con = duckdb.connect(str(paths.warehouse_file(STORE)), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table that ingest writes, sorted, to compare before/after."""
    tables = ("manifest", "orders", "order_items", "shop_daily")
    return {t: sorted(fetch(f"SELECT * FROM {t}"), key=repr) for t in tables}  # noqa: S608


def kill_at_marker(code: str, marker: Path, home: Path, *, timeout: float = 60) -> str:
    """Run ``python -c code marker STORE`` with this home; SIGKILL it once it writes ``marker``.

    Returns the marker's text (written by the child just before it sleeps inside the step
    under test). Fails the test when the child ends first or never gets there.
    """
    env = {**os.environ, "STOREOPS_HOME": str(home)}
    child = subprocess.Popen([sys.executable, "-c", code, str(marker), STORE], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + timeout
        while not marker.exists():
            if child.poll() is not None:
                pytest.fail(f"child ended before the marker: {child.stderr.read()!r}")
            assert time.monotonic() < deadline, "child never reached the marker"
            time.sleep(0.05)
        text = marker.read_text()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    return text
