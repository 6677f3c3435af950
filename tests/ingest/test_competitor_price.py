"""生意参谋 竞品 with a price column (价格 / 一口价): parsed as money, ranges read low."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from storeops.ingest import build, detect, load, readers
from storeops.ingest.kinds.erp import competitor_price

from .exports import BANNER, STORE, fetch, row, xlsx_bytes
from .samples_erp import COMPETITOR

SALT = b"test-salt"


def competitor_file(header: list[str], *rows: list[str]) -> bytes:
    return xlsx_bytes([*BANNER, header, *rows], sheet="竞品分析")


@pytest.mark.parametrize(("raw", "expected", "bad"), [
    ("¥129.00", "129.00", False),
    ("129", "129.00", False),
    ("89.00-129.00", "89.00", False),  # a price range: its lower end
    ("89 ~ 129元", "89.00", False),
    ("--", None, False),
    ("面议", None, True),
])
def test_competitor_price(raw, expected, bad):
    values, flags = competitor_price(pd.Series([raw], dtype=object))
    assert (None if pd.isna(values.iloc[0]) else values.iloc[0]) == expected
    assert bool(flags.iloc[0]) is bad


@pytest.mark.parametrize("label", ["价格", "一口价"])
def test_price_header_is_detected_and_loaded(put_raw, label):
    header = [*COMPETITOR, label]
    found = detect.detect(readers.read_bytes(competitor_file(header), "竞品.xlsx"), "竞品.xlsx")
    assert found.kind.name == "competitor_items" and found.unknown_columns == []
    put_raw("竞品_2026-11-25.xlsx", competitor_file(
        header,
        row(header, 日期="2026-11-25", 商品ID="612345678901", 交易指数="1000",
            **{label: "¥199.00"}),
        row(header, 日期="2026-11-25", 商品ID="612345678902", 交易指数="900", **{label: "面议"}),
    ))
    (first,) = load.ingest(STORE)
    assert (first.status, first.rows_kept, first.rows_refused) == ("loaded", 2, 0)
    assert any("竞品价格" in n for n in first.notes)  # the unreadable price is noted, row kept
    assert fetch("SELECT competitor_item_id, price FROM competitor_items ORDER BY 1") == [
        ("612345678901", Decimal("199.00")), ("612345678902", None)]
    (again,) = load.ingest(STORE)
    assert again.status == "skipped"


def test_without_a_price_column_the_stored_price_is_kept(put_raw):
    header = [*COMPETITOR, "价格"]
    put_raw("竞品_2026-11-25_a.xlsx", competitor_file(
        header, row(header, 日期="2026-11-25", 商品ID="1", 交易指数="5", 价格="50")))
    load.ingest(STORE)
    put_raw("竞品_2026-11-26_b.xlsx", competitor_file(
        COMPETITOR, row(COMPETITOR, 日期="2026-11-25", 商品ID="1", 交易指数="6")))
    load.ingest(STORE)
    assert fetch("SELECT stat_date, trade_index, price FROM competitor_items") == [
        (date(2026, 11, 25), 6.0, Decimal("50.00"))]


def test_price_by_hand_in_the_canonical_rows():
    header = [*COMPETITOR, "一口价"]
    data = competitor_file(header, row(header, 日期="2026-11-26", 商品ID="7", 交易指数="1",
                                       一口价="1,299.5"))
    found = detect.detect(readers.read_bytes(data, "竞品.xlsx"), "竞品.xlsx")
    built = build.to_canonical(found, salt=SALT)
    assert built.frame["price"].tolist() == ["1299.50"]  # "1,299.5" -> exact text
