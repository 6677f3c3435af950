"""Operations sections (客服, 售后与评价, 库存与发货) on tiny warehouses, worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from storeops import warehouse
from storeops.analysis import operations as ops
from storeops.report import operations as show
from storeops.report import tables

DAY = date(2026, 11, 26)


def ts(*values: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), format="ISO8601"))


def store(name: str, **frames: pd.DataFrame):
    """Open a writable warehouse ``name`` and upsert each table's frame (shop_id added)."""
    con = warehouse.connect(name, read_only=False)
    for table, frame in frames.items():
        warehouse.upsert(con, table, frame.assign(shop_id=name))
    return con


@pytest.fixture
def captured(monkeypatch):
    """Collect the HTML the report functions display."""
    shown: list[str] = []
    monkeypatch.setattr(tables, "show_html", shown.append)
    return shown


# ---------------------------------------------------------------- 客服

AGENTS = pd.DataFrame({
    "stat_date": pd.to_datetime([DAY] * 4),
    "agent_nick": ["店:A", "店:B", "店:C", "店:D"],
    "sub_account": ["A", "B", "C", "D"],
    "served_users": [20, 40, 40, 5],
    "inquiry_users": [10, 20, 10, 0],
    "inquiry_paid_users": [5, 6, 4, 0],
    "first_resp_sec": [10.0, 30.0, 20.0, 5.0],
    "avg_resp_sec": [20.0, 40.0, 30.0, 10.0],
    "satisfaction_rate": [0.9, 0.8, 1.0, None],
})
# the shop row: 35 询单 (not 10+20+10 = 40: a buyer asking two agents counts once)
SHOP = pd.DataFrame({
    "stat_date": pd.to_datetime([DAY, DAY]), "row_label": ["全店汇总值", "同行同层均值"],
    "inquiry_users": [35, None], "inquiry_paid_users": [14, None],
    "inquiry_cvr": [None, 0.35], "first_resp_sec": [18.0, 25.0],
    "avg_resp_sec": [28.0, None], "satisfaction_rate": [0.92, None],
})


@pytest.fixture
def service(home):
    con = store("svc", cs_agents=AGENTS, cs_benchmarks=SHOP)
    yield ops.service_day(con, DAY)
    con.close()


def test_agents_below_median_are_marked(service):
    a = service.agents.set_index("agent")
    # 询单转化率: A 5/10 = 0.5, B 6/20 = 0.3, C 4/10 = 0.4; D has no 询单 -> none
    # median of (0.3, 0.4, 0.5) = 0.4 -> only B is below
    assert service.median_cvr == pytest.approx(0.4)
    assert a.loc["B", "inquiry_cvr"] == pytest.approx(0.3)
    assert pd.isna(a.loc["D", "inquiry_cvr"])
    assert list(a.index[a["low_cvr"]]) == ["B"]
    # first response: median of (10, 30, 20, 5) = (10 + 20) / 2 = 15 -> B (30) and C (20) slow
    assert service.median_first_resp_sec == pytest.approx(15.0)
    assert list(a.index[a["slow_first_resp"]]) == ["B", "C"]
    assert list(a.index[a["flagged"]]) == ["B", "C"]


def test_shop_totals_come_from_the_shop_row(service):
    shop = service.shop
    # 14 / 35 = 0.4 from the 全店汇总值 row, never the sum over agents (40)
    assert shop.inquiry_users == 35
    assert shop.inquiry_cvr == pytest.approx(0.4)
    assert shop.satisfaction_rate == pytest.approx(0.92)
    assert shop.peer_cvr == pytest.approx(0.35)
    assert "全店汇总值" in shop.basis


def test_without_a_shop_row_satisfaction_is_weighted_by_served_users():
    shop = ops.shop_service([], AGENTS.assign(inquiry_cvr=None))
    # (0.9×20 + 0.8×40 + 1.0×40) / (20 + 40 + 40) = 90 / 100 = 0.9 (D has no rate: left out)
    assert shop.satisfaction_rate == pytest.approx(0.9)
    assert shop.inquiry_users is None and shop.inquiry_cvr is None


