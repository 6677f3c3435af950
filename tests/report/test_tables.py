import math
import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storeops.report import tables
from storeops.report.tables import (
    escape,
    fmt_change,
    fmt_int,
    fmt_money,
    fmt_pct,
    fmt_pp,
    html_table,
    masked_name,
    masked_phone,
)


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (Decimal("1234"), {}, "¥1,234"),
        (Decimal("1234.5"), {}, "¥1,235"),  # half-up, not banker's (1234.5 -> 1235)
        (Decimal("1233.5"), {}, "¥1,234"),  # banker's would give 1,234 too; half-up agrees
        (Decimal("2.5"), {}, "¥3"),  # banker's rounding would give ¥2
        (Decimal("-1234.5"), {}, "-¥1,235"),  # half away from zero on the magnitude
        (Decimal("-0.4"), {}, "¥0"),  # no "-¥0"
        (0.1 + 0.2, {"decimals": 2}, "¥0.30"),  # float goes through str: "0.30000000000000004"
        (1.005, {"decimals": 2}, "¥1.01"),  # str(1.005) == "1.005" -> half-up 1.01
        ("88", {"decimals": 2}, "¥88.00"),
        (1234567, {}, "¥1,234,567"),
        (None, {}, "—"),
        (float("nan"), {}, "—"),
        (pd.NA, {}, "—"),
    ],
)
def test_fmt_money(value, kwargs, expected):
    assert fmt_money(value, **kwargs) == expected


def test_fmt_money_refuses_text_that_is_not_a_number():
    with pytest.raises(ValueError, match="不是数字"):
        fmt_money("12元")
    with pytest.raises(ValueError, match="有限"):
        fmt_money(float("inf"))


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.035, "3.5 %"),
        (0.0345, "3.5 %"),
        (0.0, "0.0 %"),
        (1, "100.0 %"),
        (-0.0001, "0.0 %"),
        (None, "—"),
    ],
)
def test_fmt_pct(x, expected):
    assert fmt_pct(x) == expected


def test_fmt_pct_decimals():
    assert fmt_pct(0.12345, decimals=2) == "12.35 %"  # 12.345 half-up


