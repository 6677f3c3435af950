"""Runner tests: three tiny notebooks in tests/fixtures/notebooks run by papermill (~5 s)."""

import json
import re
from datetime import date
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from storeops import paths, runner
from storeops.errors import ConfigError, RunError

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
DAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Run the fixture notebooks once for the module: ok, failing, timing out."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        # A relative STOREOPS_HOME: the runner must hand the kernel the absolute home.
        mp.chdir(home.parent)
        mp.setenv("STOREOPS_HOME", home.name)
        mp.setattr(paths, "NOTEBOOKS", FIXTURES)
        results = {
            "ok": runner.run_notebook("001", "ok_report", DAY),
            "fail": runner.run_notebook("001", "fail_report", DAY),
            "slow": runner.run_notebook("001", "slow_report", DAY, timeout=1),
        }
        yield home, results


def status(home: Path, stem: str) -> dict:
    return json.loads((home / "reports/001/2026-11-26" / f"{stem}.status.json").read_text())


def test_success_writes_html_ipynb_and_status(runs):
    home, results = runs
    result = results["ok"]
    folder = home / "reports/001/2026-11-26"
    assert result.ok and result.error is None
    assert (result.store, result.notebook, result.day) == ("001", "ok_report", DAY)
    assert result.html == folder / "ok_report.html" and result.html.exists()
    assert result.ipynb == folder / "ok_report.ipynb" and result.ipynb.exists()
    got = status(home, "ok_report")
    assert got["ok"] is True and got["error"] is None
    assert (got["notebook"], got["store"], got["day"]) == ("ok_report", "001", "2026-11-26")
    assert got["finished_at"].endswith("+08:00")
    assert 0 < got["seconds"] < 60
    assert not (folder / "ok_report.failed.ipynb").exists()


def test_no_temporary_files_are_left(runs):
    home, _ = runs
    left = [
        p.name for p in (home / "reports").rglob("*") if p.name.startswith(".") or ".tmp" in p.name
    ]
    assert left == []


def test_html_is_self_contained_with_an_embedded_chart(runs):
    html = runs[1]["ok"].html.read_text("utf-8")
    assert "data:image/png;base64," in html
    assert 'alt="支付金额（近30天）"' in html
    assert runner.external_refs(html) == []
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.IGNORECASE)
    assert "require.js" not in html and "mathjax" not in html.lower()
    assert '<html lang="zh">' in html
    assert "<title>001 · ok_report · 2026-11-26</title>" in html
    assert len(html.encode()) < 2_000_000


def test_inputs_are_hidden_and_remove_tagged_cells_dropped(runs):
    result = runs[1]["ok"]
    html = result.html.read_text("utf-8")
    assert "SOURCE-SENTINEL" not in html
    assert "charts.gmv_trend" not in html
    assert "SOURCE-SENTINEL" in result.ipynb.read_text("utf-8")  # still in the notebook
    assert '<div class="jp-InputPrompt' not in html  # no In [n]: prompts
    assert '<div class="jp-OutputPrompt' not in html
    assert "测试日报" in html  # markdown is kept


def test_parameters_arrive_as_strings_and_text_is_escaped(runs):
    home, results = runs
    html = results["ok"].html.read_text("utf-8")
    # "001" stays the string "001" (papermill's CLI would make it the integer 1)
    assert "&lt;b&gt;001|str|2026-11-26&lt;/b&gt;" in html
    assert "<b>001" not in html
    # export text is escaped by tables.html_table
    assert "&lt;script&gt;alert(1)&lt;/script&gt;连衣裙" in html
    assert "<script>alert" not in html
    # the kernel saw the absolute home although STOREOPS_HOME was relative
    assert f"HOME={home}" in html


