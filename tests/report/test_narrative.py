from __future__ import annotations

from decimal import Decimal

from storeops.analysis.anomaly import Anomaly
from storeops.analysis.decompose import FactorSplit, factor_split
from storeops.report import narrative

WEEK = {"gmv": Decimal(4000), "uv": 1000, "paid_buyers": 20, "conversion_rate": 0.02,
        "aov": Decimal(200)}
TODAY = {"gmv": Decimal(5000), "uv": 800, "paid_buyers": 20, "conversion_rate": 0.025,
         "aov": Decimal(250)}


def test_bridge_sentence_names_each_factor_with_its_money():
    split = factor_split(Decimal(5000), Decimal(4000), 800, 1000, 20, 20)
    text = narrative.bridge_sentence(split, TODAY, WEEK)
    assert text.startswith("支付金额 ¥5,000，比上周同日增加 ¥1,000")
    assert "访客数减少 20.0 %，贡献 −¥1,000" in text
    assert "转化率从 2.00 % 升到 2.50 %，贡献 +¥1,000" in text
    assert "客单价从 ¥200.00 升到 ¥250.00，贡献 +¥1,000" in text


def test_without_traffic_the_sentence_says_what_is_missing():
    split = FactorSplit(Decimal(1000), None, None, None)
    assert "缺少访客数据" in narrative.bridge_sentence(split, TODAY, WEEK)


def test_driver_and_action_when_gmv_falls():
    split = factor_split(Decimal(3000), Decimal(4000), 600, 1000, 15, 20)
    assert narrative.main_driver(split) == "uv"
    todo = narrative.actions(split, [])
    assert todo and todo[0].startswith("访客下降是主因")


def test_conclusion_mentions_the_biggest_risk():
    split = factor_split(Decimal(5000), Decimal(4000), 800, 1000, 20, 20)
    risk = Anomaly("uv", "访客数", 800, 1000.0, -0.2, "medium")
    lines = narrative.conclusion(TODAY, WEEK, WEEK, split, [risk], ["检查流量"])
    assert 3 <= len(lines) <= 6
    assert any(line.startswith("最大风险：访客数") for line in lines)
    assert lines[-1] == "第一件事：检查流量。"