@pytest.mark.parametrize(
    ("dx", "expected"),
    [
        (0.004, "+0.4 个百分点"),
        (-0.012, "-1.2 个百分点"),
        (0.0, "0.0 个百分点"),
        (-0.0001, "0.0 个百分点"),
        (None, "—"),
    ],
)
def test_fmt_pp(dx, expected):
    assert fmt_pp(dx) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1234, "1,234"),
        (0, "0"),
        (-1234, "-1,234"),
        (2.5, "3"),
        (-0.4, "0"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_fmt_int(n, expected):
    assert fmt_int(n) == expected


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.123, "▲ +12.3 %"),
        (-0.04, "▼ \u22124.0 %"),  # true minus sign
        (0.00001, "0.0 %"),
        (-0.00001, "0.0 %"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_fmt_change(x, expected):
    assert fmt_change(x) == expected


def test_escape():
    assert escape("<script>alert(\"x\")</script> & 'y'") == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;y&#x27;"
    )
    assert escape(None) == ""
    assert escape(12) == "12"


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("张三", {}, "张**"),
        ("tom1", {}, "t**1"),
        ("张三丰", {}, "张**丰"),
        ("张", {}, "张**"),
        ("张三丰", {"receiver": True}, "张**"),
        ("张**", {}, "张**"),  # already masked by the platform
        ("t**1", {}, "t**1"),
        ("  ", {}, ""),
        (None, {}, ""),
    ],
)
def test_masked_name(name, kwargs, expected):
    assert masked_name(name, **kwargs) == expected


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("13812341234", "138****1234"),
        ("+86 138-1234-1234", "138****1234"),
        ("138****1234", "138****1234"),
        ("0571-88886666", "0571-****"),
        ("010-12345678", "010-****"),
        ("02112345678", "021-****"),
        ("12345", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_masked_phone(phone, expected):
    assert masked_phone(phone) == expected


def test_html_table_escapes_every_cell_header_and_caption():
    frame = pd.DataFrame(
        {
            "标题<script>": ["<script>alert(1)</script>", "a & b"],
            "支付金额": [Decimal("1234.5"), None],
            "转化率": [0.035, None],
        }
    )
    out = html_table(
        frame,
        formats={"支付金额": fmt_money, "转化率": fmt_pct},
        caption='<img src=x onerror="1">',
    )
    assert "<script" not in out
    assert "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "标题&lt;script&gt;" in out
    assert "a &amp; b" in out
    assert "¥1,235" in out and "3.5 %" in out and out.count("—") == 2
    assert out.startswith('<div class="so-table-wrap" style="overflow-x:auto')
    assert out.endswith("</table></div>")


def test_html_table_right_aligns_numeric_columns():
    frame = pd.DataFrame(
        {"商品": ["a"], "件数": [3], "金额": [Decimal("2")], "比例": ["x"], "名": ["y"]}
    )
    out = html_table(frame, formats={"比例": lambda v: v}, align_right={"名"})
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", out)
    right = re.findall(r'<th[^>]*class="num"[^>]*>([^<]*)</th>', out)
    assert heads == ["商品", "件数", "金额", "比例", "名"]
    assert right == ["件数", "金额", "名"]
    assert '<td class="num" style="text-align:right;white-space:nowrap">3</td>' in out


def test_html_table_formatter_columns_align_right_and_default_formats():
    frame = pd.DataFrame({"gmv": ["100"], "n": [1234567], "r": [0.5], "b": [True]})
    out = html_table(frame, formats={"gmv": fmt_money})
    assert '<td class="num" style="text-align:right;white-space:nowrap">¥100</td>' in out
    assert ">1,234,567<" in out and ">0.50<" in out and ">是<" in out


def test_html_table_of_an_empty_frame_says_no_data():
    out = html_table(pd.DataFrame({"a": []}))
    assert "无数据" in out and "<th" in out


def test_show_html_displays_html(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    tables.show_html("<p>x</p>")
    assert shown[0].data == "<p>x</p>"


# --- properties ------------------------------------------------------------------------------


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_fmt_money_parses_back_to_the_half_up_value(x):
    for decimals in (0, 2):
        text = fmt_money(x, decimals=decimals)
        assert re.fullmatch(r"-?¥\d{1,3}(,\d{3})*(\.\d+)?", text), text
        back = Decimal(text.replace("¥", "").replace(",", ""))
        assert back == x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_fmt_money_of_a_float_equals_fmt_money_of_its_text(x):
    assert fmt_money(x, decimals=2) == fmt_money(repr(x), decimals=2)


@given(st.floats(min_value=-10, max_value=10, allow_nan=False))
def test_fmt_pct_parses_back_within_half_a_unit(x):
    text = fmt_pct(x)
    assert text.endswith(" %")
    assert math.isclose(float(text[:-2]), x * 100, abs_tol=0.05 + 1e-9)


@given(st.text())
def test_escape_never_leaves_markup(text):
    out = escape(text)
    assert not set(out) & {"<", ">", '"', "'"}
    import html

    from storeops.report.tables import _BIDI_CONTROLS

    assert html.unescape(out) == text.translate(_BIDI_CONTROLS)  # bidi controls dropped


# Text from an export is decoded (UTF-8 / GB18030 / UTF-16), so it never holds a lone
# surrogate, which Arrow-backed pandas strings cannot store either.
EXPORT_TEXT = st.characters(exclude_categories=("Cs",))


@given(
    st.lists(st.text(alphabet=EXPORT_TEXT), min_size=1, max_size=4),
    st.lists(st.text(alphabet=EXPORT_TEXT, min_size=0, max_size=30), min_size=1, max_size=4),
)
def test_html_table_has_no_markup_from_data(headers, cells):
    frame = pd.DataFrame([cells[: len(headers)] + [""] * (len(headers) - len(cells))])
    frame.columns = headers  # may repeat; each still escaped
    out = html_table(frame, caption="<script>" + "".join(cells))
    assert "<script" not in out.lower()
    # every tag in the output is one html_table writes itself
    tags = set(re.findall(r"</?([a-zA-Z]+)", out))
    assert tags <= {"div", "table", "caption", "thead", "tbody", "tr", "th", "td"}


def test_escape_drops_bidi_controls_that_would_reverse_the_line():
    from storeops.report.tables import escape

    assert escape("店\u202e铺<b>") == "店铺&lt;b&gt;"
    assert escape("a\u2066b\u2069c") == "abc"
