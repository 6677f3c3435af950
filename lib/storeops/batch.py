"""The morning batch: ingest every store's new exports, run its report jobs, audit, index, push.

A **job** is (store, notebook, day, params). One batch:

1. **Ingest** every chosen store (one task per store: a store's files load one after another
   into its warehouse, which is closed at the end; a store whose files are all in the manifest
   is done in a fraction of a second). Every ingest finishes before any report opens a
   warehouse read-only (DuckDB: one writer, readers only while nobody writes). The ingest task
   also returns the warehouse *fingerprint* (a hash of the ``table_status`` query: rows,
   coverage and gaps of every table, the manifest included), used by ``--resume``.
2. **Report jobs** run in a pool of worker processes (``workers``, default the CPU count), each
   job calling :func:`storeops.runner.run_notebook` in its worker (papermill in-process, a kernel
   per job over the IPC transport). A failed job is retried ``retry`` times, then recorded; it
   never stops the others.
3. After a store's jobs, its HTML reports are **audited** for personal data
   (:func:`storeops.audit.audit_reports`); a page with findings is withheld (renamed
   ``<stem>.withheld.html``) and its status marked failed.
4. ``reports/index.html`` is rewritten; stores whose jobs all succeeded get their optional robot
   message (:mod:`storeops.notify`).

Isolation. Each task runs in its **own process** forked from a ``forkserver`` that has
papermill, nbconvert and the ingest stack imported already (a start costs milliseconds, not the
~1 s of a fresh interpreter). ``concurrent.futures.ProcessPoolExecutor`` was the first choice
and is not used: when one of its workers dies (OOM killer, ``os._exit``, a segfault in a native
library) it marks the *whole* pool broken and every running and queued future fails with
``BrokenProcessPool``; and it cannot stop one task at its deadline. Here the parent watches each
task's process: a task that exits without a result fails alone (its exit code or signal is the
error), and one still running past its time limit (the runner's whole-job deadline plus
:data:`GRACE_SECONDS` for the HTML export) is killed together with its kernel.

Dask. With ``scheduler="tcp://host:8786"`` the same task functions are submitted to a
``dask.distributed`` cluster instead (one task per job; failures and retries handled the same
way). Data and reports must then be on a path every worker sees, given by ``--home``.

Resume. A job's **input hash** covers the warehouse fingerprint, the notebook file, the
parameters, the store's settings in stores.toml and the library source; it is stored in the
job's ``status.json``. With ``resume=True`` a job whose status is ``ok`` with the same input
hash and whose HTML exists is skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from storeops import config, paths, runner, warehouse
from storeops.errors import ConfigError, StoreopsError, UnknownStoreError
from storeops.timeutil import SHANGHAI

logger = logging.getLogger(__name__)

DEFAULT_NOTEBOOKS = ("daily",)
"""Notebooks a batch runs when none are named (short names of ``runner.NOTEBOOKS``)."""

DEFAULT_TIMEOUT = 900
"""Seconds one report job may take as a whole (kernel start and every cell)."""

GRACE_SECONDS = 60
"""Extra seconds past a job's timeout before its worker is killed (HTML export, shutdown)."""

INGEST_TIMEOUT = 3600
"""Seconds one store's ingest may take before its worker is killed."""

PRELOAD = ("storeops.batch", "storeops.runner", "storeops.ingest.load", "papermill",
           "nbconvert", "nbclient", "jupyter_client")
"""Modules the forkserver imports once, so that each forked task starts warm."""

OK, FAILED, SKIPPED = "ok", "failed", "skipped"


