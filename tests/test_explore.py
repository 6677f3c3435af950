"""The explore panel recomputes on widget changes; the explore notebook runs under papermill."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import nbformat
import pytest

import storeops
from storeops import demo, explore, paths, runner
from storeops.ingest.load import ingest

END = date(2026, 11, 26)
START = END - timedelta(days=6)


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        mp.setenv("STOREOPS_INTERACTIVE", "0")
        demo.generate("demo", end=END, days=50, daily_orders=12)
        ingest("demo")
        yield storeops.open("demo")


def test_compare_periods():
    assert explore.compare_period(date(2026, 11, 20), END, "previous") == (
        date(2026, 11, 13), date(2026, 11, 19))
    assert explore.compare_period(date(2028, 2, 29), date(2028, 3, 1), "last_year") == (
        date(2027, 2, 28), date(2027, 3, 1))
    assert explore.compare_period(START, END, "none") is None


def test_panel_recomputes_on_every_widget_change(shop):
    panel = explore.Panel(shop, start=START.isoformat(), end=END.isoformat())
    assert list(panel.frame["key"]) == [(START + timedelta(days=i)).isoformat()
                                        for i in range(7)]
    for by in explore.PANEL_BREAKDOWNS:
        panel.by.value = by
        assert panel.error is None, panel.error
        want = shop.metric("gmv", START, END, by=by)
        assert list(panel.frame["key"]) == list(want["key"])
        assert list(panel.frame["gmv"]) == list(want["gmv"])
    panel.by.value = "day"
    panel.metric.value = "aov"
    assert panel.frame.attrs["metric"] == "aov" and "aov" in panel.frame
    panel.metric.value = "gmv"
    panel.compare.value = "previous"
    base = shop.metric("gmv", START - timedelta(days=7), START - timedelta(days=1), by="day")
    assert list(panel.frame["base"]) == list(base["gmv"])
    first = panel.frame.iloc[0]
    # change = now ÷ base − 1, worked on the first day
    assert first["change"] == pytest.approx(float(first["gmv"] / first["base"] - 1))
    panel.sort.value = "value_asc"
    values = list(panel.frame["gmv"])
    assert values == sorted(values)
    panel.end.value = END - timedelta(days=1)
    assert len(panel.frame) == 6
    panel.kind.value = "bar"
    assert panel.error is None


def test_new_buyer_share_by_week_and_province_in_the_panel(shop):
    panel = explore.Panel(shop, start=START, end=END)
    assert ("新客占比", "new_buyer_share") in panel.metric.options
    panel.metric.value = "new_buyer_share"
    panel.by.value = "week,province"
    panel.compare.value = "previous"
    assert panel.error is None, panel.error
    want = shop.metric("new_buyer_share", START, END, by=["week", "province"])
    assert list(panel.frame["province"]) == list(want["province"])
    # 11-20..11-26 spans two weeks (Mondays 11-16 and 11-23); the previous 7 days too
    assert list(dict.fromkeys(panel.frame["key"])) == ["2026-11-16", "2026-11-23"]
    base = shop.metric("new_buyer_share", START - timedelta(days=7), START - timedelta(days=1),
                       by=["week", "province"])
    first_week = dict(zip(base.loc[base["key"] == base["key"].iloc[0], "province"],
                          base.loc[base["key"] == base["key"].iloc[0], "new_buyer_share"],
                          strict=True))
    row = panel.frame.iloc[0]
    assert row["base"] == first_week.get(row["province"])
    markup = explore.table_html(panel.frame)
    assert "新客数" in markup and "收货省份" in markup
    fig = explore.chart(panel.frame)
    assert 1 <= len(fig.axes[0].get_lines()) <= explore.SERIES_LINES


def test_breakdown_without_the_metric_shows_a_message(shop):
    panel = explore.Panel(shop, start=START, end=END, metric="uv")
    panel.by.value = "item"
    assert panel.frame.empty and "按商品" in panel.error
    panel.by.value = "source"
    assert panel.error is None and len(panel.frame) > 0


def test_drill_down_shows_the_daily_series_of_a_row(shop):
    panel = explore.Panel(shop, start=START, end=END, by="item")
    key = panel.frame["key"].iloc[0]
    panel.drill.value = key
    series = panel.drill_frame
    assert len(series) == 7
    total = sum(v for v in series["gmv"] if v is not None)
    assert abs(total - panel.frame["gmv"].iloc[0]) <= Decimal("0.07")  # a cent a day at most
    panel.by.value = "source"  # the drill resets with the rows
    assert panel.drill.value == "" and panel.drill_frame is None
    panel.drill.value = panel.frame["key"].iloc[0]
    assert len(panel.drill_frame) == 7


def test_table_html_escapes_and_formats(shop):
    frame = explore.view(shop, "gmv", START, END, by="item", compare="previous")
    frame = frame.assign(title=["<b>x</b>", *frame["title"][1:]])
    markup = explore.table_html(frame)
    assert "&lt;b&gt;x&lt;/b&gt;" in markup and "<b>x" not in markup
    assert "¥" in markup and "对比期" in markup


@pytest.mark.slow
def test_explore_notebook_runs_under_papermill(shop):
    nb = nbformat.read(paths.NOTEBOOKS / "explore.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata["tags"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert nb.metadata.kernelspec.name == "python3"
    result = runner.run_notebook("demo", "explore", END,
                                 {"start": START.isoformat(), "end": END.isoformat()})
    assert result.ok, result.error
    got = json.loads(paths.report_file("demo", END, "explore", ".metrics.json")
                     .read_text("utf-8"))["metrics"]
    want = shop.metric("gmv", START, END)["gmv"].iloc[0]
    assert Decimal(str(got["total"])) == want
    assert got["by"] == "day" and got["rows"] == 7
    html = result.html.read_text("utf-8")
    assert "data:image/png;base64" in html and "支付金额" in html
