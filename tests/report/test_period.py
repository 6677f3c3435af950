"""The 周报 / 月报 sections 5–7 as text: channel table, next-period table, the conclusion."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd

from storeops.analysis import period as pa
from storeops.report import period as pr


def _review():
    class Review:
        period = pa.period_of(date(2026, 11, 26), "week")

    return Review()


def test_channel_rows_show_the_seeds_column_and_absent_as_dash():
    rows, total = pa.merge_channels(
        [{"channel": "关键词推广", "cost": Decimal("30"), "gmv_total": Decimal("90"),
          "gmv_rows": 1}], [], gmv=Decimal(400), gmv_prev=None)
    found = pa.PeriodChannels(rows, total, 15, None, False, 2, 0)
    frame = pr.channels_frame(found)
    assert list(frame["渠道"]) == ["关键词推广（直通车）", "合计"]
    # 30 / 400 = 7.5 %; ROI 90 / 30; no previous ads: —
    assert list(frame["费用占比"]) == ["7.5 %", "7.5 %"]
    assert list(frame["ROI"]) == ["3.00", "3.00"] and set(frame["上期花费"]) == {"—"}


def test_next_table_says_when_there_is_no_target():
    nxt = pa.NextPeriod(
        period=pa.next_period(_review().period), gmv_target=None, target_source=None,
        uv_target=None, ratio_targets={"pay_cvr": 0.03}, conversion_rate=0.02,
        aov=Decimal(50), uv_needed=None, uv_now=300, uv_pace=700, uv_gap=None,
        actions=pd.DataFrame(), closed=pd.DataFrame(), action_days=0)
    shown = dict(pr.next_frame(nxt, _review()).to_numpy().tolist())
    assert shown["销售目标"] == "未设置" and shown["支付转化率目标"] == "3.00 %"
    assert shown["按本周节奏的访客"] == "700" and shown["访客缺口"] == "—"


def test_next_clause_names_the_gap_and_the_oldest_open_action():
    actions = pd.DataFrame([
        {"key": "b", "text": "客服 小李：首次响应 45 秒", "first_seen": date(2026, 11, 25),
         "last_seen": date(2026, 11, 26), "days": 2},
        {"key": "a", "text": "DSR 物流服务 4.790，低于 4.8：回访。",
         "first_seen": date(2026, 11, 23), "last_seen": date(2026, 11, 26), "days": 4},
    ])
    nxt = pa.NextPeriod(
        period=pa.next_period(_review().period), gmv_target=Decimal(1000),
        target_source="x", uv_target=None, ratio_targets={}, conversion_rate=0.02,
        aov=Decimal(50), uv_needed=1000, uv_now=300, uv_pace=700, uv_gap=300,
        actions=actions, closed=actions.iloc[:0], action_days=4)
    text = pr._next_clause(_review(), nxt)
    assert "目标 ¥1,000" in text and "需访客约 1,000" in text and "缺 300" in text
    assert "仍有 2 项未关闭" in text
    assert "「DSR 物流服务 4.790，低于 4.8」（自 11-23 起 4 天）" in text