# --- jobs --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Job:
    """One report to build: a notebook run for one store and day."""

    store: str
    notebook: str
    """Notebook stem, e.g. ``daily_review``."""
    day: date
    params: tuple[tuple[str, str], ...] = ()
    """Extra notebook parameters, sorted ``(name, value)`` string pairs."""
    timeout: int = DEFAULT_TIMEOUT
    """Seconds for the whole run."""
    home: str = ""
    """The storeops home the worker must use (a shared path on a Dask cluster)."""
    input_hash: str = ""
    """Hash of everything the report depends on (see :func:`input_hash`)."""

    @property
    def output(self) -> str:
        """The report's file stem: the notebook's, plus its variant (``period_review_week``)."""
        return runner.output_name(self.notebook, dict(self.params))

    @property
    def key(self) -> str:
        """``store/day/output``: unique within a batch."""
        return f"{self.store}/{self.day.isoformat()}/{self.output}"


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """What became of one job."""

    job: Job
    state: str
    """``ok``, ``failed`` or ``skipped`` (resumed: outputs current)."""
    error: str | None = None
    """One line; None unless failed."""
    seconds: float = 0.0
    """Duration of the last attempt (s)."""
    attempts: int = 0
    """Runs tried (0 for a skipped job)."""

    @property
    def ok(self) -> bool:
        """True for a job that succeeded or was skipped as current."""
        return self.state != FAILED


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What the ingest of one store did."""

    store: str
    ok: bool
    loaded: int = 0
    """Files loaded now."""
    skipped: int = 0
    """Files already in the manifest."""
    quarantined: int = 0
    """Files that could not be read (see the store's quarantine folder)."""
    error: str | None = None
    fingerprint: str | None = None
    """Hash of the warehouse after ingest (None when it failed)."""
    seconds: float = 0.0
    attempts: int = 1


@dataclass(slots=True)
class BatchResult:
    """Everything a batch did, for the CLI's summary and exit code."""

    day: date
    ingests: dict[str, IngestOutcome] = field(default_factory=dict)
    outcomes: list[JobOutcome] = field(default_factory=list)
    withheld: dict[str, list[str]] = field(default_factory=dict)
    """Store -> reports withheld by the privacy audit (one line each)."""
    audit_errors: dict[str, str] = field(default_factory=dict)
    """Store -> why its privacy audit could not run (its reports are then not pushed)."""
    notified: list[str] = field(default_factory=list)
    """Stores whose robot message was sent."""
    shared: dict[str, list[str]] = field(default_factory=dict)
    """Store -> the share-pack pages written (``--share masked``)."""
    seconds: float = 0.0

    @property
    def failed(self) -> list[JobOutcome]:
        """The jobs that failed."""
        return [o for o in self.outcomes if o.state == FAILED]

    @property
    def ok(self) -> bool:
        """True when every ingest and every job succeeded (or was current)."""
        return (all(i.ok for i in self.ingests.values()) and not self.failed
                and not self.audit_errors)

    @property
    def exit_code(self) -> int:
        """0 all done, 1 some job or ingest failed, 2 nothing could run (every job failed)."""
        if self.outcomes and all(o.state == FAILED for o in self.outcomes):
            return 2
        if not self.outcomes and self.ingests and not any(i.ok for i in self.ingests.values()):
            return 2
        return 0 if self.ok else 1


PERIOD_KINDS = ("week", "month")
"""Period reviews the batch adds next to the daily review by default (stores.toml:
``period_reviews = ["week"]`` keeps only the weekly one, ``[]`` none)."""


def periods_due(day: date, kinds: tuple[str, ...] | list[str] = PERIOD_KINDS) -> list[str]:
    """
    Return the period reviews due with the daily review of ``day``.

    The batch that runs on a Monday reports on the Sunday before: that Sunday closes a week
    (Monday–Sunday), so the weekly review of that week is due. The batch that runs on the 1st
    reports on the last day of the month before, so that month's review is due.

    Parameters
    ----------
    day : date
        Report day (normally yesterday).
    kinds : sequence of str
        The kinds the store wants (``week``, ``month``).

    Returns
    -------
    list of str
        ``[]``, ``["week"]``, ``["month"]`` or ``["week", "month"]``.
    """
    due = []
    if "week" in kinds and day.weekday() == 6:
        due.append("week")
    if "month" in kinds and (day + timedelta(days=1)).day == 1:
        due.append("month")
    return due


def store_period_kinds(store: str) -> tuple[str, ...]:
    """
    Return the period reviews a store wants, from ``period_reviews`` in stores.toml.

    Default both (:data:`PERIOD_KINDS`); a store not in stores.toml gets the default.

    Raises
    ------
    ConfigError
        When ``period_reviews`` is not a list of ``week`` / ``month``.
    """
    try:
        extra = config.get_store(store).extra
    except UnknownStoreError:
        return PERIOD_KINDS
    value = extra.get("period_reviews", list(PERIOD_KINDS))
    if not isinstance(value, list) or any(v not in PERIOD_KINDS for v in value):
        raise ConfigError(f"stores.toml：[stores.{store}] period_reviews 应是列表，元素只能是 "
                          f"\"week\"、\"month\"，收到 {value!r}")
    return tuple(dict.fromkeys(value))


def plan_jobs(
    day: date,
    stores: list[str],
    notebooks: tuple[str, ...] | list[str] = DEFAULT_NOTEBOOKS,
    params: dict[str, str] | None = None,
    *,
    timeout: int = DEFAULT_TIMEOUT,
    home: str = "",
    periods: bool = False,
) -> list[Job]:
    """
    List the jobs of a batch: every store × notebook, in store order.

    With ``periods`` and the daily review among the notebooks, each store's due period
    reviews (:func:`periods_due` of its :func:`store_period_kinds`) follow its daily review:
    ``period_review`` with ``period=week`` on a Sunday, ``period=month`` on a month's last day.

    Parameters
    ----------
    day : date
        Report day.
    stores : list of str
        Store ids.
    notebooks : sequence of str
        Short names (``daily``) or stems (``daily_review``); duplicates are dropped.
    params : dict of str to str, optional
        Extra parameters given to every notebook.
    timeout : int
        Seconds per job.
    home : str
        The home the workers must use (absolute path).
    periods : bool
        Add the due weekly and monthly reviews next to the daily review.

    Returns
    -------
    list of Job
        Without input hashes (filled in once the warehouses are ingested).

    Raises
    ------
    ConfigError
        For an unknown notebook, a bad store id or a bad parameter (nothing is run).
    """
    stems = list(dict.fromkeys(runner.resolve_notebook(n) for n in notebooks))
    extra = runner._check_params(params)
    pairs = tuple(sorted(extra.items()))
    jobs: list[Job] = []
    for store in stores:
        config.check_store_id(store)
        mine = [Job(store, stem, day, pairs, timeout, home) for stem in stems]
        if periods and "daily_review" in stems:
            for kind in periods_due(day, store_period_kinds(store)):
                variant = tuple(sorted({**extra, "period": kind}.items()))
                mine.append(Job(store, "period_review", day, variant, timeout, home))
        jobs.extend(mine)
    return list({j.key: j for j in jobs}.values())


# --- events: progress bar, log lines, --log-json ----------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchEvent:
    """One thing that happened to an ingest or a report job, for progress displays and logs."""

    event: str
    """``plan`` (a phase's task count), ``start``, ``finish``, ``fail``, ``retry`` (an attempt
    failed and runs again) or ``skip`` (resumed: outputs current)."""
    phase: str
    """``ingest`` or ``report``."""
    store: str = ""
    notebook: str = ""
    """The report's file stem (``daily_review``, ``period_review_week``); empty for an ingest."""
    day: date | None = None
    duration: float | None = None
    """Wall seconds of the attempt as the batch saw it (finish, fail, retry)."""
    error: str | None = None
    attempt: int = 0
    total: int = 0
    """Tasks in the phase (``plan`` only)."""

    def as_json(self) -> dict[str, Any]:
        """Return the object written as one line of ``--log-json``."""
        return {
            "time": datetime.now(SHANGHAI).isoformat(timespec="seconds"),
            "event": self.event, "phase": self.phase, "store": self.store or None,
            "notebook": self.notebook or None,
            "date": self.day.isoformat() if self.day else None,
            "duration": None if self.duration is None else round(self.duration, 3),
            "error": self.error, "attempt": self.attempt,
        }


class JsonEventLog:
    """
    Append one JSON object per job event to a file (JSON Lines), flushed line by line.

    ``plan`` events are not written: every line is about one ingest or one report job.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("a", encoding="utf-8")

    def __call__(self, event: BatchEvent) -> None:
        """Write ``event`` (a ``plan`` event is skipped)."""
        if event.event == "plan":
            return
        self._fh.write(json.dumps(event.as_json(), ensure_ascii=False) + "\n")
        self._fh.flush()

    def close(self) -> None:
        """Close the file."""
        self._fh.close()


# --- input hashes and resume -----------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def warehouse_fingerprint(store: str) -> str:
    """
    Hash the state of a store's warehouse: rows, coverage and gaps of every table.

    Every loaded file adds a manifest row, and every upsert that changes a table's rows or
    dates changes ``table_status``, so a new export changes the fingerprint; re-running an
    ingest over files already loaded does not.

    Raises
    ------
    NoDataError
        When the store has no warehouse yet.
    """
    with warehouse.open_store(store) as con:
        rows = warehouse.query_rows(con, "table_status")
    return _sha(json.dumps(rows, default=str, sort_keys=True).encode("utf-8"))


def notebook_hash(stem: str) -> str:
    """Return the sha256 of ``notebooks/<stem>.ipynb`` (as committed: without outputs)."""
    return _sha(paths.notebook_file(stem).read_bytes())


@cache
def library_hash() -> str:
    """Return one sha256 over the library's source (``*.py``, ``*.sql``, templates)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".sql", ".j2", ".css", ".json", ".tpl"}:
            digest.update(path.relative_to(root).as_posix().encode("utf-8"))
            digest.update(path.read_bytes())
    return digest.hexdigest()


def store_settings_hash(store: str) -> str:
    """Return a hash of the store's settings in stores.toml (thresholds, targets, margin…)."""
    try:
        settings = asdict(config.get_store(store))
    except StoreopsError:
        settings = {"id": store}
    return _sha(json.dumps(settings, default=str, sort_keys=True).encode("utf-8"))


def input_hash(job: Job, fingerprint: str) -> str:
    """
    Hash everything a job's report depends on.

    Parameters
    ----------
    job : Job
        The job (store, notebook stem, parameters).
    fingerprint : str
        :func:`warehouse_fingerprint` of its store, after ingest.

    Returns
    -------
    str
        sha256 hex of the warehouse fingerprint, the notebook file, the parameters, the store's
        settings and the library source.
    """
    parts = {
        "warehouse": fingerprint,
        "notebook": notebook_hash(job.notebook),
        "params": dict(job.params),
        "settings": store_settings_hash(job.store),
        "library": library_hash(),
    }
    return _sha(json.dumps(parts, sort_keys=True).encode("utf-8"))


def read_status(store: str, day: date, stem: str) -> dict | None:
    """Return a job's ``status.json`` as a dict, or None when absent or unreadable."""
    path = paths.report_file(store, day, stem, ".status.json")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def is_current(job: Job) -> bool:
    """
    Tell whether a job's outputs exist and were built from the same inputs.

    True when its status is ``ok`` with ``input_hash`` equal to ``job.input_hash`` and its HTML
    exists; False for a job without an input hash.
    """
    if not job.input_hash:
        return False
    status = read_status(job.store, job.day, job.output)
    return (
        status is not None
        and status.get("ok") is True
        and status.get("input_hash") == job.input_hash
        and paths.report_file(job.store, job.day, job.output, ".html").exists()
    )


def update_status(store: str, day: date, stem: str, *, touch: bool = False,
                  **fields: Any) -> Path:
    """
    Merge ``fields`` into a job's ``status.json`` (created with the runner's keys if absent).

    Written atomically; used for the input hash and attempts, and to record failures the
    runner could not (a worker that died, a job killed at its deadline, a withheld report).
    ``touch`` sets ``finished_at`` to now.
    """
    current = read_status(store, day, stem) or {}
    status = {
        "ok": False, "error": None, "seconds": 0.0, "finished_at": None,
        "notebook": stem, "store": store, "day": day.isoformat(),
        **current, **fields,
    }
    if touch or status["finished_at"] is None:
        status["finished_at"] = datetime.now(SHANGHAI).isoformat(timespec="seconds")
    text = json.dumps(status, ensure_ascii=False, indent=2) + "\n"
    return runner._atomic_write(paths.report_file(store, day, stem, ".status.json"), text)


# --- what runs in a worker ------------------------------------------------------------------


def ingest_task(store: str, home: str = "") -> IngestOutcome:
    """
    Ingest one store's new raw exports and fingerprint its warehouse (runs in a worker).

    Parameters
    ----------
    store : str
        Store id.
    home : str
        The storeops home to use; empty keeps the worker's own.

    Returns
    -------
    IngestOutcome
        ``ok`` False with the error line when the ingest raised (the warehouse is then as it
        was before the failing file).
    """
    from storeops.ingest.load import ingest

    if home:
        paths.set_home(home)
    start = time.monotonic()
    try:
        results = ingest(store)
        fingerprint = warehouse_fingerprint(store)
    except StoreopsError as exc:
        logger.error("ingest of %s failed: %s", store, exc)
        return IngestOutcome(store, False, error=runner.error_line(exc),
                             seconds=time.monotonic() - start)
    count = {s: sum(r.status == s for r in results) for s in ("loaded", "skipped", "quarantined")}
    return IngestOutcome(store, True, count["loaded"], count["skipped"], count["quarantined"],
                         None, fingerprint, time.monotonic() - start)


def run_job(job: Job) -> JobOutcome:
    """
    Run one report job with :func:`storeops.runner.run_notebook` (runs in a worker).

    Returns
    -------
    JobOutcome
        ``failed`` with the error line when the notebook raised, timed out, its kernel died, or
        the job was refused before running (bad parameter, unknown store).
    """
    if job.home:
        paths.set_home(job.home)
    start = time.monotonic()
    try:
        result = runner.run_notebook(job.store, job.notebook, job.day, dict(job.params),
                                     timeout=job.timeout)
    except StoreopsError as exc:
        return JobOutcome(job, FAILED, runner.error_line(exc), time.monotonic() - start, 1)
    return JobOutcome(job, OK if result.ok else FAILED, result.error, result.seconds, 1)


# --- pools -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Crash:
    """A task that produced no result: its process died, it was killed, or it raised."""

    message: str


def _child(conn: multiprocessing.connection.Connection, fn: Callable, arg: Any) -> None:
    """Body of a task process: run ``fn(arg)`` and send the result (or a Crash) back."""
    try:
        result = fn(arg)
    except BaseException as exc:  # noqa: BLE001 - anything a task raises is its failure, sent up
        result = Crash(runner.error_line(exc))
    try:
        conn.send(result)
    except Exception as exc:  # noqa: BLE001 - an unpicklable result is reported, not lost
        conn.send(Crash(f"结果无法传回：{runner.error_line(exc)}"))
    finally:
        conn.close()


def _kill_tree(pid: int) -> None:
    """Kill a task process and everything it started (its kernel runs in its own session)."""
    children = []
    try:
        import psutil

        children = psutil.Process(pid).children(recursive=True)
    except Exception as exc:  # noqa: BLE001 - psutil missing or the process just ended
        logger.debug("cannot list children of %s: %s", pid, exc)
    for child in children:
        try:
            child.kill()
        except Exception as exc:  # noqa: BLE001 - it may have ended meanwhile
            logger.debug("cannot kill %s: %s", child, exc)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _exit_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"信号 {-exitcode}"
        hint = "（可能内存不足被系统终止）" if name == "SIGKILL" else ""
        return f"WorkerDied: 工作进程被 {name} 终止{hint}"
    return f"WorkerDied: 工作进程意外退出（退出码 {exitcode}）"


@dataclass(slots=True)
class _Running:
    proc: Any
    conn: multiprocessing.connection.Connection
    deadline: float
    limit: float


class LocalPool:
    """
    Run tasks in at most ``workers`` processes at a time, each task in its own process.

    Processes are forked from a forkserver that imported :data:`PRELOAD` once. A task that
    dies fails alone; a task past its time limit is killed with its children.
    """

    def __init__(self, workers: int) -> None:
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() \
            else "spawn"
        self._ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            self._ctx.set_forkserver_preload(list(PRELOAD))
        self._workers = max(1, int(workers))
        self._pending: deque[tuple[str, Callable, Any, float]] = deque()
        self._running: dict[str, _Running] = {}
        self.on_start: Callable[[str], None] = lambda _token: None
        """Called with a task's token when its process starts."""

    def submit(self, token: str, fn: Callable, arg: Any, limit: float) -> None:
        """Queue ``fn(arg)`` under ``token``; it is killed after ``limit`` seconds."""
        self._pending.append((token, fn, arg, limit))

    def _fill(self) -> None:
        while self._pending and len(self._running) < self._workers:
            token, fn, arg, limit = self._pending.popleft()
            parent, child = self._ctx.Pipe(duplex=False)
            proc = self._ctx.Process(target=_child, args=(child, fn, arg),
                                     name=f"storeops-{token}", daemon=False)
            proc.start()
            child.close()
            self.on_start(token)
            self._running[token] = _Running(proc, parent, time.monotonic() + limit, limit)

    def _collect(self, token: str) -> Any:
        run = self._running.pop(token)
        result: Any = None
        if run.conn.poll():
            try:
                result = run.conn.recv()
            except (EOFError, OSError):
                result = None
        run.conn.close()
        run.proc.join(10)
        if run.proc.is_alive():
            _kill_tree(run.proc.pid)
            run.proc.join(5)
        if result is None:
            result = Crash(_exit_message(run.proc.exitcode))
        return result

    def next_done(self) -> tuple[str, Any]:
        """Wait for the next task to finish; return its token and result (or a Crash)."""
        while True:
            self._fill()
            if not self._running:
                raise RuntimeError("no task is queued or running")
            now = time.monotonic()
            for token, run in list(self._running.items()):
                if now >= run.deadline:
                    _kill_tree(run.proc.pid)
                    run.proc.join(5)
                    self._running.pop(token)
                    run.conn.close()
                    return token, Crash(f"TimeoutError: 超过 {run.limit:.0f} 秒仍未结束，已终止")
            waitables: dict[Any, str] = {}
            for token, run in self._running.items():
                waitables[run.conn] = token
                waitables[run.proc.sentinel] = token
            wait = min(r.deadline for r in self._running.values()) - now
            ready = multiprocessing.connection.wait(list(waitables), timeout=max(0.01, wait))
            if ready:
                token = waitables[ready[0]]
                return token, self._collect(token)

    def close(self) -> None:
        """Kill whatever still runs and forget the queue."""
        self._pending.clear()
        for token in list(self._running):
            run = self._running.pop(token)
            _kill_tree(run.proc.pid)
            run.proc.join(5)
            run.conn.close()


class DaskPool:
    """Submit the same tasks to a ``dask.distributed`` scheduler, one Dask task per job."""

    def __init__(self, address: str) -> None:
        from distributed import Client

        try:
            self._client = Client(address, timeout=30, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"无法连接 Dask 调度器 {address}（{exc}）：确认 dask scheduler "
                              "已启动、地址与端口正确") from exc
        self._futures: dict[Any, tuple[str, float, float]] = {}
        self.on_start: Callable[[str], None] = lambda _token: None
        """Called with a task's token when it is handed to the scheduler."""

    def submit(self, token: str, fn: Callable, arg: Any, limit: float) -> None:
        """Submit ``fn(arg)``; it is cancelled (reported failed) after ``limit`` seconds."""
        key = f"storeops-{token.replace('/', '-')}-{uuid.uuid4().hex[:8]}"
        future = self._client.submit(fn, arg, key=key, pure=False)
        self._futures[future] = (token, time.monotonic() + limit, limit)
        self.on_start(token)

    def next_done(self) -> tuple[str, Any]:
        """Wait for the next task to finish; return its token and result (or a Crash)."""
        from distributed import wait

        while True:
            if not self._futures:
                raise RuntimeError("no task is queued or running")
            now = time.monotonic()
            for future, (token, deadline, limit) in list(self._futures.items()):
                if now >= deadline:
                    future.cancel()
                    self._futures.pop(future)
                    return token, Crash(f"TimeoutError: 超过 {limit:.0f} 秒仍未结束，已取消")
            wait_s = min(d for _t, d, _l in self._futures.values()) - now
            try:
                with self._client.as_current():
                    done, _ = wait(list(self._futures), timeout=max(0.05, wait_s),
                                   return_when="FIRST_COMPLETED")
            except TimeoutError:
                continue
            if not done:
                continue
            future = next(iter(done))
            token, _deadline, _limit = self._futures.pop(future)
            if future.status == "finished":
                return token, future.result()
            exc = future.exception()
            return token, Crash(runner.error_line(exc) if exc else f"Dask 任务 {future.status}")

    def close(self) -> None:
        """Cancel what is left and disconnect."""
        for future in self._futures:
            future.cancel()
        self._futures.clear()
        self._client.close()


def _drive(pool: LocalPool | DaskPool, tasks: dict[str, tuple[Callable, Any, float]],
           retry: int, on_crash: Callable[[str, str], Any],
           on_retry: Callable[[str, Any, int], None] | None = None,
           ) -> Iterator[tuple[str, Any, int]]:
    """Run every task, retrying a failed one ``retry`` times; yield (token, result, attempts).

    ``on_retry(token, result, attempt)`` is called for a failed attempt that runs again.
    """
    attempts = dict.fromkeys(tasks, 1)
    for token, (fn, arg, limit) in tasks.items():
        pool.submit(token, fn, arg, limit)
    remaining = len(tasks)
    while remaining:
        token, result = pool.next_done()
        if isinstance(result, Crash):
            result = on_crash(token, result.message)
        if not result.ok and attempts[token] <= retry:
            logger.warning("%s failed (%s), retrying", token, result.error)
            if on_retry is not None:
                on_retry(token, result, attempts[token])
            attempts[token] += 1
            fn, arg, limit = tasks[token]
            pool.submit(token, fn, arg, limit)
            continue
        remaining -= 1
        yield token, result, attempts[token]


# --- privacy audit --------------------------------------------------------------------------


def withhold_unsafe_reports(store: str) -> list[str]:
    """
    Audit a store's HTML reports; withhold each page that shows personal data.

    A report ``reports/<store>/<day>/<stem>.html`` with findings is renamed
    ``<stem>.withheld.html`` (not published; kept for debugging) and its ``status.json`` marked
    failed with the findings (masked). Other pages (the store index) are rewritten by the index
    step and not touched here.

    Returns
    -------
    list of str
        One line per withheld report: ``<day>/<stem>: phone line 12 text: 138****5678; …``.
    """
    from storeops.audit import audit_reports

    root = paths.reports_root()
    withheld = []
    for path, findings in audit_reports(root, store).items():
        parts = path.relative_to(root).parts
        if not findings or len(parts) != 3 or parts[2].endswith(".withheld.html"):
            continue
        try:
            day = date.fromisoformat(parts[1])
        except ValueError:
            continue
        stem = parts[2][: -len(".html")]
        path.replace(path.with_name(f"{stem}.withheld.html"))
        shown = "；".join(f.describe() for f in findings[:3])
        more = f" 等 {len(findings)} 处" if len(findings) > 3 else ""
        error = f"PrivacyError: 报告含个人信息，已扣下未发布（{shown}{more}）"
        update_status(store, day, stem, ok=False, error=error, withheld=True)
        withheld.append(f"{day.isoformat()}/{stem}: {shown}{more}")
        logger.error("withheld %s: %s", path, shown)
    return withheld


# --- the batch --------------------------------------------------------------------------------


def _pool(workers: int, scheduler: str | None) -> LocalPool | DaskPool:
    return DaskPool(scheduler) if scheduler else LocalPool(workers)


def run_batch(
    day: date,
    stores: list[str] | None = None,
    notebooks: tuple[str, ...] | list[str] = DEFAULT_NOTEBOOKS,
    *,
    params: dict[str, str] | None = None,
    workers: int | None = None,
    retry: int = 1,
    resume: bool = False,
    scheduler: str | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    notify: bool = True,
    periods: bool = True,
    share: str | None = None,
    progress: Callable[[str], None] | None = None,
    events: Callable[[BatchEvent], None] | None = None,
    job_fn: Callable[[Job], JobOutcome] = run_job,
    ingest_fn: Callable[..., IngestOutcome] = ingest_task,
) -> BatchResult:
    """
    Ingest, report, audit, index and notify every store (or the given ones) for ``day``.

    Parameters
    ----------
    day : date
        Report day.
    stores : list of str, optional
        Store ids; default every store (``config.list_stores``).
    notebooks : sequence of str
        Notebooks to run per store (short names or stems).
    params : dict of str to str, optional
        Extra parameters for every notebook.
    workers : int, optional
        Worker processes of the local pool; default the CPU count. Ignored with ``scheduler``.
    retry : int
        Extra attempts for a failed job (and a failed ingest).
    resume : bool
        Skip jobs whose outputs are current (:func:`is_current`).
    scheduler : str, optional
        ``tcp://host:port`` of a Dask scheduler: run the tasks there instead.
    timeout : int
        Seconds per report job.
    notify : bool
        Send the robot messages of stores that have a webhook configured.
    periods : bool
        Add each store's due weekly / monthly review next to its daily review
        (:func:`plan_jobs`).
    share : str, optional
        ``masked``: after the audit, build each store's share pack of the day
        (:func:`storeops.share.build_share`) from its reports that succeeded.
    progress : callable, optional
        Called with one line per finished ingest or job, counted ``[k/n]`` per phase (the CLI
        prints them, above its progress bar on a terminal).
    events : callable, optional
        Called with a :class:`BatchEvent` for each phase's size and each task's start,
        finish, failure, retry or skip (progress bar, ``--log-json``).
    job_fn, ingest_fn : callable
        The task functions (module-level, picklable); tests substitute them.

    Returns
    -------
    BatchResult
        Per-store ingests, per-job outcomes, withheld reports; ``exit_code`` for the CLI.

    Raises
    ------
    ConfigError
        For an unknown notebook or bad parameter, an unknown share mode, or an unreachable
        scheduler (nothing is run).
    """
    from storeops.report.index import write_index

    if share not in (None, "masked"):
        raise ConfigError(f"--share 只能是 masked，收到 {share!r}")

    started = time.monotonic()
    chosen = list(stores) if stores else config.list_stores()
    home = str(paths.home())
    paths.set_home(home)  # absolute, for workers and kernels
    planned = plan_jobs(day, chosen, notebooks, params, timeout=timeout, home=home,
                        periods=periods)
    result = BatchResult(day)
    say = progress or (lambda _line: None)
    emit = events or (lambda _event: None)
    workers = workers or os.cpu_count() or 1
    pool = _pool(workers, scheduler)
    # token -> (phase, store, notebook) of the tasks events are reported for
    known: dict[str, tuple[str, str, str]] = {}
    began: dict[str, float] = {}
    tries: dict[str, int] = {}

    def task_started(token: str) -> None:
        if token in known:
            began[token] = time.monotonic()
            tries[token] = tries.get(token, 0) + 1
            phase, store, stem = known[token]
            emit(BatchEvent("start", phase, store, stem, day, attempt=tries[token]))

    def wall(token: str) -> float:
        return time.monotonic() - began.get(token, time.monotonic())

    def ended(token: str, kind: str, error: str | None) -> None:
        phase, store, stem = known[token]
        emit(BatchEvent(kind, phase, store, stem, day, wall(token), error, tries.get(token, 1)))

    def retried(token: str, outcome: Any, _attempt: int) -> None:
        ended(token, "retry", outcome.error)

    pool.on_start = task_started
    try:
        # 1. ingest: every store before any report opens a warehouse
        def ingest_crash(token: str, message: str) -> IngestOutcome:
            return IngestOutcome(token.removeprefix("ingest:"), False, error=message,
                                 seconds=wall(token))

        tasks = {f"ingest:{s}": (ingest_fn, s, INGEST_TIMEOUT) for s in chosen}
        known.update({t: ("ingest", t.removeprefix("ingest:"), "") for t in tasks})
        emit(BatchEvent("plan", "ingest", day=day, total=len(tasks)))
        for count, (token, outcome, attempts) in enumerate(
                _drive(pool, _bind_home(tasks, home), retry, ingest_crash, retried), 1):
            outcome = _with(outcome, attempts=attempts)
            result.ingests[outcome.store] = outcome
            ended(token, "finish" if outcome.ok else "fail", outcome.error)
            n = f"[{count}/{len(tasks)}] "
            if outcome.ok:
                say(f"{n}[{outcome.store}] 导入 {outcome.loaded} 个新文件，"
                    f"跳过 {outcome.skipped} 个"
                    + (f"，隔离 {outcome.quarantined} 个" if outcome.quarantined else "")
                    + f"（{outcome.seconds:.1f} 秒）")
            else:
                say(f"{n}[{outcome.store}] 导入失败：{outcome.error}")

        # 2. report jobs
        emit(BatchEvent("plan", "report", day=day, total=len(planned)))
        done = 0

        def counted() -> str:
            nonlocal done
            done += 1
            return f"[{done}/{len(planned)}] "

        jobs: list[Job] = []
        for job in planned:
            ingested = result.ingests[job.store]
            if not ingested.ok:
                error = f"IngestError: 导入失败，未生成报告（{ingested.error}）"
                update_status(job.store, job.day, job.output, touch=True, ok=False,
                              error=error, seconds=0.0, input_hash=None)
                result.outcomes.append(JobOutcome(job, FAILED, error, 0.0, 0))
                emit(BatchEvent("fail", "report", job.store, job.output, day, 0.0, error))
                say(f"{counted()}[{job.store}] {job.output}：失败：{error}")
                continue
            job = _with(job, input_hash=input_hash(job, ingested.fingerprint or ""))
            if resume and is_current(job):
                result.outcomes.append(JobOutcome(job, SKIPPED))
                emit(BatchEvent("skip", "report", job.store, job.output, day))
                say(f"{counted()}[{job.store}] {job.output}：输入未变，跳过")
                continue
            jobs.append(job)

        def job_crash(token: str, message: str) -> JobOutcome:
            return JobOutcome(next(j for j in jobs if j.key == token), FAILED, message,
                              wall(token), 1)

        limit = timeout + GRACE_SECONDS
        tasks = {j.key: (job_fn, j, limit) for j in jobs}
        known.update({j.key: ("report", j.store, j.output) for j in jobs})
        for token, outcome, attempts in _drive(pool, tasks, retry, job_crash, retried):
            outcome = _with(outcome, attempts=attempts)
            _record(outcome)
            result.outcomes.append(outcome)
            ended(token, "finish" if outcome.ok else "fail", outcome.error)
            mark = "成功" if outcome.ok else f"失败：{outcome.error}"
            nth = f"，第 {attempts} 次" if attempts > 1 else ""
            say(f"{counted()}[{outcome.job.store}] {outcome.job.output}：{mark}"
                f"（{outcome.seconds:.1f} 秒{nth}）")

        # 3. privacy audit of the stores whose reports were (re)built, in the workers too
        ran = sorted({j.store for j in jobs})
        tasks = {f"audit:{s}": (audit_task, (s, home), INGEST_TIMEOUT) for s in ran}
        for token, audit, _attempts in _drive(pool, tasks, 0, _audit_crash):
            _apply_audit(token.removeprefix("audit:"), audit, result, say)
    finally:
        pool.close()
    order = {j.key: i for i, j in enumerate(planned)}
    result.outcomes.sort(key=lambda o: order[o.job.key])
    if share:
        _share(result, say)
    write_index()
    if notify:
        _notify(result, say)
    result.seconds = time.monotonic() - started
    return result


def _bind_home(tasks: dict[str, tuple[Callable, Any, float]], home: str
               ) -> dict[str, tuple[Callable, Any, float]]:
    """Ingest tasks take (store, home): pack them so that one argument travels."""
    return {t: (_call_ingest, (fn, store, home), limit) for t, (fn, store, limit) in tasks.items()}


def _call_ingest(packed: tuple[Callable[..., IngestOutcome], str, str]) -> IngestOutcome:
    fn, store, home = packed
    return fn(store, home)


def _with(obj: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(obj, **changes)


def _record(outcome: JobOutcome) -> None:
    """Write the input hash and attempts into a job's status, and a failure the runner missed."""
    job = outcome.job
    fields: dict[str, Any] = {"input_hash": job.input_hash, "attempts": outcome.attempts}
    touch = False
    if outcome.state == FAILED:
        fields |= {"ok": False, "error": outcome.error, "input_hash": None,
                   "seconds": round(outcome.seconds, 2)}
        status = read_status(job.store, job.day, job.output) or {}
        # the runner wrote nothing for this attempt (worker died, killed, refused)
        touch = status.get("ok") is not False or status.get("error") != outcome.error
    update_status(job.store, job.day, job.output, touch=touch, **fields)


@dataclass(frozen=True, slots=True)
class AuditOutcome:
    """What the privacy audit of one store's reports found."""

    ok: bool
    withheld: tuple[str, ...] = ()
    """One line per withheld report (see :func:`withhold_unsafe_reports`)."""
    error: str | None = None
    """Why the audit itself could not run."""


def audit_task(packed: tuple[str, str]) -> AuditOutcome:
    """Audit one store's reports and withhold unsafe ones (runs in a worker)."""
    store, home = packed
    if home:
        paths.set_home(home)
    try:
        return AuditOutcome(True, tuple(withhold_unsafe_reports(store)))
    except (OSError, StoreopsError) as exc:
        logger.error("audit of %s failed: %s", store, exc)
        return AuditOutcome(False, error=runner.error_line(exc))


def _audit_crash(_token: str, message: str) -> AuditOutcome:
    return AuditOutcome(False, error=message)


def _apply_audit(store: str, audit: AuditOutcome, result: BatchResult,
                 say: Callable[[str], None]) -> None:
    """Mark the jobs whose report the audit withheld as failed; report an audit failure."""
    if not audit.ok:
        say(f"[{store}] 隐私检查失败：{audit.error}")
        result.audit_errors[store] = audit.error or "?"
        return
    if not audit.withheld:
        return
    result.withheld[store] = list(audit.withheld)
    for line in audit.withheld:
        say(f"[{store}] 已扣下含个人信息的报告：{line}")
    keys = {line.split(":", 1)[0] for line in audit.withheld}
    result.outcomes[:] = [
        _with(o, state=FAILED, error="PrivacyError: 报告含个人信息，已扣下未发布")
        if o.job.store == store and f"{o.job.day.isoformat()}/{o.job.output}" in keys
        else o
        for o in result.outcomes
    ]


def _share(result: BatchResult, say: Callable[[str], None]) -> None:
    """Build the masked share pack of every store that has a report of the day."""
    from storeops.share import build_share, share_dir

    for store in dict.fromkeys(o.job.store for o in result.outcomes):
        stems = [o.job.output for o in result.outcomes if o.job.store == store and o.ok]
        if not stems:
            continue
        try:
            written = build_share(store, result.day, stems)
        except (OSError, StoreopsError) as exc:  # a share pack never fails the batch
            logger.warning("share %s failed: %s", store, exc)
            say(f"[{store}] 分享版生成失败：{runner.error_line(exc)}")
            continue
        result.shared[store] = [str(p) for p in written]
        say(f"[{store}] 分享版 {len(written)} 份：{share_dir(store, result.day)}")


def _notify(result: BatchResult, say: Callable[[str], None]) -> None:
    """Push each fully successful store's message (stores without a webhook are skipped)."""
    from storeops import notify

    stores = {o.job.store for o in result.outcomes}
    for store in sorted(stores):
        mine = [o for o in result.outcomes if o.job.store == store]
        ran = any(o.state == OK for o in mine)
        if (not ran or not all(o.ok for o in mine) or store in result.withheld
                or store in result.audit_errors):
            continue
        stems = [o.job.output for o in mine]
        try:
            sent = notify.notify_store(store, result.day, stems)
        except (OSError, StoreopsError) as exc:  # a push never fails the batch
            logger.warning("notify %s failed: %s", store, exc)
            say(f"[{store}] 消息推送失败：{exc}")
            continue
        if sent:
            result.notified.append(store)
            say(f"[{store}] 已推送消息")
