"""notebooks/_template.ipynb: the house setup a new notebook is copied from runs by papermill."""

from __future__ import annotations

import ast
import json
from datetime import date
from decimal import Decimal

import nbformat
import papermill as pm
import pytest

from rawfiles import orders_by_hand
from storeops import demo, paths, runner
from storeops.ingest.load import ingest

DAY = date(2026, 11, 26)
TEMPLATE = paths.NOTEBOOKS / "_template.ipynb"
pytestmark = pytest.mark.slow


def test_template_has_the_house_shape():
    nb = nbformat.read(TEMPLATE, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert nb.metadata.kernelspec.name == "python3"
    # the parameters cell holds annotated literals only (papermill passes strings)
    for stmt in ast.parse(code[0].source).body:
        assert isinstance(stmt, ast.AnnAssign) and isinstance(stmt.value, ast.Constant)
    source = "\n".join(c.source for c in code)
    for call in ("report.start(", 'notebook="_template"', "report.show_heading(",
                 "report.record(ctx"):
        assert call in source


def test_template_executes_by_papermill(tmp_path, monkeypatch):
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    demo.generate("demo", end=DAY, days=35, daily_orders=8)
    ingest("demo")
    out = tmp_path / "template.ipynb"
    pm.execute_notebook(TEMPLATE, out, parameters={"store": "demo",
                                                   "report_date": DAY.isoformat()},
                        kernel_name="python3", progress_bar=False, log_output=False)
    got = json.loads(paths.metrics_file("demo", DAY, "_template").read_text("utf-8"))
    assert got["notebook"] == "_template" and got["day"] == DAY.isoformat()
    # by hand from the raw order exports: orders paid on DAY
    orders = orders_by_hand(tmp_path / "data/raw/demo")
    paid = orders[orders["订单付款时间"].str.startswith(DAY.isoformat())]
    assert Decimal(str(got["metrics"]["gmv"])) == sum(
        (Decimal(v) for v in paid["买家实际支付金额"]), Decimal(0))
    assert got["metrics"]["paid_buyers"] == paid["买家会员名"].nunique()
    html = runner.export_html(out, tmp_path / "template.html", title="模板").read_text("utf-8")
    assert "近 30 天支付金额" in html and "data:image/png;base64" in html
    assert "新笔记本模板" not in html  # the how-to cell is tagged remove
