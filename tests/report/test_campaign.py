"""The 大促复盘 display functions: notes when data is absent, tables when present."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from storeops.analysis import campaign as cp
from storeops.report import campaign as view
from storeops.report import tables


@pytest.fixture
def shown(monkeypatch):
    """Collect the HTML each show_* call emits."""
    out: list[str] = []
    monkeypatch.setattr(tables, "show_html", out.append)
    return out


def test_absent_data_gives_notes(shown):
    view.show_stock_outs(None)
    view.show_price_cuts(None)
    view.show_competitors(None)
    text = "".join(shown)
    assert "没有覆盖大促窗口的库存快照" in text
    assert "无法比较商品的活动价与平时价" in text
    assert "没有覆盖大促窗口的生意参谋竞品数据" in text


def test_tables_escape_export_text_and_state_missing_prices(shown):
    so = cp.StockOuts(frame=pd.DataFrame([{
        "sku_code": "A<1>", "name": "<b>卫衣</b>", "spec": None,
        "sold_out_day": date(2026, 11, 11), "zero_days": 2, "back_day": None,
        "out_before": False, "gmv_rank": None}], dtype=object),
        snapshot_days=30, first=date(2026, 10, 15), last=date(2026, 11, 18))
    view.show_stock_outs(so)
    comp = cp.Competitors(frame=cp.competitor_table([
        {"day": date(2026, 10, 15), "item_id": "1", "device": "无线", "shop": "店&铺",
         "title": "对手", "trade_index": 1200.0, "traffic_index": None, "rank": 3}],
        date(2026, 10, 15), date(2026, 10, 20)), window_days=1)
    view.show_competitors(comp)
    text = "".join(shown)
    assert "&lt;b&gt;卫衣&lt;/b&gt;" in text and "<b>卫衣" not in text
    assert "仍缺货" in text and "店&amp;铺" in text
    assert "没有价格" in text


def test_repurchase_rows_say_how_many_days_are_left(shown):
    b = cp.Buyers(new=10, returning=5, new_gmv=Decimal("1000"), returning_gmv=Decimal("500"),
                  new_orders=10, returning_orders=6,
                  repurchase=cp.repurchase([3, 40, None], observed_days=45), history_days=60)
    view.show_buyers(b)
    text = "".join(shown)
    assert "已满" in text and "还差 15 天" in text
