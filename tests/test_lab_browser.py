"""JupyterLab in a real browser: open explore.ipynb, run all, see the widgets and a chart.

``jupyter lab`` from this .venv serves a copy of the explore notebook on 127.0.0.1 (free
port, token, ``--no-browser``, ``--LabApp.expose_app_in_browser``) with STOREOPS_HOME on a
small demo store and every Jupyter dir in a temp folder. Debian's headless ``chromium`` is
driven over the Chrome DevTools Protocol (``--remote-debugging-port``, spoken with
``websocket-client``): wait for the kernel, run all cells through ``window.jupyterapp``,
then wait for a widget dropdown and a chart image in the outputs, and check that changing
the breakdown dropdown redraws the chart. Both processes are killed by fixture finalizers.

Needs ``chromium``: installed with apt-get when missing and root (CI), otherwise skipped
with a loud reason.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from storeops import demo, paths
from storeops.ingest.load import ingest

websocket = pytest.importorskip("websocket")

END = date(2026, 11, 26)
TOKEN = secrets.token_hex(16)
JUPYTER = Path(sys.executable).with_name("jupyter")
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http(port: int, path: str, *, method: str = "GET") -> tuple[int, bytes]:
    """Send one request to 127.0.0.1:port; return the status and the body."""
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        con.request(method, path)
        reply = con.getresponse()
        return reply.status, reply.read()
    finally:
        con.close()


def _stop(proc: subprocess.Popen, *, grace: float = 10) -> None:
    """Terminate a process started in its own session, then its whole group."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=grace)


def _wait(what: str, probe: Callable[[], Any], *, timeout: float, log: Path | None = None) -> Any:
    """Poll ``probe`` until it returns something truthy; fail with ``what`` after timeout."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = probe()
        except (OSError, ValueError) as exc:  # server not up yet, page reloading
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(0.25)
    tail = log.read_text("utf-8", "replace")[-3000:] if log and log.exists() else ""
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})\n{tail}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[str]:
    """A running JupyterLab on a small demo store; yields its base URL."""
    tmp = tmp_path_factory.mktemp("lab")
    home, root = tmp / "home", tmp / "notebooks"
    root.mkdir()
    shutil.copy(paths.NOTEBOOKS / "explore.ipynb", root / "explore.ipynb")  # lab may save it
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        demo.generate("demo", end=END, days=35, daily_orders=8)
        ingest("demo")
    env = {**os.environ, "STOREOPS_HOME": str(home),
           "JUPYTER_DATA_DIR": str(tmp / "data"), "JUPYTER_CONFIG_DIR": str(tmp / "config"),
           "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"), "JUPYTER_PLATFORM_DIRS": "1"}
    env.pop("STOREOPS_INTERACTIVE", None)
    port = _free_port()
    log = tmp / "lab.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(JUPYTER), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={TOKEN}",
             f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
             "--LabApp.news_url=", "--allow-root"],
            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        def up() -> bool:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited: {log.read_text('utf-8', 'replace')[-3000:]}")
            return _http(port, f"/api/status?token={TOKEN}")[0] == 200

        _wait("jupyter lab to answer", up, timeout=40, log=log)
        yield base
    finally:
        if proc.poll() is None:  # a clean shutdown also stops the kernels it started
            try:
                _http(port, f"/api/shutdown?token={TOKEN}", method="POST")
                proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        _stop(proc)


class Page:
    """One Chromium tab over the DevTools Protocol: evaluate JavaScript, get its value."""

    def __init__(self, ws_url: str) -> None:
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.ids = itertools.count(1)

    def call(self, method: str, **params: Any) -> dict:
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise ValueError(f"{method}: {reply['error']}")
                return reply["result"]

    def js(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=False)
        if "exceptionDetails" in result:
            raise ValueError(result["exceptionDetails"].get("text", "exception"))
        return result["result"].get("value")

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def page(chromium, lab, tmp_path_factory) -> Iterator[Page]:
    """Headless Chromium showing explore.ipynb in the lab."""
    tmp = tmp_path_factory.mktemp("chromium")
    port = _free_port()
    url = f"{lab}/lab/tree/explore.ipynb?token={TOKEN}&reset"
    log = tmp / "chromium.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-extensions", f"--user-data-dir={tmp / 'profile'}",
             f"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1",
             "--remote-allow-origins=*", "--window-size=1280,1000", url],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    tab = None
    try:
        def target() -> str | None:
            pages = [t for t in json.loads(_http(port, "/json/list")[1])
                     if t.get("type") == "page"]
            return next((t["webSocketDebuggerUrl"] for t in pages
                         if "/lab" in t.get("url", "")), None)

        tab = Page(_wait("chromium's DevTools endpoint", target, timeout=30, log=log))
        yield tab
    finally:
        if tab is not None:
            tab.close()
        _stop(proc)


KERNEL_IDLE = """(() => {
  const app = window.jupyterapp;
  const nb = app && app.shell.currentWidget;
  const kernel = nb && nb.sessionContext && nb.sessionContext.session
                 && nb.sessionContext.session.kernel;
  return !!(kernel && kernel.status === 'idle' && nb.content && nb.content.model
            && nb.content.model.cells.length > 0);
})()"""

ERRORS = """(() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  const found = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    for (let j = 0; j < cell.outputs.length; j++) {
      const out = cell.outputs.get(j).toJSON();
      if (out.output_type === 'error') found.push(out.ename + ': ' + out.evalue);
    }
  }
  return JSON.stringify(found);
})()"""

SHOWN = """(() => {
  const outputs = document.querySelectorAll('.jp-OutputArea-output');
  const inOutputs = sel => Array.from(outputs).reduce(
      (n, o) => n + o.querySelectorAll(sel).length, 0);
  const img = Array.from(document.querySelectorAll('.jupyter-widgets img, '
                                                   + '.widget-output img'))
      .find(i => i.complete && i.naturalWidth > 0);
  return JSON.stringify({widgets: inOutputs('.jupyter-widgets'),
                         dropdowns: inOutputs('.widget-dropdown select'),
                         images: inOutputs('img'),
                         chart: img ? img.src.slice(-80) : null});
})()"""

PICK_BREAKDOWN = """(() => {
  const box = Array.from(document.querySelectorAll('.widget-dropdown'))
      .find(d => d.textContent.includes('拆分'));
  const select = box.querySelector('select');
  const option = Array.from(select.options).findIndex(o => o.textContent === '按商品');
  select.selectedIndex = option;
  select.dispatchEvent(new Event('change', {bubbles: true}));
  return option;
})()"""


def test_explore_runs_in_jupyterlab_with_widgets_and_a_chart(page):
    started = time.monotonic()
    _wait("the notebook to open with an idle kernel", lambda: page.js(KERNEL_IDLE),
          timeout=45)
    page.js("window.jupyterapp.commands.execute('notebook:run-all-cells'), true")

    def shown() -> dict | None:
        errors = json.loads(page.js(ERRORS))
        assert errors == [], errors
        got = json.loads(page.js(SHOWN))
        return got if got["dropdowns"] >= 5 and got["chart"] else None

    got = _wait("the explore panel's widgets and chart", shown, timeout=60)
    assert got["widgets"] >= 1 and got["images"] >= 1

    # the panel recomputes in the kernel when a dropdown changes in the browser
    assert page.js(PICK_BREAKDOWN) >= 0
    _wait("the chart to be redrawn for 按商品",
          lambda: json.loads(page.js(SHOWN))["chart"] not in (None, got["chart"]), timeout=30)
    assert json.loads(page.js(ERRORS)) == []
    assert time.monotonic() - started < 120
