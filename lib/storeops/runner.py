"""Run one parameterized notebook for one store and day, and export it as an offline HTML report.

One job = (store, notebook, day). The notebook ``notebooks/<stem>.ipynb`` is executed in-process
with papermill's Python API (every parameter passed as a *string*: the CLI would turn ``001``
into the integer 1), then converted by nbconvert with the ``storeops`` template (inputs hidden,
images embedded, nothing loaded from a network). Outputs, under
``reports/<store>/<YYYY-MM-DD>/``::

    <stem>.ipynb          the executed notebook (success)
    <stem>.html           the report (success)
    <stem>.failed.ipynb   the executed notebook as far as it got (failure)
    <stem>.status.json    {"ok", "error", "seconds", "finished_at", "notebook", "store", "day"}

Every file is written to a temporary name in the same folder and renamed (``os.replace``), so a
reader never sees half a report. Success is judged by the exception papermill or the kernel
raises, never by the saved notebook (a killed kernel can leave a notebook that looks fine). On
failure nothing older is deleted: a previous day's successful HTML stays, the status says
``ok: false``.

Kernels talk over the IPC transport (unix sockets in a private temp folder), so many kernels
started at once by a batch do not collide on TCP ports.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import nbformat

from storeops import config, paths
from storeops.errors import ConfigError, RunError, StoreopsError
from storeops.timeutil import SHANGHAI, resolve_day

logger = logging.getLogger(__name__)

NOTEBOOKS = {
    "daily": "daily_review",
    "period": "period_review",
    "campaign": "campaign_postmortem",
    "plan": "annual_plan",
    "customers": "customers",
}
"""Short name (``storeops run daily``) -> notebook file stem."""

TITLES = {
    "daily_review": "经营日报",
    "period_review": "周报 / 月报",
    "campaign_postmortem": "大促复盘",
    "annual_plan": "年度计划",
    "customers": "客户分析",
}
"""Chinese report title per notebook stem; the HTML <title> is ``<store> · <title> · <day>``."""

TEMPLATES = Path(__file__).resolve().parent / "templates"
"""Folder holding the ``storeops`` nbconvert template."""

TEMPLATE_NAME = "storeops"
REMOVE_TAG = "remove"
"""Cells tagged ``remove`` are dropped from the HTML (helper cells with output nobody reads)."""

MAX_HTML_BYTES = 2_000_000
"""Report budget (DESIGN.md): a bigger HTML is logged as a warning."""

_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one (store, notebook, day) job produced."""

    store: str
    notebook: str
    """Notebook stem, e.g. ``daily_review``."""
    day: date
    ok: bool
    html: Path | None
    """The report, or None when the run failed."""
    ipynb: Path
    """The executed notebook: ``<stem>.ipynb`` on success, ``<stem>.failed.ipynb`` on failure."""
    error: str | None
    """One line, e.g. ``ValueError: 没有数据``; None on success."""
    seconds: float


# --- small helpers ---------------------------------------------------------------------------


def resolve_notebook(notebook: str) -> str:
    """
    Turn a short name (``daily``) or a stem (``daily_review``) into the notebook stem.

    Raises
    ------
    ConfigError
        When no such notebook exists (with the known names).
    """
    if notebook in NOTEBOOKS:
        return NOTEBOOKS[notebook]
    if _STEM.match(notebook) and paths.notebook_file(notebook).exists():
        return notebook
    known = ", ".join(f"{k} ({v})" for k, v in NOTEBOOKS.items())
    raise ConfigError(f"没有笔记本 '{notebook}'：可用的有 {known}")


