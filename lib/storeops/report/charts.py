"""Charts for the reports: one function per chart, built on ``matplotlib.figure.Figure``.

The theme (seaborn ``whitegrid`` with the Noto Sans CJK SC font, SIL OFL, shipped by the PyPI
package ``noto_cjk_sans_otc``) is set once by :func:`set_theme`; chart functions never set fonts.
Figures are built without pyplot, so nothing keeps them alive after the notebook cell: a
100-store batch does not leak figures, and the inline backend does not show them twice.

Every chart takes its data first, keyword-only options and an optional ``ax``, and returns the
``Figure``; it never shows it. In a notebook, :func:`show` embeds the figure as a PNG, which
nbconvert writes into the HTML as a ``data:image/png;base64`` image.
"""

from __future__ import annotations

import io
import logging
import math
from datetime import date, datetime
from decimal import Decimal

import matplotlib as mpl
import matplotlib.dates as mdates
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from storeops.report.tables import fmt_money

logger = logging.getLogger(__name__)

CJK_FAMILY = "Noto Sans CJK SC"
"""Font family of the Simplified-Chinese face (index 2) of the shipped NotoSansCJK TTC."""

FALLBACK_FAMILIES = ["DejaVu Sans"]
"""Fonts tried, glyph by glyph, after the CJK font (matplotlib's bundled default)."""

FIGSIZE = (7.2, 3.2)
"""Inches; at 110 dpi a 792 px wide PNG that scales down to a 390 px phone screen."""

FONT_SCALE = 1.25
"""Text is scaled up from seaborn's "notebook" sizes: on a 390 px phone the 792 px PNG is shown at
about half size, and tick labels must stay readable there."""

LINE_COLOR = "#1f6fb2"
HIGHLIGHT_COLOR = "#d9480f"

WAN = 10_000
YI = 100_000_000


def cjk_font_path() -> str:
    """Return the path of the NotoSansCJK-Regular.ttc shipped by ``noto_cjk_sans_otc``."""
    import noto_cjk_sans_otc

    return str(noto_cjk_sans_otc.FONT_PATH)


def register_cjk_font() -> str:
    """
    Make Noto Sans CJK SC known to matplotlib, once per process.

    The font file stays in its package folder (``fontManager.addfont``); nothing is copied into
    matplotlib's folder. matplotlib registers every face of the TTC (JP, KR, SC, TC, HK and the
    Mono faces); the SC face is index 2, weight 400.

    Returns
    -------
    str
        The family name to use, ``"Noto Sans CJK SC"``.
    """
    path = cjk_font_path()
    manager = font_manager.fontManager
    if not any(f.fname == path and f.name == CJK_FAMILY for f in manager.ttflist):
        manager.addfont(path)
        logger.debug("registered %s from %s", CJK_FAMILY, path)
    return CJK_FAMILY


def set_theme() -> None:
    """
    Set the report theme for every chart in this process (idempotent).

    seaborn ``whitegrid``, Noto Sans CJK SC first with DejaVu Sans as a per-glyph fallback,
    ASCII minus signs, text 1.25 times seaborn's notebook sizes (readable when the PNG is shrunk
    to a phone's width), 100 dpi on screen and 110 dpi in saved PNGs.
    """
    family = register_cjk_font()
    sns.set_theme(
        style="whitegrid",
        font=family,
        font_scale=FONT_SCALE,
        rc={
            "axes.unicode_minus": False,
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "font.family": [family, *FALLBACK_FAMILIES],
            "font.sans-serif": [
                family,
                *FALLBACK_FAMILIES,
                *mpl.rcParamsDefault["font.sans-serif"],
            ],
        },
    )


def fmt_yuan_axis(value: float, *, unit: str = "", decimals: int = 2) -> str:
    """
    Format one axis tick (or chart label) in yuan.

    Parameters
    ----------
    value : float
        Value in 元.
    unit : {"", "万", "亿"}
        Scale of the whole axis: ``""`` gives ``¥12,345``, ``"万"`` gives ``¥1.2万``,
        ``"亿"`` gives ``¥3.5亿``.
    decimals : int
        Most decimals shown for 万/亿 (trailing zeros are dropped: ``¥10万``, ``¥12.5万``).

    Returns
    -------
    str
        The label; zero is ``¥0`` whatever the unit, NaN is ``""``.
    """
    if value is None or math.isnan(value):
        return ""
    size = abs(value)
    if unit == "":
        shown = f"{round(size):,}"
    else:
        scaled = size / (WAN if unit == "万" else YI)
        shown = f"{scaled:.{decimals}f}".rstrip("0").rstrip(".")
    if shown == "0":
        return "¥0"
    sign = "-" if value < 0 else ""
    return f"{sign}¥{shown}{unit}"