def test_service_table_marks_agents(service, captured):
    show.show_service(service)
    body = captured[-1]
    assert "▼ 30.0 %" in body            # B's conversion
    assert "▼ 20 秒" in body              # C's first response
    assert "40.0 %" in captured[0]        # shop 询单转化率


# ---------------------------------------------------------------- 退款


def refund_store():
    orders = pd.DataFrame({
        "order_id": ["o1", "o2", "o3", "o4", "o5"],
        # GMV: DAY 600 + 400 = 1000; DAY-1 2000; DAY-10 1000; DAY-31 5000 (outside)
        "paid_at": ts("2026-11-26 09:00", "2026-11-26 20:00", "2026-11-25 10:00",
                      "2026-11-16 10:00", "2026-10-26 10:00"),
        "paid_amount": ["600.00", "400.00", "2000.00", "1000.00", "5000.00"],
    })
    refunds = pd.DataFrame({
        "refund_id": [f"r{i}" for i in range(1, 10)],
        "status": ["退款成功", "退款成功", "退款成功", "退款关闭", "退款成功",
                   "退款成功", "退款成功", "退款成功", "退款成功"],
        "after_sale_type": ["仅退款", "退货退款", "换货", "仅退款", "仅退款",
                            "仅退款", "仅退款", "仅退款", "仅退款"],
        "reason": ["不想要了", "质量问题", "尺码不合适", "不想要了", "不想要了",
                   "质量问题", "不想要了", "不想要了", "不想要了"],
        "refund_amount": ["50.00", "70.00", "30.00", "100.00", "80.00",
                          "100.00", "20.00", "10.00", "500.00"],
        "finished_at": ts("2026-11-26 10:00", "2026-11-26 23:59:59", "2026-11-26 12:00",
                          "2026-11-26 13:00", "2026-11-27 00:00",   # r5: the next day
                          "2026-11-25 10:00", "2026-11-16 10:00",
                          "2026-11-06 10:00",                       # r8: a day without GMV
                          "2026-10-26 10:00"),                      # r9: DAY-31, outside
        "applied_at": ts(*["2026-11-01 00:00"] * 9),
    })
    return store("ref", orders=orders, refunds=refunds)


def test_refunds_by_reason_exclude_exchange_and_closed(home):
    con = refund_store()
    got = ops.refund_day(con, DAY)
    # 退款成功 finished on DAY: r1 50 + r2 70; r3 换货 left out of amounts; r4 关闭; r5 next day
    assert got.refund_amount == Decimal("120.00")
    assert got.refunds == 2
    assert got.goods_only == 1
    assert list(got.by_reason["reason"]) == ["质量问题", "不想要了"]
    assert list(got.by_reason["refund_amount"]) == [Decimal("70.00"), Decimal("50.00")]
    con.close()


def test_refund_rate_vs_30_days_is_sum_then_divide(home):
    con = refund_store()
    got = ops.refund_day(con, DAY)
    # today 120 / 1000 = 0.12
    assert got.gmv == Decimal("1000.00")
    assert got.rate == pytest.approx(0.12)
    # baseline DAY-30..DAY-1, days with GMV only: (100 + 20) / (2000 + 1000) = 0.04;
    # the mean of the daily rates would be (0.05 + 0.02) / 2 = 0.035. r8 (no GMV that day)
    # and r9 (DAY-31) are left out.
    assert got.baseline_rate == pytest.approx(0.04)
    assert got.baseline_days == 2
    con.close()


def test_refund_rates_pure():
    rows = [{"day": DAY, "refund_amount": Decimal(0), "gmv": None},
            {"day": date(2026, 11, 25), "refund_amount": Decimal("5"), "gmv": Decimal("100")}]
    assert ops.refund_rates(rows, DAY) == (None, pytest.approx(0.05), 1)


# ---------------------------------------------------------------- 评价