def _atomic_write(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to a temp file next to ``path`` and rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with tmp.open("wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)  # atomic rename (os.replace)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else f"{line[: limit - 1]}…"


def error_line(exc: BaseException, *, timeout: int | None = None) -> str:
    """
    Summarise a run failure in one line.

    Parameters
    ----------
    exc : BaseException
        What papermill, nbclient or the kernel raised.
    timeout : int or None
        The job's time limit in seconds, named in the message of a timeout.

    Returns
    -------
    str
        ``ename: evalue`` of the failing cell for a cell error, else ``Type: last message line``.
    """
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return _one_line(f"{exc.ename}: {exc.evalue}")
    name = type(exc).__name__
    if isinstance(exc, CellTimeoutError | TimeoutError):
        limit = f"（限时 {timeout} 秒）" if timeout else ""
        return f"{name}: 笔记本运行超时{limit}"
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return _one_line(f"{name}: {lines[-1]}" if lines else name)


# --- HTML export -----------------------------------------------------------------------------

_REF_PATTERNS = (
    # src=… on any tag; an escaped attribute in text (src=&quot;…) is inert and not matched.
    re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"'&][^\s>]*))""", re.IGNORECASE),
    # <link … href=…>
    re.compile(
        r"""<link\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.IGNORECASE
    ),
    # @import "…" / @import url(…)
    re.compile(r"""@import\s+(?:url\(\s*)?(?:"([^"]*)"|'([^']*)'|([^\s;)'"]+))""", re.IGNORECASE),
    # url(…) in CSS
    re.compile(r"""\burl\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s'"]*))\s*\)""", re.IGNORECASE),
)
_SCHEME = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def external_refs(html: str) -> list[str]:
    """
    Find every resource an HTML page would fetch from outside itself.

    Scans ``src=``, ``<link … href=``, ``@import`` and CSS ``url(…)``; ``data:`` URIs and
    ``#fragment`` references are self-contained and not reported. Anything with another scheme
    (``https:``, ``http:``, ``file:``…) or protocol-relative (``//cdn…``) is reported.

    Parameters
    ----------
    html : str
        The page.

    Returns
    -------
    list of str
        The offending references in page order; empty for a self-contained page.
    """
    found: list[tuple[int, str]] = []
    for pattern in _REF_PATTERNS:
        for match in pattern.finditer(html):
            value = next((g for g in match.groups() if g is not None), "").strip()
            if value.lower().startswith("data:") or value.startswith("#"):
                continue
            if _SCHEME.match(value):
                found.append((match.start(), value))
    return [value for _, value in sorted(found)]


