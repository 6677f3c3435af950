"""The annual plan's scenario panel: sliders that recompute the plan's headline table live.

``ScenarioPanel(hist, conf, plan)`` builds five sliders — annual target (万元; 0 = propose from
growth), growth, 支付转化率, 客单价 and the 推广费比 ceiling — and on every change rebuilds the
plan with ``analysis.plan.make`` (about 30 ms) and redraws the headline table. ``panel.values``
holds the current headline numbers (``analysis.plan.headline``), ``panel.plan`` the plan; tests
set ``panel.growth.value = 0.5`` and read them, nothing needs a browser.

The panel is shown only in an interactive kernel (JupyterLab): nbconvert cannot draw widgets,
so in the batch HTML the three scenarios stay static tables. Interactive is decided by the
notebook's ``interactive`` parameter when it says ``"1"``/``"0"``, else as the explore panel
decides (``storeops.explore.interactive``: ``STOREOPS_INTERACTIVE``, then the
``JPY_SESSION_NAME`` that jupyter_server sets for the kernels it starts).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from storeops.analysis import plan as pl
from storeops.errors import StoreopsError
from storeops.report import show_note, tables

logger = logging.getLogger(__name__)

WAN = 10_000


def is_interactive(flag: str | bool = "") -> bool:
    """
    Decide whether widgets can render.

    Parameters
    ----------
    flag : str or bool
        The notebook's ``interactive`` parameter: ``"1"``/``"true"`` or ``"0"``/``"false"``
        force it; ``""`` (the default) detects a JupyterLab kernel.
    """
    if isinstance(flag, bool):
        return flag
    text = str(flag).strip().lower()
    if text in ("1", "true", "yes"):
        return True
    if text in ("0", "false", "no"):
        return False
    from storeops.explore import interactive

    return interactive()


def headline_frame(values: dict[str, Any]) -> pd.DataFrame:
    """Return the headline numbers (``analysis.plan.headline``) as a 指标 / 数值 table (text)."""
    rows = [
        ("年度目标", tables.fmt_money(values["annual_target"])),
        ("增长（目标为 0 时用于推算）", tables.fmt_pct(values["growth"], decimals=0)),
        ("所需访客（Σ日访客）", tables.fmt_int(values["uv_needed"])),
        ("推广预算", tables.fmt_money(values["ad_budget"])),
        ("聚划算费用", tables.fmt_money(values["campaign_fee"])),
        ("推广费比（含活动费用）", tables.fmt_pct(values["promotion_ratio"])),
        ("触及费比上限的月份", f"{values['cap_months']} 个月"),
        ("人员预算", tables.fmt_money(values["staff_budget"])),
        ("团队人数（收入档位）", tables.fmt_int(values["headcount"])),
        ("客服（按询单量）", tables.fmt_int(values["cs_by_inquiry"])),
        ("支付转化率", tables.fmt_pct(values["conversion"], decimals=2)),
        ("客单价", tables.fmt_money(values["aov"], decimals=2)),
    ]
    return pd.DataFrame(rows, columns=["指标", "数值"])


class ScenarioPanel:
    """
    Sliders over one scenario's assumptions; every change recomputes the plan.

    Parameters
    ----------
    hist : History
        From ``analysis.plan.history``.
    conf : Settings
        From ``analysis.plan.settings``.
    plan : Plan
        The notebook's plan: its year, scenario and assumptions are the sliders' start values.

    Attributes
    ----------
    target, growth, conversion, aov, ceiling : ipywidgets sliders
        年度目标 (万元; 0 = propose from growth), growth (fraction), 支付转化率 (%), 客单价
        (元), 推广费比上限 (fraction). Conversion and AOV are disabled without traffic data.
    plan : Plan
        The plan at the current slider values.
    values : dict
        ``analysis.plan.headline(plan)``.
    error : str or None
        The message when the current values cannot make a plan (the last good plan stays).
    """

    def __init__(self, hist: pl.History, conf: pl.Settings, plan: pl.Plan) -> None:
        import ipywidgets as w

        self.hist, self.conf, self.year = hist, conf, plan.year
        self.scenario = plan.scenario
        self.plan = plan
        self.values = pl.headline(plan)
        self.error: str | None = None
        ref = hist.reference
        self._ref_cr: float | None = ref.get("conversion")
        self._ref_aov: Decimal | None = ref.get("aov")
        given = plan.target_source == "参数 annual_target"
        top = max(plan.annual_target * 3 / WAN, 100.0)
        style = {"description_width": "7em"}
        layout = w.Layout(width="100%", max_width="36em")
        common = {"continuous_update": False, "style": style, "layout": layout}
        self.target = w.FloatSlider(
            value=plan.annual_target / WAN if given else 0.0, min=0.0, max=round(top),
            step=1.0, description="年度目标(万元)", readout_format=",.0f", **common)
        self.growth = w.FloatSlider(value=plan.scenario.growth, min=-0.5, max=2.0, step=0.01,
                                    description="增长", readout_format=".0%", **common)
        cr = plan.conversion if plan.conversion is not None else 0.0
        self.conversion = w.FloatSlider(
            value=round(cr * 100, 2), min=0.0, max=max(round(cr * 300, 2), 1.0), step=0.01,
            description="转化率(%)", readout_format=".2f", disabled=self._ref_cr is None,
            **common)
        aov = float(plan.aov) if plan.aov is not None else 0.0
        self.aov = w.FloatSlider(value=round(aov, 2), min=0.0, max=max(round(aov * 3), 10.0),
                                 step=1.0, description="客单价(元)", readout_format=",.0f",
                                 disabled=self._ref_aov is None, **common)
        self.ceiling = w.FloatSlider(value=conf.ad_ratio_max, min=0.0, max=0.4, step=0.01,
                                     description="推广费比上限", readout_format=".0%", **common)
        # Slider readouts are rounded: a slider still at its start value keeps the scenario's
        # exact assumption instead of the rounded one.
        self._start = (self.conversion.value, self.aov.value)
        self.table = w.HTML()
        self.message = w.HTML()
        for slider in self.sliders:
            slider.observe(self._changed, names="value")
        self.box = w.VBox([w.HTML("<b>调整假设（基于情景" + tables.escape(self.scenario.name)
                                  + "）</b>"), *self.sliders, self.message, self.table])
        self._render()

    @property
    def sliders(self) -> list[Any]:
        """The five sliders, in display order."""
        return [self.target, self.growth, self.conversion, self.aov, self.ceiling]

    def assumptions(self) -> tuple[pl.Settings, str, str]:
        """Return the settings, annual_target and growth parameters the sliders stand for."""
        sc = self.scenario
        cr_start, aov_start = self._start
        if self._ref_cr and not self.conversion.disabled and self.conversion.value != cr_start:
            sc = replace(sc, conversion_change=self.conversion.value / 100 / self._ref_cr - 1)
        if self._ref_aov and not self.aov.disabled and self.aov.value != aov_start:
            sc = replace(sc, aov_change=float(Decimal(str(self.aov.value)) / self._ref_aov) - 1)
        conf = replace(self.conf, ad_ratio_max=float(self.ceiling.value),
                       scenarios={**self.conf.scenarios, sc.name: sc})
        target = (Decimal(str(self.target.value)) * WAN).quantize(Decimal(1), ROUND_HALF_UP)
        return conf, str(target), repr(float(self.growth.value))

    def recompute(self) -> None:
        """Rebuild the plan from the current slider values and redraw the table."""
        conf, target, growth = self.assumptions()
        try:
            self.plan = pl.make(self.hist, conf, year=self.year, scenario=self.scenario.name,
                                annual_target=target, growth=growth)
        except StoreopsError as exc:
            self.error = str(exc)
        else:
            self.error = None
            self.values = pl.headline(self.plan)
        self._render()

    def _changed(self, _change: dict[str, Any]) -> None:
        self.recompute()

    def _render(self) -> None:
        self.message.value = ("" if self.error is None else
                              f'<p class="so-note">{tables.escape(self.error)}</p>')
        self.table.value = tables.html_table(headline_frame(self.values),
                                             caption=self.plan.target_source,
                                             align_right={"数值"})


def show_panel(hist: pl.History, conf: pl.Settings, plan: pl.Plan, *,
               interactive: str | bool = "") -> ScenarioPanel | None:
    """
    Show the scenario panel in an interactive kernel; in a batch report, say where to find it.

    Parameters
    ----------
    interactive : str or bool
        The notebook's ``interactive`` parameter (see :func:`is_interactive`).

    Returns
    -------
    ScenarioPanel or None
        The panel when shown, else None.
    """
    if not is_interactive(interactive):
        show_note("在 JupyterLab 中打开本笔记本，可用滑块（年度目标、增长、转化率、客单价、"
                  "推广费比上限）实时重算计划；报告中以上面三种情景的表格为准。")
        return None
    from IPython.display import display

    panel = ScenarioPanel(hist, conf, plan)
    display(panel.box)
    return panel