REVIEWS = pd.DataFrame({
    "review_id": ["v1", "v2", "v3", "v4"],
    "review_time": ts("2026-11-26 11:00", "2026-11-26 10:00", "2026-11-26 12:00",
                      "2026-11-25 12:00"),
    "item_id": ["i1", "i1", "i1", "i1"],
    "buyer_nick_masked": ["t**9", "tb_buyer7", "小**", "a**b"],
    "rating": ["差评", "3", "好评", "差评"],
    "content": ["<script>alert(1)</script>太慢了 联系我 138-1234-5678",
                "一般 身份证110101199003071234",
                "好", "昨天的差评"],
})


def test_bad_and_medium_reviews_redacted(home):
    con = store("rev", reviews=REVIEWS, order_items=pd.DataFrame({
        "sub_order_id": ["s1"], "order_id": ["o1"], "item_id": ["i1"], "title": ["羊毛衫"]}))
    got = ops.review_day(con, DAY)
    # of DAY: v1 差评, v2 "3" stars = 中评, v3 好评; v4 is the day before
    assert got.total == 3 and got.negative == 1 and got.neutral == 1
    assert list(got.bad["rating_class"]) == ["差评", "中评"]
    assert got.bad.loc[0, "content"] == "<script>alert(1)</script>太慢了 联系我 138****5678"
    assert got.bad.loc[1, "content"] == "一般 身份证[证件号已删除]"
    assert got.bad.loc[0, "title"] == "羊毛衫"
    con.close()


def test_review_table_escapes_and_masks(home, captured):
    con = store("rev", reviews=REVIEWS)
    show.show_reviews(ops.review_day(con, DAY))
    body = "".join(captured)
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert "12345678" not in body and "110101199003071234" not in body
    assert "t**7" in body            # tb_buyer7 masked for display
    con.close()


@pytest.mark.parametrize(("text", "expected"), [
    ("差评", "差评"), ("中评", "中评"), ("好评", "好评"), ("1", "差评"), ("2星", "差评"),
    ("3", "中评"), ("★★★★", "好评"), ("5.0", "好评"), ("", None), (None, None), ("7", None),
])
def test_rating_class(text, expected):
    assert ops.rating_class(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("call 13812345678 now", "call 138****5678 now"),
    ("+86 138 1234 5678", "138****5678"),
    ("单号 23456789012345678901 不动", "单号 23456789012345678901 不动"),  # 20 digits
    ("11010119900307123X", "[证件号已删除]"),
])
def test_redact_contacts(text, expected):
    assert ops.redact_contacts(text) == expected


# ---------------------------------------------------------------- DSR


def dsr_store():
    block = pd.DataFrame({
        "snapshot_date": pd.to_datetime(["2026-11-24"] * 3 + ["2026-10-17"]),
        "metric": ["描述相符", "服务态度", "物流服务", "描述相符"],
        "window": "180d",
        "score": ["4.85000", "4.79000", "4.81000", "4.70000"],   # Oct 17: older, ignored
        "industry_avg": ["4.78000", "4.78000", "4.78000", None],
    })
    daily = pd.DataFrame({
        "snapshot_date": pd.to_datetime(["2026-10-28", "2026-11-11", "2026-11-25",
                                         "2026-11-27"]),
        "metric": "服务态度", "window": "daily",
        # mean of the three in the window = 4.80 (not below 4.8); the last value is 4.78;
        # 11-27 is after the report day and must not be read
        "score": ["4.82000", "4.80000", "4.78000", "4.50000"],
    })
    return store("dsr", dsr=pd.concat([block, daily], ignore_index=True))


def test_dsr_takes_the_last_value_and_flags_below_line(home):
    con = dsr_store()
    got = ops.dsr_day(con, DAY)
    s = got.scores.set_index("metric")
    # 服务态度: the daily value of 11-25 is newer than the 180d block of 11-24
    assert s.loc["服务态度", "score"] == Decimal("4.78000")
    assert s.loc["服务态度", "change"] == Decimal("-0.04")        # 4.78 − 4.82 (10-28)
    assert s.loc["服务态度", "low_score"] == Decimal("4.78")
    assert s.loc["描述相符", "score"] == Decimal("4.85000")        # not the older 4.70
    assert got.below == ["服务态度"]
    con.close()


