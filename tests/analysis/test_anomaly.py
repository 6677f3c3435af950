from __future__ import annotations

from decimal import Decimal

import pytest

from storeops.analysis.anomaly import Rule, baseline, check, detect


def test_baseline_is_the_median_of_known_values():
    assert baseline([Decimal(1), Decimal(5), None, Decimal(3)]) == Decimal(3)
    assert baseline([None, None]) is None


def test_both_thresholds_must_be_crossed():
    rule = Rule("gmv", 0.30, 500)
    # small store: 50 -> 20 is −60 % but only −¥30: no alarm
    assert check(rule, Decimal(20), [Decimal(50)] * 4) is None
    # big store: 100 000 -> 99 000 is −¥1 000 but only −1 %: no alarm
    assert check(rule, Decimal(99000), [Decimal(100000)] * 4) is None
    # 10 000 -> 6 000: −40 % and −¥4 000: alarm, medium (not ≥ 60 %)
    got = check(rule, Decimal(6000), [Decimal(10000)] * 4)
    assert got is not None and got.severity == "medium"
    assert got.change_pct == pytest.approx(-0.4)


def test_severity_high_at_twice_both_thresholds():
    got = check(Rule("gmv", 0.30, 500), Decimal(3000), [Decimal(10000)] * 4)  # −70 %, −¥7 000
    assert got.severity == "high"


def test_one_sided_rule():
    rule = Rule("refund_rate", 0.5, 0.03, "up")
    assert check(rule, 0.01, [0.10] * 4) is None  # refunds falling is not an alarm
    assert check(rule, 0.20, [0.10] * 4) is not None


def test_missing_day_is_an_alert():
    got = check(Rule("uv", 0.3, 200), None, [1000, 1100, 900])
    assert got.severity == "high" and "数据缺失" in got.label


def test_muted_on_special_days_and_listed_last():
    today = {"gmv": Decimal(30000), "uv": 500}
    history = [{"gmv": Decimal(10000), "uv": 1000}] * 4
    got = detect(today, history, muted="双11正式期")
    assert {a.metric for a in got} == {"gmv", "uv"}
    assert all(a.muted_reason == "双11正式期" for a in got)
    assert got[0].as_json()["muted_reason"] == "双11正式期"
