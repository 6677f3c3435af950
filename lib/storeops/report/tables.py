"""Format money, ratios and counts for reports, escape text, and build HTML tables.

Every figure a report shows goes through this module: money as ``¥1,234`` (half-up, 四舍五入),
ratios as ``3.5 %``, changes of a ratio in percentage points, missing as ``—``. Every cell and
header of a table is HTML-escaped here, because text from exports (item titles, nicknames,
review text) can hold ``<script>``; pandas Styler and ``display(HTML(...))`` escape nothing.
Buyer names and phones are masked with :func:`masked_name` / :func:`masked_phone`
(DATA_CONTRACT §11).
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd

MISSING = "—"
"""Shown for a missing value; the reason belongs in the label, never a zero."""

MINUS = "\u2212"
"""True minus sign used by :func:`fmt_change` (as wide as the plus sign)."""


def is_missing(value: object) -> bool:
    """Return True for None, NaN, ``pd.NA`` and ``pd.NaT``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, Decimal):
        return value.is_nan()
    return False


def to_decimal(value: object) -> Decimal | None:
    """
    Convert a number to ``Decimal`` through its text, so a float keeps its shortest form.

    Parameters
    ----------
    value : Decimal, int, float or str
        ``0.1`` becomes ``Decimal("0.1")``, never ``0.1000000000000000055…``.

    Returns
    -------
    Decimal or None
        None when the value is missing (None, NaN, pd.NA).

    Raises
    ------
    ValueError
        When the value is not a finite number.
    """
    if is_missing(value):
        return None
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValueError(f"不是数字：{value!r}") from exc
    if result.is_nan():
        return None
    if not result.is_finite():
        raise ValueError(f"不是有限的数字：{value!r}")
    return result


def _half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt_money(yuan: Decimal | float | str | None, *, decimals: int = 0) -> str:
    """
    Format yuan as ``¥1,234`` (negative ``-¥1,234``), rounded half-up (四舍五入).

    Parameters
    ----------
    yuan : Decimal, int, float, str or None
        Amount in 元; converted through ``str`` to ``Decimal``.
    decimals : int
        Decimal places shown.

    Returns
    -------
    str
        ``¥1,234``; ``—`` when the amount is missing.
    """
    value = to_decimal(yuan)
    if value is None:
        return MISSING
    shown = _half_up(abs(value), decimals)
    sign = "-" if value < 0 and shown != 0 else ""
    return f"{sign}¥{shown:,}"


def _ratio_text(x: float | Decimal, decimals: int, *, sign: bool) -> tuple[Decimal, str]:
    """Return (rounded percent value, its text) of a fraction, half-up, without ``-0.0``."""
    value = to_decimal(x)
    assert value is not None  # noqa: S101 - callers check for missing first
    pct = _half_up(value * 100, decimals)
    if pct == 0:
        pct = abs(pct)
    text = f"{pct:+.{decimals}f}" if sign and pct != 0 else f"{pct:.{decimals}f}"
    return pct, text


def fmt_pct(x: float | None, *, decimals: int = 1) -> str:
    """
    Format a fraction as a percentage: ``0.035`` → ``3.5 %``.

    Parameters
    ----------
    x : float or None
        Fraction (0.035 = 3.5 %).
    decimals : int
        Decimal places of the percentage, rounded half-up.

    Returns
    -------
    str
        ``3.5 %``; ``—`` when missing.
    """
    if is_missing(x):
        return MISSING
    return f"{_ratio_text(x, decimals, sign=False)[1]} %"


def fmt_pp(dx: float | None, *, decimals: int = 1) -> str:
    """
    Format the change of a ratio in percentage points: ``0.004`` → ``+0.4 个百分点``.

    Parameters
    ----------
    dx : float or None
        Difference of two fractions.
    decimals : int
        Decimal places, rounded half-up.

    Returns
    -------
    str
        ``+0.4 个百分点``, ``-1.2 个百分点``, ``0.0 个百分点``; ``—`` when missing.
    """
    if is_missing(dx):
        return MISSING
    return f"{_ratio_text(dx, decimals, sign=True)[1]} 个百分点"