# ---------------------------------------------------------------- 库存


def stock_store():
    inventory = pd.DataFrame({
        "snapshot_date": pd.to_datetime(["2026-11-25"] * 5 + ["2026-11-27", "2026-11-20"]),
        "erp": "聚水潭",
        "warehouse": ["A", "B", "A", "A", "A", "A", "A"],
        "sku_code": ["S1", "S1", "S2", "S3", "S4", "S2", "S3"],
        "on_hand": [30, 10, 5, 100, 3, 999, 999],
        "order_locked": [5, 0, 0, 0, 3, 0, 0],
        "locked": [5, 0, 0, 0, 0, 0, 0],
        "available": [None, 10, 5, 100, None, 999, 999],
        "safety_stock": [10, None, 20, 10, None, 0, 0],
    })
    orders = pd.DataFrame({
        "order_id": ["a", "b", "c", "d"],
        # 14 days up to DAY: 11-13 00:00 .. 11-26 23:59:59; 11-12 is outside
        "paid_at": ts("2026-11-13 00:00", "2026-11-26 23:00", "2026-11-20 10:00",
                      "2026-11-12 23:59:59"),
    })
    lines = pd.DataFrame({
        "sub_order_id": ["a1", "b1", "c1", "c2", "d1"],
        "order_id": ["a", "b", "c", "c", "d"],
        "sku_code": ["S1", "S1", "S3", "旧编码", "S3"],
        "outer_id": [None, None, None, "S4", None],
        "qty": [40, 30, 14, 7, 300],
    })
    return store("stk", inventory=inventory, orders=orders, order_items=lines)


def test_days_of_cover_and_safety_stock(home):
    con = stock_store()
    got = ops.stock_day(con, DAY)
    assert got.snapshot_date == date(2026, 11, 25)   # latest on or before DAY
    assert got.skus == 4
    a = got.alerts.set_index("sku_code")
    # S4: available 3 − 3 = 0; sold 7 (matched by 外部系统编号) -> 0.5/day -> 0 days
    # S1: (30 − 5 − 5) + 10 = 30 available; sold 40 + 30 = 70 -> 5/day -> 6 days < 7
    # S2: available 5 < safety 20; nothing sold -> no cover figure
    # S3: 100 available, sold 14 (the 300 of 11-12 is outside) -> 1/day -> 100 days: not listed
    assert list(got.alerts["sku_code"]) == ["S4", "S1", "S2"]
    assert a.loc["S4", "cover_days"] == 0
    assert a.loc["S1", "available"] == 30
    assert a.loc["S1", "cover_days"] == pytest.approx(6.0)
    assert bool(a.loc["S1", "low_cover"]) and not bool(a.loc["S1", "below_safety"])
    assert pd.isna(a.loc["S2", "cover_days"]) and bool(a.loc["S2", "below_safety"])
    con.close()


# ---------------------------------------------------------------- 发货

SHIP = pd.DataFrame({
    "order_id": ["u47", "w48", "w72", "late", "shipped", "late_ship", "closed", "future"],
    "paid_at": ts(
        "2026-11-25 00:00:00",   # 47:59:59 at 11-26 23:59:59: under 48 h
        "2026-11-24 23:59:59",   # exactly 48 h: 48–72
        "2026-11-23 23:59:59",   # exactly 72 h: still 48–72 (late means past 72 h)
        "2026-11-23 23:59:58",   # 72 h + 1 s: >72h
        "2026-11-21 10:00", "2026-11-21 10:00", "2026-11-21 10:00", "2026-11-27 01:00"),
    "shipped_at": ts("NaT", "NaT", "NaT", "NaT", "2026-11-22 10:00",
                     "2026-11-27 10:00",   # shipped after the day: unshipped at its end
                     "NaT", "NaT"),
    "status": ["paid", "paid", "paid", "paid", "shipped", "shipped", "closed", "paid"],
    "paid_amount": ["10.00", "20.00", "30.00", "40.00", "50.00", "60.00", "70.00", "80.00"],
    "_export_key": "20261127093000",  # exported the morning after the report day
})


