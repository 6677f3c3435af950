"""pandera checks on canonical rows before they reach the warehouse.

Rows that fail are refused (with the check's name as the reason), never silently loaded.
The schemas are built from the alias specs, so each canonical column is checked for the
type its parser promises, plus the business rules below.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from storeops.ingest.aliases import KindSpec, kinds

MONEY_TEXT = r"^-?\d{1,16}\.\d{2}$"

# Business rules per kind, beyond the type checks every parser implies.
_RULES: dict[str, dict[str, list[pa.Check]]] = {
    "orders": {
        "order_id": [pa.Check.str_matches(r"^\d{6,25}$", name="订单编号应为数字",
                                          error="订单编号应为数字")],
        "paid_amount": [pa.Check(lambda s: ~s.str.startswith("-"), name="实付金额不能为负",
                                 error="实付金额不能为负")],
    },
    "order_items": {
        "qty": [pa.Check.ge(0, name="购买数量不能为负", error="购买数量不能为负")],
    },
    "shop_daily": {
        "visitors": [pa.Check.ge(0, name="访客数不能为负", error="访客数不能为负")],
        "pay_cvr": [pa.Check.in_range(0, 1, name="支付转化率应在 0–100% 之间",
                                     error="支付转化率应在 0–100% 之间")],
    },
}


def _column(parse: str, checks: list[pa.Check]) -> pa.Column:
    if parse == "money":
        checks = [pa.Check.str_matches(MONEY_TEXT, name="金额格式", error="金额格式"), *checks]
    if parse == "ratio":
        checks = [pa.Check.in_range(0, 1, name="比率应在 0–1 之间", error="比率应在 0–1 之间"),
                  *checks]
    return pa.Column(checks=checks, nullable=True, required=False)


def schema_for(kind: KindSpec) -> pa.DataFrameSchema:
    """Return the pandera schema of a kind's canonical rows."""
    rules = {**_RULES.get(kind.name, {}),
             **{name: list(checks) for name, checks in kind.checks.items()}}
    columns = {name: _column(spec.parse, rules.get(name, []))
               for name, spec in kind.fields.items() if not spec.pii}
    return pa.DataFrameSchema(columns, strict=False, name=kind.name)


SCHEMAS = {kind.name: schema_for(kind) for kind in kinds()}
"""One schema per export kind (several kinds may feed one table)."""


def validate(kind: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """
    Check a kind's canonical rows; return (rows that pass, refused rows with a ``reason``).

    Validation is lazy: every failing row is listed, not just the first.
    """
    schema = SCHEMAS.get(kind)
    if schema is None or frame.empty:
        return frame, pd.DataFrame()
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases.dropna(subset=["index"])
        reasons = (
            cases.assign(text=cases["column"].astype(str) + "：" + cases["check"].astype(str))
            .groupby("index")["text"].agg(lambda t: "；".join(sorted(set(t))))
        )
        bad = frame.index.isin(reasons.index)
        refused = frame.loc[bad].assign(reason=reasons.reindex(frame.index[bad]).to_numpy())
        return frame.loc[~bad], refused
    return frame, pd.DataFrame()