def axis_unit(top: float) -> str:
    """Return the scale for a money axis whose largest absolute value is ``top`` 元."""
    if top >= 10 * YI:
        return "亿"
    if top >= 10 * WAN:
        return "万"
    return ""


def yuan_formatter(ax: Axes) -> FuncFormatter:
    """Return a tick formatter writing ``¥12,345``, or ``¥1.2万`` once the axis passes ¥10万."""

    def _format(value: float, _pos: int | None) -> str:
        low, high = ax.get_ylim()
        return fmt_yuan_axis(value, unit=axis_unit(max(abs(low), abs(high))))

    return FuncFormatter(_format)


def _as_float(value: object) -> float:
    if value is None or value is pd.NA or value is pd.NaT:
        return math.nan
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _daily_series(daily: pd.DataFrame, day_col: str, value_col: str) -> pd.Series:
    """Return the values on a complete daily index; days absent or None become NaN (gaps)."""
    missing = [c for c in (day_col, value_col) if c not in daily.columns]
    if missing:
        raise KeyError(f"gmv_trend: 数据缺少列 {missing}（已有列：{list(daily.columns)}）")
    days = pd.to_datetime(daily[day_col]).dt.normalize()
    if days.duplicated().any():
        dup = days[days.duplicated()].dt.strftime("%Y-%m-%d").tolist()
        raise ValueError(f"gmv_trend: 每天只能有一行，重复的日期：{dup[:5]}")
    values = pd.Series([_as_float(v) for v in daily[value_col]], index=days, dtype="float64")
    if values.empty:
        return values
    full = pd.date_range(values.index.min(), values.index.max(), freq="D")
    return values.sort_index().reindex(full)


