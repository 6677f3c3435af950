# ruff: noqa: DTZ001 - naive datetimes: the warehouse keeps Asia/Shanghai times naive
"""Cell parsers (storeops.ingest.clean): one row per quirk seen in real exports, plus round trips.

Quirks are from DATA_CONTRACT.md §0.4-0.5 and §1.4; expected values are worked out by hand.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storeops.ingest import clean

from .exports import PROPERTY, series


def one(parser, raw):
    """Parse a single cell; return (value or None, bad flag)."""
    values, bad = parser(series(raw))
    value = values.iloc[0]
    return (None if pd.isna(value) else value), bool(bad.iloc[0])


# ---------------------------------------------------------------- normalize_header (§0.4)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("首次响应时长（秒)", "首次响应时长(秒)"),  # full-width open, half-width close [C]
        ("收入金额（元）", "收入金额(元)"),
        ("支付金额(支付)", "支付金额(支付)"),
        ("收货地址 ", "收货地址"),  # trailing space of the old order export [C]
        ("订单付款时间 ", "订单付款时间"),
        ("\ufeff订单编号", "订单编号"),  # BOM left on the first header cell
        ("\u3000商品ID\u3000", "商品ID"),  # ideographic space
        ("商品\xa0ID", "商品ID"),  # NBSP
        ("商品 ID", "商品ID"),  # internal space variant [P]
        ("ID：", "ID:"),
        (None, ""),
    ],
)
def test_normalize_header(raw, expected):
    assert clean.normalize_header(raw) == expected


@PROPERTY
@given(st.text())
def test_normalize_header_is_idempotent(raw):
    once = clean.normalize_header(raw)
    assert clean.normalize_header(once) == once
    assert not re.search(r"\s|[（）：\ufeff]", once)


# ---------------------------------------------------------------- text


def test_text_turns_missing_markers_into_na_not_zero():
    got = clean.text(series("-", "--", "—", "/", "暂无", "N/A", "#VALUE!", "", None, " x\u3000"))
    assert got.isna().tolist() == [True] * 9 + [False]
    assert got.iloc[-1] == "x"


# ---------------------------------------------------------------- parse_id (§0.5, §1.6)


@pytest.mark.parametrize(
    ("raw", "expected", "bad"),
    [
        ('="2345678901234567890"', "2345678901234567890", False),  # Excel-protected [C]
        ("'13812345678", "13812345678", False),  # leading apostrophe on phones [C]
        ("ID：612345678901", "612345678901", False),  # 咨询 CSV, full-width colon [C]
        ("ID:612345678901", "612345678901", False),
        ("2345678901234567890.00", "2345678901234567890", False),  # only strip .00 [C]
        ("612345678901.0", "612345678901", False),
        ("1.23457E+18", None, True),  # Excel re-save: digits lost, never guessed [C]
        ("2.34568e+18", None, True),
        (" 2345678901234567890 ", "2345678901234567890", False),
        ("0012345678901234", "0012345678901234", False),  # leading zeros survive (text)
        ("SF1234567890123", "SF1234567890123", False),  # 物流单号 is alphanumeric
        ("--", None, False),  # missing, not bad
        ("", None, False),
    ],
)
def test_parse_id(raw, expected, bad):
    assert one(clean.parse_id, raw) == (expected, bad)


@PROPERTY
@given(st.text(alphabet="0123456789", min_size=16, max_size=19))
def test_parse_id_keeps_protected_digits_exactly(digits):
    # 16 to 19 digits are beyond float precision (2**53 ≈ 9.0e15): any float detour would show.
    values, bad = clean.parse_id(series(f'="{digits}"', digits, f"{digits}.00"))
    assert values.tolist() == [digits, digits, digits]
    assert not bad.any()


# ---------------------------------------------------------------- parse_money (§0.5, §1.5)


@pytest.mark.parametrize(
    ("raw", "expected", "bad"),
    [
        ("123.45元", "123.45", False),  # old 打款商家金额 [C]
        ("¥1,234.50", "1234.50", False),  # currency sign + thousands separator [C]
        ("￥1,234.50", "1234.50", False),  # full-width yen
        ("1,234.00", "1234.00", False),
        ("1，234.00", "1234.00", False),  # full-width comma
        ("99", "99.00", False),
        ("0.10", "0.10", False),
        ("-3.5", "-3.50", False),
        ("1.5万", "15000.00", False),  # 1.5 × 10 000 [U]
        ("2.3亿", "230000000.00", False),  # 2.3 × 100 000 000, exact (no float)
        ("12.345", "12.35", False),  # half-up to the cent
        ("12.344", "12.34", False),
        ("无退款申请", None, False),  # placeholder in 退款金额 of new 宝贝报表 [C]
        ("--", None, False),  # missing is NULL, not 0 [C]
        ("-", None, False),
        ("暂无", None, False),
        ("#VALUE!", None, False),
        ("N/A", None, False),
        ("abc", None, True),  # present but not a number
        ("1.23457E+18", None, True),
    ],
)
def test_parse_money(raw, expected, bad):
    assert one(clean.parse_money, raw) == (expected, bad)


def test_parse_money_returns_text_not_float():
    values, _ = clean.parse_money(series("0.10", "0.20"))
    assert isinstance(values.dtype, pd.StringDtype)
    # Decimal("0.10") + Decimal("0.20") == Decimal("0.30") exactly; 0.1 + 0.2 in float is not.
    assert sum(Decimal(v) for v in values) == Decimal("0.30")


money = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False,
                    allow_infinity=False)


@PROPERTY
@given(st.lists(money, min_size=1, max_size=20))
def test_parse_money_round_trips_every_printed_form(amounts):
    forms = [f(x) for x in amounts for f in (
        lambda x: f"{x:,}", lambda x: f"¥{x:,}", lambda x: f"￥{x:,}", lambda x: f"{x:,}元",
        lambda x: f"{x}", lambda x: f" {x:,} ",
    )]
    values, bad = clean.parse_money(series(*forms))
    expected = [str(x) for x in amounts for _ in range(6)]
    assert values.tolist() == expected
    assert not bad.any()


@PROPERTY
@given(st.decimals(min_value=0, max_value=10**5, places=4, allow_nan=False,
                   allow_infinity=False))
def test_parse_money_wan_is_exact(x):
    # "x万" is x × 10 000 yuan; with 4 decimals in x the product has no fraction of a cent.
    values, bad = clean.parse_money(series(f"{x}万"))
    assert Decimal(values.iloc[0]) == (x * 10_000).quantize(Decimal("0.01"))
    assert not bad.iloc[0]


# ---------------------------------------------------------------- parse_int


@pytest.mark.parametrize(
    ("raw", "expected", "bad"),
    [
        ("1,234", 1234, False),
        ("1，234", 1234, False),
        ("12人", 12, False),
        ("3件", 3, False),
        ("1.5万", 15000, False),  # 1.5 × 10 000
        ("2.3亿", 230000000, False),  # 2.3 × 100 000 000 (float 229999999.99… rounds back)
        ("0", 0, False),
        ("--", None, False),
        ("", None, False),
        ("x", None, True),
        ("2.5", None, True),  # a fractional count is flagged, not rounded
        ("99999999999999999999", None, True),  # beyond int64: flagged, not wrapped
    ],
)
def test_parse_int(raw, expected, bad):
    assert one(clean.parse_int, raw) == (expected, bad)


@PROPERTY
@given(st.lists(st.integers(min_value=-(2**53), max_value=2**53), min_size=1, max_size=20))
def test_parse_int_round_trips_thousands_separators(numbers):
    values, bad = clean.parse_int(series(*[f"{n:,}" for n in numbers]))
    assert values.tolist() == numbers
    assert not bad.any()


# ---------------------------------------------------------------- parse_float


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("18秒", 18.0),  # 平均停留时长 / 首次响应时长 with a unit [C]
        ("3.2", 3.2),
        ("1,234.5", 1234.5),
        ("1.5万", 15000.0),
        ("--", None),
    ],
)
def test_parse_float(raw, expected):
    assert one(clean.parse_float, raw) == (expected, False)


# ---------------------------------------------------------------- parse_ratio (§0.5)


@pytest.mark.parametrize(
    ("raw", "expected", "bad"),
    [
        ("3.52%", 0.0352, False),  # percent string: 3.52 / 100 [C]
        ("0.0352", 0.0352, False),  # already a ratio (xlsx numeric cell): kept [C]
        ("100%", 1.0, False),
        ("0%", 0.0, False),
        ("3.52 %", 0.0352, False),
        ("1", 1.0, False),
        ("--", None, False),  # missing, not 0
        ("-", None, False),
        ("3.52", None, True),  # bare number > 1: percent without its sign
        ("abc", None, True),
    ],
)
def test_parse_ratio(raw, expected, bad):
    value, flagged = one(clean.parse_ratio, raw)
    assert flagged is bad
    assert value == (pytest.approx(expected, abs=1e-15) if expected is not None else None)


@PROPERTY
@given(st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=20))
def test_parse_ratio_percent_round_trip(percents):
    values, bad = clean.parse_ratio(series(*[f"{p}%" for p in percents]))
    for got, p in zip(values, percents, strict=True):
        assert abs(got - p / 100) <= 1e-12
    assert not bad.any()


# ---------------------------------------------------------------- parse_datetime / parse_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-08-11 10:00:00", datetime(2026, 8, 11, 10, 0, 0)),  # order files [C]
        # Excel serial: 1899-12-30 + 46245 d. 1900-01-01..2026-01-01 = 126×365 + 31 leap days
        # = 46021 d, +2 → 2026-01-01 is 46023; Aug 11 is day 223 → 46023 + 222 = 46245.
        ("46245", datetime(2026, 8, 11)),
        ("46245.5", datetime(2026, 8, 11, 12, 0, 0)),  # .5 d = 12 h
        ("2026/1/5 9:03", datetime(2026, 1, 5, 9, 3)),  # Excel re-save [U]
        ("20260811", datetime(2026, 8, 11)),  # 生意参谋 / ad files [C]
        ("2026-08-11", datetime(2026, 8, 11)),
        ("--", None),
    ],
)
def test_parse_datetime(raw, expected):
    value, bad = one(clean.parse_datetime, raw)
    assert not bad
    assert (None if value is None else value.to_pydatetime()) == expected


def test_parse_datetime_flags_garbage():
    assert one(clean.parse_datetime, "昨天下午")[1] is True


def test_parse_datetime_is_naive_local_time():
    values, _ = clean.parse_datetime(series("2026-08-11 23:30:00"))
    assert values.dt.tz is None  # naive Asia/Shanghai, never shifted to UTC
    assert values.iloc[0].hour == 23


@pytest.mark.parametrize(
    ("raw", "expected", "bad"),
    [
        ("2026-08-11", datetime(2026, 8, 11), False),
        ("20260811", datetime(2026, 8, 11), False),
        ("46245", datetime(2026, 8, 11), False),
        ("2026-08-11 10:00:00", datetime(2026, 8, 11), False),  # cut to the day
        ("2026-08-01~2026-08-07", None, True),  # a period: export by day instead
        ("2026-08-01至2026-08-07", None, True),
    ],
)
def test_parse_date(raw, expected, bad):
    value, flagged = one(clean.parse_date, raw)
    assert flagged is bad
    assert (None if value is None else value.to_pydatetime()) == expected


@PROPERTY
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_parse_datetime_round_trips_printed_forms(when):
    when = when.replace(microsecond=0)
    slash = f"{when.year}/{when.month}/{when.day} {when.hour}:{when.minute:02d}"
    values, bad = clean.parse_datetime(series(when.strftime("%Y-%m-%d %H:%M:%S"), slash))
    assert values.iloc[0].to_pydatetime() == when
    assert values.iloc[1].to_pydatetime() == when.replace(second=0)
    assert not bad.any()


# ---------------------------------------------------------------- parse_bool


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("是", True), ("否", False), ("手机订单", True), ("Y", True), ("0", False), ("--", None)],
)
def test_parse_bool(raw, expected):
    value = clean.parse_bool(series(raw)).iloc[0]
    assert (None if pd.isna(value) else bool(value)) == expected


# ---------------------------------------------------------------- map_order_status (§1.4)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("等待买家付款", "pending_payment"),
        ("买家已付款,等待卖家发货", "paid"),  # half-width comma
        ("买家已付款，等待卖家发货", "paid"),  # full-width comma
        ("卖家已发货，等待买家确认", "shipped"),
        ("卖家已发货,等待买家确认", "shipped"),
        ("交易成功", "completed"),
        ("交易关闭", "closed"),
        ("卖家部分发货", "partial_shipped"),
        ("买家已签收（货到付款）", "signed"),
        ("付款确认中", "pay_pending"),
        (" 交易成功 ", "completed"),
        ("新状态", "other"),  # unknown text is kept visible, not dropped
        ("--", None),
    ],
)
def test_map_order_status(raw, expected):
    value = clean.map_order_status(series(raw)).iloc[0]
    assert (None if pd.isna(value) else value) == expected


# ---------------------------------------------------------------- split_region (§1.2, §11)


@pytest.mark.parametrize(
    ("address", "province", "city"),
    [
        ("浙江省 杭州市 西湖区 文三路1号", "浙江", "杭州市"),
        ("上海 上海市 ***", "上海", "上海市"),  # masked Gen B address [C]
        ("江苏省 南京市 建邺区 沙洲街道****", "江苏", "南京市"),  # masked detail is fine
        ("内蒙古自治区 呼和浩特市 新城区 中山路1号", "内蒙古", "呼和浩特市"),
        ("广西壮族自治区南宁市青秀区民族大道1号", "广西", None),  # no spaces: city unknown
        ("黑龙江省哈尔滨市南岗区", "黑龙江", None),  # longest short name wins over 黑龙
        ("北京 ***", "北京", None),  # masked city
        ("浙江省\u3000杭州市\u3000西湖区", "浙江", "杭州市"),  # ideographic spaces
        ("--", None, None),
        (None, None, None),
    ],
)
def test_split_region(address, province, city):
    got_province, got_city = clean.split_region(series(address))
    as_py = [None if pd.isna(v) else v for v in (got_province.iloc[0], got_city.iloc[0])]
    assert as_py == [province, city]


@pytest.mark.parametrize("short", clean.PROVINCE_SHORT_NAMES)
def test_split_region_knows_every_province_in_both_forms(short):
    full = {"内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "西藏": "西藏自治区",
            "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区", "香港": "香港特别行政区",
            "澳门": "澳门特别行政区"}.get(short)
    full = full or (short + ("市" if short in {"北京", "天津", "上海", "重庆"} else "省"))
    forms = series(f"{full} 某市 某区", f"{short} 某市", f"{full}某市某区")
    province, _ = clean.split_region(forms)
    assert province.tolist() == [short, short, short]


# ---------------------------------------------------------------- buyer_keys (§11)


def test_buyer_keys_hash_and_hide_nicks():
    full_width = "\uff54\uff42_\uff11"  # "tb_1" in full-width letters (Chinese IME)
    keys = clean.buyer_keys(series("tb_1", full_width, " tb_1 ", "张**", "--"), b"salt")
    assert keys.iloc[0] == keys.iloc[1] == keys.iloc[2]  # NFKC + strip: one buyer
    assert re.fullmatch(r"[0-9a-f]{32}", keys.iloc[0])
    assert "tb_1" not in keys.iloc[0]
    assert keys.iloc[3:].isna().all()  # masked nick is no identity; missing stays missing


nick = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="*\x00"),
               min_size=1, max_size=12).filter(lambda s: clean.text(series(s)).notna().iloc[0])


@PROPERTY
@given(st.lists(nick, min_size=1, max_size=10),
       st.binary(min_size=1, max_size=32), st.binary(min_size=1, max_size=32))
def test_buyer_keys_deterministic_and_salted(nicks, salt_a, salt_b):
    first = clean.buyer_keys(series(*nicks), salt_a)
    assert first.tolist() == clean.buyer_keys(series(*nicks), salt_a).tolist()
    if salt_a != salt_b:
        other = clean.buyer_keys(series(*nicks), salt_b)
        assert all(a != b for a, b in zip(first, other, strict=True))


# ---------------------------------------------------------------- first_present


def test_first_present_coalesces_left_to_right():
    frame = pd.DataFrame({"a": [None, "x", None], "b": ["y", "z", None]})
    got = clean.first_present(frame, ["a", "b", "missing"])
    assert [None if pd.isna(v) else v for v in got] == ["y", "x", None]


def test_a_lone_star_is_part_of_a_nick_not_a_mask():
    keys = clean.buyer_keys(pd.Series(["a*b", "t**1", "张**"]), b"salt")
    assert keys.notna().tolist() == [True, False, False]


def test_money_typed_with_full_width_digits_is_folded_and_other_scripts_refused():
    wide = str.maketrans("0123456789.,-", "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17"
                                           "\uff18\uff19\uff0e\uff0c\uff0d")
    arabic_three = "\u0663"
    values, bad = clean.parse_money(series("12.5".translate(wide), "-3".translate(wide),
                                           "1,234".translate(wide) + "元", arabic_three))
    # NFKC folds them: 12.5 -> "12.50"; -3 -> "-3.00"; 1,234元 -> "1234.00"; Arabic 3 refused
    assert values.tolist()[:3] == ["12.50", "-3.00", "1234.00"]
    assert pd.isna(values.iloc[3]) and bad.tolist() == [False, False, False, True]
