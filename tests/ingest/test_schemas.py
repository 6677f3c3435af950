"""Boundary checks (storeops.ingest.schemas): bad canonical rows are refused with a reason."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from storeops.ingest import aliases, schemas


def frame(**columns: list) -> pd.DataFrame:
    """A canonical frame as build returns it: money/ids as string dtype."""
    out = {}
    for name, values in columns.items():
        if name in {"qty", "visitors"}:
            out[name] = pd.array(values, dtype="Int64")
        elif name == "pay_cvr":
            out[name] = pd.array(values, dtype="Float64")
        else:
            out[name] = pd.array(values, dtype="string")
    return pd.DataFrame(out)


def test_there_is_one_schema_per_kind_covering_every_stored_field():
    assert set(schemas.SCHEMAS) == {k.name for k in aliases.KINDS}
    for kind in aliases.KINDS:
        schema = schemas.SCHEMAS[kind.name]
        stored = {name for name, spec in kind.fields.items() if not spec.pii}
        assert set(schema.columns) == stored
        for name, spec in kind.fields.items():
            if spec.parse == "money" and not spec.pii:
                checks = [c.name for c in schema.columns[name].checks]
                assert "金额格式" in checks, (kind.name, name)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("0.00", True),
        ("1234.50", True),
        ("-3.50", True),
        ("9999999999999999.99", True),  # 16 integer digits: the most DECIMAL(18,2) holds
        ("10000000000000000.00", False),  # 17 integer digits would overflow DECIMAL(18,2)
        ("1234.5", False),  # canonical text always has 2 decimals
        ("1,234.50", False),
        ("1e3", False),
    ],
)
def test_money_text_pattern(text, ok):
    assert bool(re.match(schemas.MONEY_TEXT, text)) is ok


def test_valid_orders_pass_and_missing_values_are_allowed():
    rows = frame(order_id=["2345678901234567890", "2345678901234567891"],
                 paid_amount=["99.00", None], refund_amount=[None, "0.00"])
    kept, refused = schemas.validate("orders", rows)
    assert len(kept) == 2
    assert refused.empty


def test_bad_orders_are_refused_row_by_row():
    rows = frame(
        order_id=["2345678901234567890", "ABC123", "2345678901234567892", "2345678901234567893"],
        paid_amount=["99.00", "1.00", "-5.00", "12345678901234567.00"],
    )
    kept, refused = schemas.validate("orders", rows)
    assert kept["order_id"].tolist() == ["2345678901234567890"]
    reasons = dict(zip(refused["order_id"], refused["reason"], strict=True))
    assert list(reasons) == ["ABC123", "2345678901234567892", "2345678901234567893"]
    assert reasons["ABC123"].startswith("order_id：")
    assert "实付金额不能为负" in reasons["2345678901234567892"]  # a custom check: its name
    assert reasons["2345678901234567893"].startswith("paid_amount：")


def test_lazy_validation_lists_every_failing_check_of_a_row():
    rows = frame(order_id=["X1"], paid_amount=["-1.5"])
    _, refused = schemas.validate("orders", rows)
    parts = refused["reason"].iloc[0].split("；")
    # order_id fails its pattern; paid_amount fails both its format and its sign.
    assert sorted(p.split("：")[0] for p in parts) == ["order_id", "paid_amount", "paid_amount"]


def test_order_items_negative_quantity_is_refused():
    rows = frame(sub_order_id=["a", "b"], order_id=["1", "1"], qty=[1, -1])
    kept, refused = schemas.validate("order_items", rows)
    assert kept["sub_order_id"].tolist() == ["a"]
    assert refused["sub_order_id"].tolist() == ["b"]
    assert refused["reason"].iloc[0].startswith("qty：")


def test_shop_daily_ratio_and_visitors_checks():
    rows = frame(visitors=[10, -1, 10], pay_cvr=[0.0352, 0.1, 1.5])
    kept, refused = schemas.validate("shop_daily", rows)
    assert kept.index.tolist() == [0]
    assert refused.index.tolist() == [1, 2]
    assert refused.loc[1, "reason"].startswith("visitors：")
    assert refused.loc[2, "reason"].startswith("pay_cvr：")


@pytest.mark.parametrize(
    ("table", "columns", "expected"),
    [
        ("orders", {"order_id": ["ABC123"]}, "订单编号应为数字"),
        ("orders", {"order_id": ["2345678901234567890"], "paid_amount": ["1.5"]}, "金额格式"),
        ("order_items", {"sub_order_id": ["a"], "qty": [-1]}, "购买数量不能为负"),
        ("shop_daily", {"visitors": [-1]}, "访客数不能为负"),
        ("shop_daily", {"pay_cvr": [1.5]}, "支付转化率应在 0–100% 之间"),
    ],
)
def test_refusal_reason_is_the_chinese_check_name(table, columns, expected):
    _, refused = schemas.validate(table, frame(**columns))
    assert expected in refused["reason"].iloc[0]


def test_empty_frame_and_unknown_table_pass_through():
    empty = frame(order_id=[])
    kept, refused = schemas.validate("orders", empty)
    assert kept is empty
    assert refused.empty
    other = pd.DataFrame({"x": [1]})
    assert schemas.validate("no_such_table", other)[0] is other
