import math
import warnings
from datetime import date, timedelta
from decimal import Decimal

import matplotlib
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from storeops.report import charts


def daily_frame(days: int = 30, *, end: date = date(2026, 11, 26)) -> pd.DataFrame:
    start = end - timedelta(days=days - 1)
    return pd.DataFrame(
        {
            "day": [start + timedelta(days=i) for i in range(days)],
            "gmv": [Decimal(80_000 + 1_000 * (i % 5)) for i in range(days)],
        }
    )


@pytest.fixture(autouse=True)
def theme():
    charts.set_theme()


def test_register_cjk_font_is_idempotent_and_uses_the_sc_face():
    before = len(font_manager.fontManager.ttflist)
    assert charts.register_cjk_font() == "Noto Sans CJK SC"
    assert charts.register_cjk_font() == "Noto Sans CJK SC"
    assert len(font_manager.fontManager.ttflist) == before
    sc = [f for f in font_manager.fontManager.ttflist if f.name == "Noto Sans CJK SC"]
    assert len(sc) == 1
    assert sc[0].fname.endswith("NotoSansCJK-Regular.ttc")
    assert (sc[0].index, sc[0].weight, sc[0].style) == (2, 400, "normal")
    # never copied into matplotlib's own font folder
    assert not sc[0].fname.startswith(str(matplotlib.get_data_path()))


def test_set_theme_is_idempotent_and_puts_cjk_first():
    charts.set_theme()
    charts.set_theme()
    assert matplotlib.rcParams["font.family"][0] == "Noto Sans CJK SC"
    assert "DejaVu Sans" in matplotlib.rcParams["font.family"]  # per-glyph fallback
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert matplotlib.rcParams["savefig.dpi"] == 110


def test_chinese_title_renders_with_noto_and_no_missing_glyph_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = charts.gmv_trend(
            daily_frame(), highlight=date(2026, 11, 26), title="支付金额（近30天）"
        )
        png = charts.figure_png(fig)
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if "Glyph" in m or "missing from font" in m], messages
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    title = fig.axes[0].title
    assert title.get_text() == "支付金额（近30天）"
    found = font_manager.findfont(title.get_fontproperties(), fallback_to_default=False)
    assert str(found).endswith("NotoSansCJK-Regular.ttc")
    assert found.face_index == 2  # the SC face of the collection
    family = font_manager.findfont(font_manager.FontProperties(family="Noto Sans CJK SC"))
    assert str(family).endswith("NotoSansCJK-Regular.ttc")


def test_gmv_trend_returns_a_non_pyplot_figure_of_phone_size():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = charts.gmv_trend(daily_frame())
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == before  # not in pyplot's registry: freed with its last reference
    assert tuple(fig.get_size_inches()) == pytest.approx((7.2, 3.2))
    assert fig.get_layout_engine().__class__.__name__ == "ConstrainedLayoutEngine"


def test_missing_days_are_gaps_not_zero():
    frame = daily_frame(10)
    frame = frame.drop(index=[3, 4]).assign(  # two days absent from the export
        gmv=lambda d: d["gmv"].where(d.index != 7, None)  # and one day without a value
    )
    fig = charts.gmv_trend(frame)
    line = fig.axes[0].lines[0]
    y = [float(v) for v in line.get_ydata()]
    assert len(y) == 10  # the full day range, 10 days
    assert [i for i, v in enumerate(y) if math.isnan(v)] == [3, 4, 7]
    assert 0.0 not in y


def test_highlight_marks_the_report_day():
    fig = charts.gmv_trend(daily_frame(), highlight=date(2026, 11, 26))
    ax = fig.axes[0]
    marker = ax.lines[-1]
    assert list(marker.get_ydata()) == [84_000.0]  # 80,000 + 1,000 * (29 % 5)
    assert ax.texts and ax.texts[0].get_text() == "¥84,000"


def test_highlight_without_a_value_draws_a_dashed_line():
    frame = daily_frame(5).assign(gmv=lambda d: d["gmv"].where(d.index != 4, None))
    fig = charts.gmv_trend(frame, highlight=date(2026, 11, 26))
    assert fig.axes[0].lines[-1].get_linestyle() == "--"


def test_draws_into_a_given_axes():
    ax = Figure().subplots()
    assert charts.gmv_trend(daily_frame(), ax=ax) is ax.figure


def test_duplicate_days_are_refused():
    frame = pd.concat([daily_frame(3), daily_frame(1)])
    with pytest.raises(ValueError, match="重复"):
        charts.gmv_trend(frame)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (12_345, "", "¥12,345"),
        (0, "万", "¥0"),
        (12_000, "万", "¥1.2万"),
        (125_000, "万", "¥12.5万"),
        (100_000, "万", "¥10万"),
        (-25_000, "万", "-¥2.5万"),
        (350_000_000, "亿", "¥3.5亿"),
        (float("nan"), "", ""),
    ],
)
def test_fmt_yuan_axis(value, unit, expected):
    assert charts.fmt_yuan_axis(value, unit=unit) == expected


def test_axis_switches_to_wan_past_100k():
    assert charts.axis_unit(99_999) == ""
    assert charts.axis_unit(100_000) == "万"
    assert charts.axis_unit(2_000_000_000) == "亿"
    big = daily_frame().assign(gmv=lambda d: d["gmv"] * 3)  # up to ¥252,000
    fig = charts.gmv_trend(big)
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert labels and all(label == "¥0" or label.endswith("万") for label in labels)


def test_show_displays_an_embedded_png_with_alt_text_and_frees_the_figure(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    fig = charts.gmv_trend(daily_frame(), title="支付金额")
    charts.show(fig)
    (image,) = shown
    assert image.format == "png" and image.data.startswith(b"\x89PNG")
    assert image.metadata == {"alt": "支付金额"}
    assert fig.axes == []  # cleared after display
