from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storeops.analysis.decompose import additive_split, factor_split, log_mean


def test_log_mean():
    assert log_mean(2.0, 2.0) == 2.0
    # L(4, 1) = 3 / ln 4 = 2.1640…
    assert log_mean(4.0, 1.0) == pytest.approx(3 / math.log(4))
    with pytest.raises(ValueError):
        log_mean(0.0, 1.0)


def test_factor_split_by_hand():
    # last week: UV 1000, buyers 20 (CR 2 %), GMV 4000 (AOV 200)
    # today:     UV  800, buyers 20 (CR 2.5 %), GMV 5000 (AOV 250)
    # L(5000, 4000) = 1000 / ln 1.25 = 4481.42…
    # UV effect  = L · ln(0.8)  = −1000.00 (ln 0.8 = −ln 1.25)
    # CR effect  = L · ln(1.25) = +1000.00
    # AOV effect = L · ln(1.25) = +1000.00 → total +1000
    got = factor_split(Decimal(5000), Decimal(4000), 800, 1000, 20, 20)
    assert got.total == Decimal(1000)
    assert got.uv == Decimal("-1000.00")
    assert got.conversion == Decimal("1000.00")
    assert got.aov == Decimal("1000.00")
    assert got.uv + got.conversion + got.aov == got.total


def test_factor_split_without_traffic_is_none():
    got = factor_split(Decimal(5000), Decimal(4000), None, 1000, 20, 20)
    assert got.total == Decimal(1000)
    assert (got.uv, got.conversion, got.aov) == (None, None, None)
    assert not got.complete


@given(
    st.integers(1, 10**6), st.integers(1, 10**6),
    st.integers(1, 10**4), st.integers(1, 10**4),
    st.decimals(1, 10**7, places=2), st.decimals(1, 10**7, places=2),
)
def test_factor_split_parts_add_up_exactly(uv1, uv0, b1, b0, g1, g0):
    got = factor_split(g1, g0, uv1, uv0, b1, b0)
    assert got.uv + got.conversion + got.aov == g1 - g0


def test_additive_split_adds_up_with_a_residual():
    now = pd.Series({"手淘搜索": Decimal("3000"), "直通车": Decimal("1000")})
    before = pd.Series({"手淘搜索": Decimal("2000"), "万相台": Decimal("500")})
    got = additive_split(now, before, Decimal("4500"), Decimal("3000"))
    # parts: 搜索 +1000, 直通车 +1000, 万相台 −500; covered now 4000 / before 2500
    # residual: now 500, before 500 → change 0 (kept: it is not empty)
    assert got["change"].sum() == Decimal("1500")
    assert got.iloc[-1]["part"] == "未归属"
    assert list(got["part"][:3]) == ["手淘搜索", "直通车", "万相台"]
