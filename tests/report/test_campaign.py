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


def _hours(presale: pd.DataFrame | None, summary: pd.DataFrame | None) -> cp.Hours:
    frame = pd.DataFrame({"hour": range(24), "gmv": [Decimal(10)] * 24,
                          "paid_orders": [1] * 24, "normal_gmv": [Decimal(5)] * 24,
                          "normal_orders": [0.5] * 24}, dtype=object)
    return cp.Hours(day=date(2026, 11, 11), frame=frame, first_hour_share=1 / 24, peak_hour=0,
                    normal_days=28, presale=presale, presale_summary=summary)


def test_hours_keep_the_absent_marker_note_or_show_the_stages(shown, monkeypatch):
    drawn: list = []
    monkeypatch.setattr(view.charts, "show", drawn.append)
    view.show_hours(_hours(None, None))
    assert "预售定金/尾款无法单列" in "".join(shown)
    shown.clear()
    wide, summary = cp.presale_hours(
        [{"stage": "尾款", "hour": 0, "gmv": Decimal("120.00"), "paid_orders": 2}],
        Decimal("240.00"))
    view.show_hours(_hours(wide, summary))
    text = "".join(shown)
    assert "预售定金/尾款无法单列" not in text
    assert "尾款" in text and "¥120" in text and "50.0 %" in text  # 120 of the day's 240
    labels = [t.get_label() for t in drawn[-1].axes[0].get_lines()]
    assert "其中尾款" in labels


def test_refunds_show_a_presale_line_or_the_note(shown):
    rt = cp.RefundTail(gmv=Decimal("1000"), refund_amount=Decimal("100"), rate=0.1,
                       base_rate=0.05, curve=None, open_days=0, reasons=None)
    view.show_refunds(rt)
    assert "预售定金/尾款无法单列" in "".join(shown)
    shown.clear()
    presale = cp.presale_refunds([{"stage": "定金", "paid_orders": 3, "gmv": Decimal("90.00"),
                                   "refund_amount": Decimal("9.00")}], [],
                                 has_refund_export=False)
    view.show_refunds(cp.RefundTail(gmv=Decimal("1000"), refund_amount=Decimal("100"), rate=0.1,
                                    base_rate=0.05, curve=None, open_days=0, reasons=None,
                                    presale=presale))
    text = "".join(shown)
    assert "预售定金/尾款无法单列" not in text
    assert "其中预售订单" in text and "定金" in text and "10.0 %" in text  # 9 / 90


def test_competitor_prices_and_our_position(shown):
    rows = [{"day": date(2026, 10, 14), "item_id": "1", "device": "无线", "shop": "店",
             "title": "对手<款>", "trade_index": 1000.0, "traffic_index": None, "rank": 3,
             "price": Decimal("199.00")},
            {"day": date(2026, 10, 24), "item_id": "1", "device": "无线", "shop": "店",
             "title": "对手<款>", "trade_index": 1500.0, "traffic_index": None, "rank": 2,
             "price": Decimal("159.00")}]
    frame = cp.competitor_table(rows, date(2026, 10, 15), date(2026, 11, 18),
                                main=(date(2026, 10, 24), date(2026, 11, 11)))
    comp = cp.Competitors(frame=frame, window_days=1, has_prices=True,
                          our_price=Decimal("143.10"), rival_price=Decimal("159.00"),
                          price_position=-0.1, our_items=4)
    view.show_competitors(comp)
    text = "".join(shown)
    assert "¥199.00" in text and "¥159.00" in text and "¥143.10" in text
    assert "我们低 10.0%" in text and "没有价格" not in text
    assert "对手&lt;款&gt;" in text and "对手<款>" not in text