def test_failure_keeps_the_executed_notebook_and_reports_the_error(runs):
    home, results = runs
    result = results["fail"]
    folder = home / "reports/001/2026-11-26"
    assert not result.ok and result.html is None
    assert result.error == "ValueError: 故意失败 001"
    assert result.ipynb == folder / "fail_report.failed.ipynb"
    nb = nbformat.read(result.ipynb, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert any(o.get("ename") == "ValueError" for o in outputs)
    assert not (folder / "fail_report.html").exists()
    assert not (folder / "fail_report.ipynb").exists()
    got = status(home, "fail_report")
    assert got["ok"] is False and got["error"] == "ValueError: 故意失败 001"


def test_whole_job_timeout_fails_and_keeps_what_ran(runs):
    home, results = runs
    result = results["slow"]
    assert not result.ok
    assert result.error.startswith("CellTimeoutError")
    assert result.seconds < 10
    nb = nbformat.read(result.ipynb, as_version=4)
    texts = [o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert "started\n" in texts  # the in-memory notebook was kept, outputs so far
    assert status(home, "slow_report")["ok"] is False


# --- no kernel needed ------------------------------------------------------------------------


def test_resolve_notebook(monkeypatch):
    assert runner.resolve_notebook("daily") == "daily_review"
    assert runner.resolve_notebook("campaign") == "campaign_postmortem"
    monkeypatch.setattr(paths, "NOTEBOOKS", FIXTURES)
    assert runner.resolve_notebook("ok_report") == "ok_report"
    with pytest.raises(ConfigError, match="没有笔记本"):
        runner.resolve_notebook("nope")
    with pytest.raises(ConfigError):
        runner.resolve_notebook("../ok_report")


@pytest.mark.parametrize(
    ("params", "message"),
    [({"n": 1}, "必须是字符串"), ({"store": "y"}, "不能用"), ({"a b": "1"}, "参数名")],
)
def test_bad_parameters_are_refused_before_running(tmp_path, monkeypatch, params, message):
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    monkeypatch.setattr(paths, "NOTEBOOKS", FIXTURES)
    with pytest.raises(ConfigError, match=message):
        runner.run_notebook("001", "ok_report", DAY, params)
    assert not (tmp_path / "reports").exists()


def test_bad_store_id_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    with pytest.raises(ConfigError):
        runner.run_notebook("../x", "daily", DAY)


def notebook_with_outputs(*cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=list(cells))
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i}"
    return nb


def test_export_refuses_external_resources(tmp_path):
    cell = new_code_cell(
        "x",
        outputs=[
            new_output(
                "display_data", data={"text/html": '<img src="https://cdn.example.com/a.png">'}
            )
        ],
    )
    nb_path = tmp_path / "n.ipynb"
    nbformat.write(notebook_with_outputs(cell), nb_path)
    with pytest.raises(RunError, match="离线"):
        runner.export_html(nb_path, tmp_path / "n.html", title="t")
    assert not (tmp_path / "n.html").exists()


def test_export_drops_removed_and_empty_cells(tmp_path):
    nb = notebook_with_outputs(
        new_markdown_cell("# 标题"),
        new_code_cell(
            "secret_code()",
            outputs=[new_output("stream", name="stdout", text="HIDDEN\n")],
            metadata={"tags": ["remove"]},
        ),
        new_code_cell("shown()", outputs=[new_output("stream", name="stdout", text="VISIBLE\n")]),
        new_code_cell("no_output()"),
    )
    nb_path = tmp_path / "n.ipynb"
    nbformat.write(nb, nb_path)
    out = runner.export_html(nb_path, tmp_path / "n.html", title="报告 <1>")
    html = out.read_text("utf-8")
    assert "VISIBLE" in html and "HIDDEN" not in html
    assert "secret_code" not in html and "shown()" not in html
    assert len(re.findall(r'<div [^>]*class="jp-Cell jp-CodeCell', html)) == 1
    assert "<title>报告 &lt;1&gt;</title>" in html
    assert runner.external_refs(html) == []


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<script src="https://cdn.x/require.js"></script>', ["https://cdn.x/require.js"]),
        ("<img src='http://x/a.png'>", ["http://x/a.png"]),
        ("<img src=//cdn.x/a.png>", ["//cdn.x/a.png"]),
        ('<link rel="stylesheet" href="https://fonts.x/css">', ["https://fonts.x/css"]),
        ('<style>@import "https://x/a.css";</style>', ["https://x/a.css"]),
        ("<style>@import url(https://x/b.css);</style>", ["https://x/b.css", "https://x/b.css"]),
        ("<div style=\"background:url('https://x/bg.png')\">", ["https://x/bg.png"]),
        ('<img src="file:///etc/passwd">', ["file:///etc/passwd"]),
        ('<img src="data:image/png;base64,AAA=">', []),
        ("<style>a{mask:url(data:image/svg+xml;base64,PHN2Zz4=)} b{fill:url(#g)}</style>", []),
        ('<a href="https://example.com">link, not a resource</a>', []),
        ("<p>src=&quot;https://x&quot; is text</p>", []),
        ('<script src=""></script>', []),
    ],
)
def test_external_refs(html, expected):
    assert runner.external_refs(html) == expected


def test_error_line():
    from papermill.exceptions import PapermillExecutionError

    exc = PapermillExecutionError(3, 4, "1/0", "ZeroDivisionError", "division by zero", [])
    assert runner.error_line(exc) == "ZeroDivisionError: division by zero"
    assert runner.error_line(RuntimeError("first\n\nKernel died\n")) == "RuntimeError: Kernel died"
    assert runner.error_line(RuntimeError()) == "RuntimeError"


def test_contents_link_every_section_heading():
    body = ('<h1 class="so-title">日报</h1><p class="so-subtitle">店 · 2026-11-26</p>'
            "<h2>今日结论</h2><p>x</p><h2>核心指标</h2><h2>流量 &amp; 商品</h2>")
    got = runner.add_contents(body)
    assert got.count('<a href="#so-s') == 3
    assert '<h2 id="so-s3">流量 &amp; 商品</h2>' in got
    assert got.index('class="so-toc"') < got.index("今日结论</h2>")
    assert runner.add_contents("<h2>a</h2><h2>b</h2>") == (
        '<h2 id="so-s1">a</h2><h2 id="so-s2">b</h2>')  # too few sections: no contents


def test_a_report_per_period_kind():
    assert runner.output_name("period_review", {"period": "month"}) == "period_review_month"
    assert runner.output_name("period_review", {}) == "period_review_week"
    assert runner.output_name("daily_review", {"period": "month"}) == "daily_review"
    assert runner.output_name("period_review", {"period": "../x"}) == "period_review"