def fmt_int(n: int | float | Decimal | None) -> str:
    """
    Format a count with thousands separators: ``1234`` → ``1,234``.

    Parameters
    ----------
    n : int, float, Decimal or None
        Count (人, 件, 单); a fractional value is rounded half-up.

    Returns
    -------
    str
        ``1,234``; ``—`` when missing.
    """
    value = to_decimal(n)
    if value is None:
        return MISSING
    shown = _half_up(value, 0)
    return f"{shown if shown != 0 else Decimal(0):,}"


def fmt_change(x: float | None, *, decimals: int = 1) -> str:
    """
    Format a relative change with an arrow that survives grey-scale printing.

    Parameters
    ----------
    x : float or None
        Relative change as a fraction (0.123 = +12.3 %).
    decimals : int
        Decimal places of the percentage, rounded half-up.

    Returns
    -------
    str
        ``▲ +12.3 %``, ``▼ -4.0 %`` written with U+2212 (a true minus sign), ``0.0 %`` when it
        rounds to zero; ``—`` when missing (e.g. the base period had nothing).
    """
    if is_missing(x):
        return MISSING
    pct, text = _ratio_text(x, decimals, sign=True)
    if pct > 0:
        return f"▲ {text} %"
    if pct < 0:
        return f"▼ {text.replace('-', MINUS)} %"
    return f"{text} %"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""How text that a spreadsheet would run as a formula starts (half- and full-width)."""


def inert_cell(text: str) -> str:
    """Return spreadsheet cell text that cannot run as a formula (CSV/XLSX injection)."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
"""Bidirectional controls (U+202A–202E, U+2066–2069): an RLO in a title would reverse the
rest of the owner's line, so they are dropped from export text."""


def escape(text: object) -> str:
    """
    HTML-escape any value for a report (``&``, ``<``, ``>``, ``"``, ``'``; bidi controls dropped).

    Parameters
    ----------
    text : object
        Usually a string from an export; other values go through ``str``.

    Returns
    -------
    str
        Escaped text; ``""`` for None (and NaN / pd.NA).
    """
    if is_missing(text):
        return ""
    return html.escape(str(text).translate(_BIDI_CONTROLS), quote=True)


# --- masking (DATA_CONTRACT §11) -------------------------------------------------------------

_ALREADY_MASKED_NAME = re.compile(r"^.\*+.?$")
_ALREADY_MASKED_PHONE = re.compile(r"^\d{3}\*{4}\d{4}$|^0\d{2,3}-\*+$")


def masked_name(name: str | None, *, receiver: bool = False) -> str:
    """
    Mask a buyer nickname or a receiver's name for display.

    Parameters
    ----------
    name : str or None
        买家会员名 / 旺旺 nick, or 收货人姓名 when ``receiver`` is True.
    receiver : bool
        Receiver names keep the surname only (``张**``); nicks keep the first character, and the
        last one when longer than two characters (``张**``, ``t**1``).

    Returns
    -------
    str
        The masked name; ``""`` when missing. A value already masked by the platform
        (``张**``, ``t**1``) is returned as it is.
    """
    if is_missing(name):
        return ""
    text = str(name).strip()
    if not text:
        return ""
    if _ALREADY_MASKED_NAME.match(text):
        return text
    if receiver or len(text) <= 2:
        return f"{text[0]}**"
    return f"{text[0]}**{text[-1]}"


def masked_phone(phone: str | None) -> str:
    """
    Mask a phone number for display.

    Parameters
    ----------
    phone : str or None
        Mobile (``13812341234``, ``+86 138-1234-1234``) or landline (``0571-88886666``).

    Returns
    -------
    str
        Mobile ``138****1234``; landline keeps the area code, ``0571-****``; anything else
        ``****``; ``""`` when missing. Values already masked that way are returned as they are.
    """
    if is_missing(phone):
        return ""
    text = str(phone).strip()
    if not text:
        return ""
    if _ALREADY_MASKED_PHONE.match(text):
        return text
    digits = re.sub(r"\D", "", text)
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if digits.startswith("0") and len(digits) >= 10:
        area = digits[:3] if digits[1] in "12" else digits[:4]  # 010, 02x are 3 digits
        return f"{area}-****"
    return "****"