def gmv_trend(
    daily: pd.DataFrame,
    *,
    day_col: str = "day",
    value_col: str = "gmv",
    highlight: date | None = None,
    title: str = "支付金额（近60天）",
    ax: Axes | None = None,
) -> Figure:
    """
    Draw daily GMV as a line, with the report day marked.

    Parameters
    ----------
    daily : DataFrame
        One row per day: ``day_col`` (date) and ``value_col`` (支付金额, 元; Decimal or float).
        Days missing from the frame or holding None/NaN are drawn as gaps, never as zero.
    day_col, value_col : str
        Column names.
    highlight : date or None
        The report day, marked with a dot and its value (a dashed line if it has no value).
    title : str
        Chart title (Chinese).
    ax : Axes or None
        Draw into this axes; by default a new 7.2 by 3.2 in constrained-layout Figure.

    Returns
    -------
    Figure
        The figure drawn on (not shown).
    """
    if ax is None:
        ax = Figure(figsize=FIGSIZE, layout="constrained").subplots()
    values = _daily_series(daily, day_col, value_col)

    ax.plot(values.index, values.to_numpy(), color=LINE_COLOR, linewidth=2.2)
    # A single valid day between gaps would be invisible as a line: show such days as dots.
    isolated = values.notna() & values.shift(1).isna() & values.shift(-1).isna()
    if isolated.any():
        ax.plot(values.index[isolated], values[isolated].to_numpy(), "o", color=LINE_COLOR, ms=3)

    if highlight is not None:
        when = pd.Timestamp(highlight.date() if isinstance(highlight, datetime) else highlight)
        value = values.get(when, math.nan)
        if not math.isnan(value):
            ax.plot([when], [value], "o", color=HIGHLIGHT_COLOR, ms=7, zorder=5)
            # The report day is usually the last point: put the label to its left.
            at_end = when >= values.index.max() - pd.Timedelta(days=len(values) // 6)
            # Lift the label above the neighbouring days so its box hides none of the line.
            near = values[(values.index >= when - pd.Timedelta(days=6))
                          & (values.index <= when + pd.Timedelta(days=1))]
            ax.annotate(
                fmt_yuan_axis(value, unit=axis_unit(abs(value)), decimals=1),
                (when, max(value, float(near.max()))),
                xytext=(-8 if at_end else 0, 9),
                textcoords="offset points",
                ha="right" if at_end else "center",
                fontsize="medium",
                color=HIGHLIGHT_COLOR,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
                zorder=6,
            )
        else:
            ax.axvline(when, color=HIGHLIGHT_COLOR, linestyle="--", linewidth=1)

    if values.notna().any() and values.min() >= 0:
        ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(yuan_formatter(ax))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
    ax.set(title=title, xlabel="", ylabel="")
    return ax.figure


def figure_png(fig: Figure, *, dpi: float | None = None) -> bytes:
    """Return the figure as PNG bytes (at ``savefig.dpi`` unless ``dpi`` is given)."""
    buf = io.BytesIO()
    options = {} if dpi is None else {"dpi": dpi}
    fig.savefig(buf, format="png", **options)
    return buf.getvalue()


def show(fig: Figure, *, alt: str | None = None, keep: bool = False) -> None:
    """
    Display a figure in the notebook as an embedded PNG, then free it.

    nbconvert writes the PNG into the HTML report as a ``data:image/png;base64`` image.

    Parameters
    ----------
    fig : Figure
        A figure from one of the chart functions.
    alt : str or None
        Alternative text of the image; by default the chart titles.
    keep : bool
        Keep the figure's content (by default it is cleared after display to free memory).
    """
    from IPython.display import Image, display

    if alt is None:
        alt = " / ".join(t for t in (ax.get_title() for ax in fig.axes) if t) or "图表"
    display(Image(data=figure_png(fig), format="png", metadata={"alt": alt}))
    if not keep:
        fig.clear()


UP_COLOR = "#2b8a3e"
DOWN_COLOR = "#c92a2a"


def waterfall(
    steps: list[tuple[str, float]],
    *,
    start: tuple[str, float],
    end: tuple[str, float],
    title: str = "支付金额变化拆解",
    ax: Axes | None = None,
) -> Figure:
    """
    Draw a waterfall: the start bar, one floating bar per step, the end bar.

    Parameters
    ----------
    steps : list of (label, change in 元)
        The parts of the change, in display order; they add up to end − start.
    start, end : (label, value in 元)
        The two totals (e.g. 上周同日 and 当日).
    title : str
        Chart title.
    ax : Axes or None
        Draw into this axes; by default a new figure.

    Returns
    -------
    Figure
        The figure drawn on. Rising steps are green with ▲ labels, falling ones red with ▼,
        so the direction survives grey-scale printing.
    """
    if ax is None:
        ax = Figure(figsize=FIGSIZE, layout="constrained").subplots()
    labels = [start[0], *(s[0] for s in steps), end[0]]
    level = start[1]
    bottoms, heights, colors, texts = [0.0], [start[1]], [LINE_COLOR], [start[1]]
    for _, change in steps:
        bottoms.append(level if change >= 0 else level + change)
        heights.append(abs(change))
        colors.append(UP_COLOR if change >= 0 else DOWN_COLOR)
        texts.append(change)
        level += change
    bottoms.append(0.0)
    heights.append(end[1])
    colors.append(LINE_COLOR)
    texts.append(end[1])
    xs = range(len(labels))
    ax.bar(xs, heights, bottom=bottoms, color=colors, width=0.6,
           hatch=[None, *("" if t >= 0 else "//" for t in texts[1:-1]), None])
    top = max(b + h for b, h in zip(bottoms, heights, strict=True)) or 1.0
    unit = axis_unit(top)
    for x, b, h, t, is_step in zip(xs, bottoms, heights, texts,
                                   [False, *([True] * len(steps)), False], strict=True):
        text = (fmt_money(Decimal(str(abs(t)))) if unit == "" else
                fmt_yuan_axis(abs(t), unit=unit, decimals=1))
        if is_step:
            text = ("▲ +" if t >= 0 else "▼ −") + text
        ax.annotate(text, (x, b + h), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontsize="small")
    ax.set_xticks(list(xs), labels)
    ax.set_ylim(0, top * 1.15)
    ax.yaxis.set_major_formatter(yuan_formatter(ax))
    ax.set(title=title, xlabel="", ylabel="")
    return ax.figure