def test_unshipped_buckets_at_their_boundaries(home):
    con = store("shp", orders=SHIP)
    got = ops.shipping_day(con, DAY)
    assert got.under_warn == 1
    assert list(got.warn["order_id"]) == ["w72", "w48"]   # oldest first
    assert list(got.late["order_id"]) == ["late_ship", "late"]   # oldest first
    assert got.late.iloc[1]["age_hours"] == pytest.approx(72 + 1 / 3600)
    con.close()


@pytest.mark.parametrize(("seconds", "bucket"), [
    (48 * 3600 - 1, None), (48 * 3600, "48–72h"), (72 * 3600, "48–72h"), (72 * 3600 + 1, ">72h"),
])
def test_ship_bucket(seconds, bucket):
    assert ops.ship_bucket(seconds) == bucket


def test_day_end():
    assert ops.day_end(DAY).isoformat() == "2026-11-26T23:59:59"


# ---------------------------------------------------------------- no data, actions


def test_every_section_is_none_without_its_export(home, captured):
    con = warehouse.connect("empty", read_only=False)
    got = ops.operations_day(con, DAY)
    assert (got.service, got.refunds, got.reviews, got.dsr, got.stock, got.shipping) == (
        None, None, None, None, None, None)
    show.show_service(got.service)
    show.show_after_sales(got.refunds, got.reviews, got.dsr)
    show.show_stock_and_shipping(got.stock, got.shipping)
    body = "".join(captured)
    for export in ("客服绩效", "退款单", "评价", "店铺DSR", "聚水潭库存", "订单报表"):
        assert f"「{export}」" in body
    assert show.operations_actions(got) == []
    assert set(ops.figures(got).values()) == {None}
    con.close()


def test_actions_name_the_figures_most_urgent_first(home):
    svc, ref, dsr, stk, shp = (store("svc", cs_agents=AGENTS, cs_benchmarks=SHOP),
                               refund_store(), dsr_store(), stock_store(),
                               store("shp", orders=SHIP))
    rev = store("rev", reviews=REVIEWS)
    day = ops.OperationsDay(
        day=DAY, service=ops.service_day(svc, DAY), refunds=ops.refund_day(ref, DAY),
        reviews=ops.review_day(rev, DAY), dsr=ops.dsr_day(dsr, DAY),
        stock=ops.stock_day(stk, DAY), shipping=ops.shipping_day(shp, DAY))
    lines = show.operations_actions(day)
    assert lines[0].startswith("2 单付款超过72小时仍未发货（实付 ¥100")   # 60 + 40
    assert lines[1].startswith("补货：S4 可用库存 0，可售 0.0 天")
    assert any(line.startswith("DSR 服务态度 4.780，低于 4.8") for line in lines)
    assert any("差评 1 条、中评 1 条" in line for line in lines)
    # 0.12 − 0.04 ≥ 1 pp; the top reason by money is 质量问题 ¥70
    assert any(line.startswith("退款率 12.0 %，高于前30天 4.0 %") and "质量问题" in line
               for line in lines)
    assert lines[-2].startswith("客服 B：询单转化率 30.0 %（团队中位数 40.0 %），首次响应 30 秒")
    assert lines[-1].startswith("客服 C：首次响应 20 秒")
    fig = ops.figures(day)
    assert fig["unshipped_over_72h"] == 2 and fig["unshipped_48_72h"] == 2
    assert fig["refund_amount_completed"] == 120.0 and fig["dsr_below_line"] == ["服务态度"]
    for c in (svc, ref, dsr, stk, shp, rev):
        c.close()


def test_an_order_last_seen_in_an_old_export_is_not_called_unshipped(home):
    # the same 'late' order, but known only from an export taken before the report day
    stale = SHIP[SHIP["order_id"] == "late"].assign(_export_key="20261124093000")
    con = store("stale", orders=stale)
    got = ops.shipping_day(con, date(2026, 11, 26))
    assert got is None or got.late.empty