def _drop_empty_and_removed(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy without cells tagged ``remove`` and code cells that printed nothing."""
    kept = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if REMOVE_TAG in tags:
            continue
        if cell.cell_type == "code" and not cell.get("outputs"):
            continue
        kept.append(cell)
    copy = nbformat.from_dict(nb)
    copy.cells = kept
    return copy


def export_html(nb_path: Path, html_path: Path, *, title: str) -> Path:
    """
    Convert an executed notebook to a self-contained HTML report, written atomically.

    Inputs and prompts are hidden, cells tagged ``remove`` are dropped, PNG outputs are
    embedded as base64, and the ``storeops`` template loads nothing from a network.

    Parameters
    ----------
    nb_path : Path
        The executed notebook.
    html_path : Path
        Where to write the report.
    title : str
        The page title.

    Returns
    -------
    Path
        ``html_path``.

    Raises
    ------
    RunError
        When the result would fetch something from outside the page (see :func:`external_refs`).
    """
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = _drop_empty_and_removed(nbformat.read(nb_path, as_version=4))
    nb.metadata.pop("title", None)  # the lab template prefers it over resources' name
    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code="zh",
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={REMOVE_TAG}, enabled=True), enabled=True
    )
    body, _resources = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    refs = external_refs(body)
    if refs or re.search(r"<script\b[^>]*\bsrc\s*=", body, re.IGNORECASE):
        raise RunError(
            f"{html_path.name} 会从网络加载内容（{', '.join(refs[:3]) or '<script src>'}）："
            "报告必须离线可读，请去掉该输出或改用内嵌图片"
        )
    body = add_contents(body)
    size = len(body.encode("utf-8"))
    if size > MAX_HTML_BYTES:
        logger.warning("%s is %.1f MB, over the 2 MB report budget", html_path, size / 1e6)
    return _atomic_write(html_path, body)


_H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<text>.*?)</h2>", re.DOTALL)


def add_contents(body: str) -> str:
    """
    Give every section heading an anchor and put a table of contents under the title.

    Done on the finished HTML (no script): the headings are the ``<h2>`` the report
    library writes, whose text is already escaped. Pages with fewer than three sections
    are left as they are.
    """
    headings: list[str] = []

    def anchor(match: re.Match[str]) -> str:
        if "id=" in match.group("attrs"):
            return match.group(0)
        headings.append(match.group("text"))
        return f'<h2 id="so-s{len(headings)}"{match.group("attrs")}>{match.group("text")}</h2>'

    body = _H2.sub(anchor, body)
    if len(headings) < 3:
        return body
    plain = [re.sub(r"<[^>]+>", "", h).strip() for h in headings]
    links = "".join(f'<li><a href="#so-s{i}">{text}</a></li>'
                    for i, text in enumerate(plain, start=1))
    nav = f'<nav class="so-toc" aria-label="目录"><ol>{links}</ol></nav>'
    title_end = body.find("</p>", body.find('class="so-subtitle"'))
    if title_end < 0:
        return body
    cut = title_end + len("</p>")
    return body[:cut] + nav + body[cut:]


# --- running ---------------------------------------------------------------------------------


def _capturing_engine():
    """Return papermill's nbclient engine, registered as ``storeops``, that exposes its notebook.

    With ``request_save_on_cell_execute=False`` papermill writes nothing when the kernel dies or
    a cell times out; this engine hands the in-memory notebook (outputs so far) to the caller,
    so a failed run can still be kept for debugging.
    """
    from papermill.engines import NBClientEngine, papermill_engines

    class CapturingEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, capture=None, **kwargs):
            if capture is not None:
                capture.append(nb_man)
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register("storeops", CapturingEngine)
    return "storeops"


def _write_status(
    store: str, stem: str, day: date, *, ok: bool, error: str | None, seconds: float
) -> Path:
    status = {
        "ok": ok,
        "error": error,
        "seconds": round(seconds, 2),
        "finished_at": datetime.now(SHANGHAI).isoformat(timespec="seconds"),
        "notebook": stem,
        "store": store,
        "day": day.isoformat(),
    }
    text = json.dumps(status, ensure_ascii=False, indent=2) + "\n"
    return _atomic_write(paths.report_file(store, day, stem, ".status.json"), text)


def _title(store: str, stem: str, day: date) -> str:
    try:
        name = config.get_store(store).name
    except StoreopsError:
        name = store
    return f"{name} · {TITLES.get(stem, stem)} · {day.isoformat()}"


def _check_params(params: dict[str, str] | None) -> dict[str, str]:
    params = dict(params or {})
    for key, value in params.items():
        if not isinstance(key, str) or not key.isidentifier():
            raise ConfigError(f"参数名 {key!r} 不合法：应是 Python 变量名，如 campaign")
        if key in ("store", "report_date"):
            raise ConfigError(f"参数 '{key}' 由店铺和日期决定，不能用 --param 覆盖")
        if not isinstance(value, str):
            raise ConfigError(f"参数 {key}={value!r} 必须是字符串（笔记本自己解析它）")
    return params


OUTPUT_VARIANTS = {"period_review": ("period", "week")}
"""Notebooks that make one report per value of a parameter: (parameter, its default)."""


def output_name(stem: str, params: dict[str, str]) -> str:
    """
    Return the report's file stem: the notebook's, plus the variant it was run for.

    ``period_review`` run with ``period=month`` writes ``period_review_month.html``, so a
    week's and a month's review of one day do not overwrite each other.
    """
    variant = OUTPUT_VARIANTS.get(stem)
    if variant is None:
        return stem
    key, default = variant
    value = params.get(key) or default
    return f"{stem}_{value}" if re.fullmatch(r"[A-Za-z0-9_-]+", value) else stem


def run_notebook(
    store: str,
    notebook: str,
    day: date,
    params: dict[str, str] | None = None,
    *,
    timeout: int = 900,
) -> RunResult:
    """
    Execute one notebook for one store and day, and export its HTML report.

    Parameters
    ----------
    store : str
        Store id (a folder name under data/raw and reports).
    notebook : str
        Short name (``daily``) or notebook stem (``daily_review``).
    day : date
        Report day, passed to the notebook as ``report_date`` (ISO string).
    params : dict of str to str, optional
        Extra notebook parameters, all strings (``{"campaign": "双11"}``).
    timeout : int
        Seconds for the whole run (kernel start and every cell together).

    Returns
    -------
    RunResult
        ``ok`` False with a one-line ``error`` when the notebook raised, timed out or its kernel
        died; the executed notebook is then kept as ``<stem>.failed.ipynb``.

    Raises
    ------
    ConfigError
        For a bad store id, an unknown notebook or a non-string parameter (nothing is run).
    """
    import papermill as pm
    from traitlets.config import Config

    config.check_store_id(store)
    day = resolve_day(day)  # a datetime becomes its date; an ISO string is accepted too
    stem = resolve_notebook(notebook)
    extra = _check_params(params)
    parameters = {"store": store, "report_date": day.isoformat(), **extra}
    name = output_name(stem, extra)

    out_dir = paths.report_dir(store, day)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp_ipynb = out_dir / f".{stem}.{uuid.uuid4().hex[:8]}.tmp.ipynb"

    # The kernel inherits os.environ. Pin the home as an absolute path: a relative
    # STOREOPS_HOME would resolve against the kernel's working folder (the report folder).
    home = str(paths.home())
    if os.environ.get("STOREOPS_HOME") != home:
        os.environ["STOREOPS_HOME"] = home

    start = time.monotonic()
    deadline = start + timeout
    captured: list = []
    ipc_dir = Path(tempfile.mkdtemp(prefix="so-k-"))
    kernel_config = Config({"KernelManager": {"transport": "ipc", "ip": str(ipc_dir / "k")}})
    logger.info("run %s/%s %s -> %s", store, stem, day, out_dir)
    error: str | None = None
    # A batch kernel is never interactive, even when this runs inside a JupyterLab kernel
    # (whose JPY_* variables the new kernel would otherwise inherit): no widget panels.
    was_interactive = os.environ.get("STOREOPS_INTERACTIVE")
    os.environ["STOREOPS_INTERACTIVE"] = "0"
    try:
        pm.execute_notebook(
            str(paths.notebook_file(stem)),
            str(tmp_ipynb),
            parameters=parameters,
            engine_name=_capturing_engine(),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            cwd=str(out_dir),
            start_timeout=min(60, timeout),
            execution_timeout=timeout,
            # papermill's execution_timeout is per cell: bound the whole job too.
            timeout_func=lambda _cell: max(1, round(deadline - time.monotonic())),
            config=kernel_config,
            capture=captured,
            # the notebook's outputs are saved already: don't wait on a polite kernel exit
            shutdown_kernel="immediate",
        )
    except Exception as exc:  # noqa: BLE001 - any engine failure is a failed run, reported
        error = error_line(exc, timeout=timeout)
        logger.warning("run %s/%s %s failed: %s", store, stem, day, error)
    finally:
        shutil.rmtree(ipc_dir, ignore_errors=True)
        if was_interactive is None:
            os.environ.pop("STOREOPS_INTERACTIVE", None)
        else:
            os.environ["STOREOPS_INTERACTIVE"] = was_interactive

    try:
        return _finish(store, name, day, start, error, tmp_ipynb, captured)
    finally:
        tmp_ipynb.unlink(missing_ok=True)  # only left behind if something above was interrupted


def _finish(
    store: str,
    stem: str,
    day: date,
    start: float,
    error: str | None,
    tmp_ipynb: Path,
    captured: list,
) -> RunResult:
    """Move the executed notebook into place, export the HTML, write the status."""
    final_ipynb = paths.report_file(store, day, stem, ".ipynb")
    failed_ipynb = paths.report_file(store, day, stem, ".failed.ipynb")
    html_path = paths.report_file(store, day, stem, ".html")
    if error is not None:
        _keep_failed(tmp_ipynb, failed_ipynb, captured)
        seconds = time.monotonic() - start
        _write_status(store, stem, day, ok=False, error=error, seconds=seconds)
        return RunResult(store, stem, day, False, None, failed_ipynb, error, seconds)

    tmp_ipynb.replace(final_ipynb)
    try:
        export_html(final_ipynb, html_path, title=_title(store, stem, day))
    except Exception as exc:  # noqa: BLE001 - a failed export is a failed run, reported
        error = f"HTML 导出失败：{error_line(exc)}"
        logger.warning("export %s/%s %s failed: %s", store, stem, day, error)
        seconds = time.monotonic() - start
        _write_status(store, stem, day, ok=False, error=error, seconds=seconds)
        return RunResult(store, stem, day, False, None, final_ipynb, error, seconds)

    failed_ipynb.unlink(missing_ok=True)  # a stale failure of an earlier run of this job
    seconds = time.monotonic() - start
    _write_status(store, stem, day, ok=True, error=None, seconds=seconds)
    logger.info("run %s/%s %s ok in %.1fs", store, stem, day, seconds)
    return RunResult(store, stem, day, True, html_path, final_ipynb, None, seconds)


def _keep_failed(tmp_ipynb: Path, failed_ipynb: Path, captured: list) -> None:
    """Keep the executed notebook of a failed run as ``<stem>.failed.ipynb``."""
    if tmp_ipynb.exists():  # papermill saved it with its error marker (a cell raised)
        tmp_ipynb.replace(failed_ipynb)
    elif captured:  # timeout or dead kernel: papermill saved nothing, use the notebook in memory
        _atomic_write(failed_ipynb, nbformat.writes(captured[0].nb))
    else:
        logger.warning("no executed notebook to keep for %s", failed_ipynb)