# --- HTML tables -----------------------------------------------------------------------------

NUMERIC_FORMATS: tuple[Callable[..., str], ...] = (fmt_money, fmt_pct, fmt_pp, fmt_int, fmt_change)
"""Formatters whose columns are right-aligned without being named in ``align_right``."""

TABLE_CSS = "border-collapse:collapse;margin:0;table-layout:auto"

TEXT_MIN_WIDTH = "5em"
"""Narrowest a text column may get (five Chinese characters, e.g. 支付转化率)."""


def _default_text(value: object) -> str:
    if is_missing(value):
        return MISSING
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _is_numeric_column(column: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(column.dtype):
        return False
    if pd.api.types.is_numeric_dtype(column.dtype):
        return True
    values = [v for v in column if not is_missing(v)]
    return bool(values) and all(
        isinstance(v, numbers.Number | Decimal) and not isinstance(v, bool) for v in values
    )


def _cell(tag: str, text: str, *, right: bool, scope: str | None = None) -> str:
    # Inline alignment: JupyterLab right-aligns every cell, the report CSS styles the rest.
    scope_attr = f' scope="{scope}"' if scope else ""
    if right:
        style = "text-align:right;white-space:nowrap"
        return f'<{tag}{scope_attr} class="num" style="{style}">{text}</{tag}>'
    # A minimum width: Chinese breaks between any two characters, so without it a browser
    # squeezes a label column to one character per line next to no-wrap numbers.
    style = f"text-align:left;min-width:{TEXT_MIN_WIDTH}"
    return f'<{tag}{scope_attr} style="{style}">{text}</{tag}>'


def html_table(
    frame: pd.DataFrame,
    *,
    formats: dict[str, Callable[[object], str]] | None = None,
    caption: str | None = None,
    align_right: Iterable[str] | None = None,
) -> str:
    """
    Build an HTML table whose every header and cell is escaped, wrapped to scroll on a phone.

    Parameters
    ----------
    frame : DataFrame
        Rows to show; the index is not shown (``reset_index()`` first if it matters).
    formats : dict of str to callable, optional
        Column name → formatter returning plain text (``fmt_money``, ``fmt_pct``, a lambda…).
        Other columns: missing ``—``, integers ``1,234``, floats ``1,234.56``, else ``str``.
    caption : str, optional
        Table caption (escaped).
    align_right : iterable of str, optional
        Columns to right-align besides the numeric ones (detected from the dtype, the values,
        or a formatter from this module).

    Returns
    -------
    str
        ``<div class="so-table-wrap" style="overflow-x:auto">`` holding a ``<table class=
        "so-table">``; inline styles keep it readable in JupyterLab too.
    """
    formats = dict(formats or {})
    right = set(align_right or ())
    columns = list(frame.columns)
    right_flags = [
        name in right
        or formats.get(name) in NUMERIC_FORMATS
        or _is_numeric_column(frame.iloc[:, i])
        for i, name in enumerate(columns)
    ]
    parts = [
        '<div class="so-table-wrap" style="overflow-x:auto;max-width:100%;'
        '-webkit-overflow-scrolling:touch">',
        f'<table class="so-table" style="{TABLE_CSS}">',
    ]
    if caption:
        parts.append(
            f'<caption style="text-align:left;caption-side:top">{escape(caption)}</caption>'
        )
    header = "".join(
        _cell("th", escape(name), right=flag, scope="col")
        for name, flag in zip(columns, right_flags, strict=True)
    )
    parts.append(f"<thead><tr>{header}</tr></thead><tbody>")
    if frame.empty:
        span = max(len(columns), 1)
        parts.append(f'<tr><td colspan="{span}" style="text-align:left">无数据</td></tr>')
    for row in frame.itertuples(index=False, name=None):
        cells = []
        for name, value, flag in zip(columns, row, right_flags, strict=True):
            formatter = formats.get(name)
            text = formatter(value) if formatter is not None else _default_text(value)
            cells.append(_cell("td", escape(text), right=flag))
        parts.append(f"<tr>{''.join(cells)}</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def show_html(markup: str) -> None:
    """Display HTML built by this module (already escaped) in the notebook."""
    from IPython.display import HTML, display

    display(HTML(markup))
