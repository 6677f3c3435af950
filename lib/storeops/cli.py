"""``storeops`` — one verb per job. ``--home`` (or STOREOPS_HOME) picks the folder to work in."""

from __future__ import annotations

import csv
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from storeops import config, metrics, paths, warehouse
from storeops.errors import StoreopsError
from storeops.timeutil import SHANGHAI, resolve_day, today

if TYPE_CHECKING:
    from storeops.ingest.load import FileResult

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="storeops: 天猫/淘宝店铺导出数据 → 数据仓库 → 每日报告")
logger = logging.getLogger("storeops")


def _echo(text: str = "") -> None:
    typer.echo(text)


def _fail(exc: StoreopsError) -> None:
    typer.echo(f"错误：{exc}", err=True)
    raise typer.Exit(1)


@app.callback()
def main(
    home: Annotated[Path | None, typer.Option(help="storeops home folder (else STOREOPS_HOME, "
                                                   "else the repository)")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log details")] = False,
) -> None:
    """Set the home and logging for every command."""
    if home is not None:
        paths.set_home(home)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


def _day(value: str) -> date:
    try:
        return resolve_day(value)
    except StoreopsError as exc:
        _fail(exc)
        raise  # unreachable: _fail exits


@app.command()
def demo(
    store: Annotated[str, typer.Option(help="store id to write")] = "demo",
    end: Annotated[str, typer.Option(help="last day of data (ISO); default yesterday")] = "",
    days: Annotated[int, typer.Option(help="days of history")] = 400,
    seed: Annotated[int, typer.Option(help="random seed (same seed + end = same files)")] = 7,
    daily_orders: Annotated[float, typer.Option(help="average orders per normal day")] = 120.0,
) -> None:
    """Write a demo store's raw exports (real formats) into data/raw/<store>/."""
    from storeops import demo as demo_mod

    try:
        config.check_store_id(store)
        files = demo_mod.generate(store, end=_day(end), days=days, seed=seed,
                                  daily_orders=daily_orders)
        # a month's target in the demo's range: about 120 % of a normal month's sales
        config.add_store(store, "演示旗舰店",
                         monthly_target=round(daily_orders * 250 * 30 * 1.2, -4))
    except StoreopsError as exc:
        _fail(exc)
    _echo(f"已写入 {len(files)} 个导出文件到 {paths.raw_dir(store)}")


def _pairs(items: list[str] | None, flag: str, *, split_commas: bool = False) -> dict[str, str]:
    """Parse ``k=v`` pairs of a repeatable option (``--map a=b,c=d`` also splits commas)."""
    out: dict[str, str] = {}
    for item in items or []:
        for part in item.split(",") if split_commas else [item]:
            if not part.strip():
                continue
            if "=" not in part:
                _fail(config.ConfigError(f"{flag} 应写成 名称=值，收到 {part!r}"))
            key, value = part.split("=", 1)
            if not key.strip() or not value.strip():
                _fail(config.ConfigError(f"{flag} 应写成 名称=值，收到 {part!r}"))
            out[key.strip()] = value.strip()
    return out


_STATUS_LABELS = {"loaded": "已导入", "skipped": "已导入过", "quarantined": "隔离",
                  "checked": "检查通过"}


def _result_line(r: FileResult) -> str:
    """One table row of ``storeops ingest``: file, kind, rows kept/refused/summary, warnings."""
    status = _STATUS_LABELS.get(r.status, r.status)
    if r.status == "quarantined":
        return f"{r.path.name}\t{status}\t—\t—\t—\t—\t{r.message}"
    notes = list(r.notes)
    if r.unknown_columns:
        notes.append(f"未识别的列：{'、'.join(r.unknown_columns)}")
    return (f"{r.path.name}\t{status}\t{r.kind or '—'}\t{r.rows_kept:,}\t{r.rows_refused:,}"
            f"\t{r.summary_rows:,}\t{'；'.join(notes) or '—'}")


def _run_ingest(store: str, files: list[Path] | None, **kw: Any) -> list[FileResult]:
    """Ingest a store's files; with a terminal, one file at a time behind a progress bar."""
    from storeops.ingest import load

    if not sys.stderr.isatty():
        return load.ingest(store, files, **kw)
    targets = load._expand(files) if files else load.discover(store)
    if len(targets) < 2:
        return load.ingest(store, targets or None, **kw) if targets else []
    from rich.progress import Progress

    results = []
    with Progress(transient=True) as progress:
        task = progress.add_task(f"[{store}] 导入", total=len(targets))
        for path in targets:
            progress.update(task, description=f"[{store}] {path.name}")
            results.extend(load.ingest(store, [path], **kw))
            progress.advance(task)
    return results


@app.command()
def ingest(
    files: Annotated[list[Path] | None, typer.Argument(
        help="files or folders; default: everything in data/raw/<store>/")] = None,
    store: Annotated[str | None, typer.Option(help="store id; default: every store")] = None,
    kind: Annotated[str | None, typer.Option(
        help="force the export kind (when the header is not recognized)")] = None,
    map_: Annotated[list[str] | None, typer.Option(
        "--map", help="extra header names for --kind: 源列=canonical[,…]")] = None,
    option: Annotated[list[str] | None, typer.Option(
        help="a fact the file lacks, k=v (e.g. date=2026-11-26, window=15); repeatable")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="read, check and report; write nothing")] = False,
) -> None:
    """Load raw exports into the store's warehouse (files already loaded are skipped)."""
    if files and not store:
        _fail(config.ConfigError("指定文件时请同时用 --store 说明是哪个店铺"))
    mapping = _pairs(map_, "--map", split_commas=True)
    options = _pairs(option, "--option")
    stores = [store] if store else config.list_stores()
    if not stores:
        _fail(config.ConfigError(f"{paths.raw_root()} 下没有店铺文件夹：先放入导出文件"))
    quarantined = 0
    for s in stores:
        try:
            results = _run_ingest(s, files or None, kind=kind, mapping=mapping or None,
                                  options=options, dry_run=dry_run)
        except StoreopsError as exc:
            _fail(exc)
        shown = [r for r in results if r.status != "skipped"]
        if shown:
            _echo("文件\t状态\t种类\t导入行\t拒收行\t汇总行\t提示")
            for r in shown:
                _echo(_result_line(r))
        for r in results:
            if r.status == "quarantined":
                quarantined += 1
                typer.echo(f"[{s}] 未导入：{r.message}", err=True)
            elif r.rows_refused and not dry_run:
                typer.echo(f"[{s}] {r.path.name}：{r.rows_refused} 行被拒收，原因见 "
                           f"{paths.rejects_dir(s)}", err=True)
        done = [r for r in results if r.status in ("loaded", "checked")]
        skipped = sum(r.status == "skipped" for r in results)
        rows = sum(r.rows_kept for r in done)
        verb = "检查" if dry_run else "导入"
        tail = "（试运行，未写入）" if dry_run else ""
        _echo(f"[{s}] {verb} {len(done)} 个文件（{rows:,} 行），跳过已导入 {skipped} 个，"
              f"隔离 {sum(r.status == 'quarantined' for r in results)} 个{tail}")
    if quarantined:
        raise typer.Exit(1)


def _day_span(first: date, last: date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()}~{last.isoformat()}"


def format_gaps(gaps: list[dict], *, limit: int = 8) -> str:
    """
    Write missing-day ranges compactly: ``缺 2026-11-20, 2026-11-23~2026-11-25``.

    Parameters
    ----------
    gaps : list of dict
        ``gap_start`` / ``gap_end`` dates (inclusive), oldest first.
    limit : int
        Ranges shown before the rest is summed up as ``… 另 N 段``.
    """
    if not gaps:
        return ""
    shown = ", ".join(_day_span(g["gap_start"], g["gap_end"]) for g in gaps[:limit])
    more = f" … 另 {len(gaps) - limit} 段" if len(gaps) > limit else ""
    return f"缺 {shown}{more}"


@app.command()
def status(store: Annotated[str, typer.Option(help="store id")] = "demo") -> None:
    """Show the warehouse's tables: rows, date coverage and the days missing in between."""
    try:
        config.get_store(store)
        with warehouse.open_store(store) as con:
            rows = warehouse.query_rows(con, "table_status")
    except StoreopsError as exc:
        _fail(exc)
    for r in rows:
        span = f"{r['first_day']} ~ {r['last_day']}" if r["first_day"] else "—"
        line = f"{r['table_name']:<18} {r['rows']:>10,} 行  {span}"
        if r["missing_days"]:
            line += f"  {format_gaps(r['gaps'])}（共缺 {r['missing_days']} 天）"
        _echo(line)


def _metric_rows(store: str, start: date, end: date, by: str) -> list[dict]:
    with warehouse.open_store(store) as con:
        return metrics.compute(con, start, end, by="total" if by == "total" else by)


@app.command("metrics")
def metrics_cmd(
    store: Annotated[str, typer.Option(help="store id")],
    start: Annotated[str, typer.Option(help="first day, ISO")],
    end: Annotated[str, typer.Option(help="last day, ISO (inclusive)")],
    by: Annotated[str, typer.Option(help="total | day | province")] = "total",
    fmt: Annotated[str, typer.Option("--format", help="table | json | csv")] = "table",
) -> None:
    """Compute the headline metrics (definitions in storeops.metrics) for a period."""
    if by not in metrics.BY_KEYS:
        _fail(config.ConfigError(f"--by 只能是 {'、'.join(metrics.BY_KEYS)}"))
    if fmt not in ("table", "json", "csv"):
        _fail(config.ConfigError("--format 只能是 table、json、csv"))
    first, last = _day(start), _day(end)
    if last < first:
        _fail(config.ConfigError(f"--end {last} 早于 --start {first}"))
    try:
        config.get_store(store)
        rows = _metric_rows(store, first, last, by)
    except StoreopsError as exc:
        _fail(exc)
    key = {"day": "day", "province": "province"}.get(by)
    names = list(metrics.HEADLINE)
    records = []
    for r in rows:
        rec = {key: r["key"]} if key else {}
        rec.update({n: metrics.to_json_value(n, r[n]) for n in names})
        records.append(rec)
    if fmt == "json":
        _echo(json.dumps(records, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(records[0]) if records else names)
        writer.writeheader()
        writer.writerows(records)
    else:
        header = ([key] if key else []) + [metrics.METRICS[n].label for n in names]
        _echo("\t".join(header))
        for rec in records:
            _echo("\t".join("—" if v is None else str(v) for v in rec.values()))


@app.command()
def run(
    notebook: Annotated[str, typer.Argument(help="daily | period | campaign | plan | customers")],
    store: Annotated[str, typer.Option(help="store id")] = "demo",
    date_: Annotated[str, typer.Option("--date", help="report date, ISO; default yesterday")] = "",
    param: Annotated[list[str] | None, typer.Option(help="extra notebook parameter k=v")] = None,
    campaign: Annotated[str | None, typer.Option(
        help="campaign: a promotion's name, e.g. 2026双11 (same as --param campaign=…)")] = None,
    period: Annotated[str | None, typer.Option(help="period: week | month")] = None,
    year: Annotated[str | None, typer.Option(help="plan: the plan's year, e.g. 2027")] = None,
) -> None:
    """Execute one notebook for one store and day, and write its HTML report.

    The annual plan writes its day and month targets as a sheet under data/raw/<store>/手工/;
    it is ingested right after a successful run, so the daily review compares against it.
    """
    from storeops import runner
    from storeops.report.index import write_index

    params = {}
    for item in param or []:
        if "=" not in item:
            _fail(config.ConfigError(f"--param 应写成 名称=值，收到 {item!r}"))
        k, v = item.split("=", 1)
        params[k] = v
    for key, value in (("campaign", campaign), ("period", period), ("year", year)):
        if value is not None:
            params[key] = value
    try:
        config.get_store(store)
        result = runner.run_notebook(store, notebook, _day(date_), params)
    except StoreopsError as exc:
        _fail(exc)
    write_index()
    if not result.ok:
        typer.echo(f"失败：{store} {result.notebook} {result.day}：{result.error}（执行过的 "
                   f"notebook 保存在 {result.ipynb}）", err=True)
        raise typer.Exit(1)
    if result.notebook == "annual_plan":
        from storeops.ingest.load import ingest as run_ingest

        try:
            loaded = [r for r in run_ingest(store) if r.status == "loaded"]
        except StoreopsError as exc:
            _fail(exc)
        rows = sum(r.rows_kept for r in loaded if r.kind == "targets")
        _echo(f"[{store}] 年度目标已写入数据仓库（{rows:,} 行目标）")
    _echo(str(result.html))


@app.command()
def batch(
    date_: Annotated[str, typer.Option("--date", help="report date, ISO or 'yesterday'")] = "",
    stores: Annotated[str | None, typer.Option(
        help="comma-separated store ids, or 'all' (default)")] = None,
    notebooks: Annotated[str, typer.Option(
        help="comma-separated notebooks: daily, period, campaign, plan, customers")] = "daily",
    workers: Annotated[int | None, typer.Option(
        help="parallel jobs on this machine; default the CPU count")] = None,
    retry: Annotated[int, typer.Option(help="extra attempts for a failed job")] = 1,
    resume: Annotated[bool, typer.Option(
        "--resume", help="skip jobs whose outputs exist and whose inputs did not change")] = False,
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler tcp://host:8786: run the jobs on that cluster")] = None,
    timeout: Annotated[int, typer.Option(help="seconds one report job may take")] = 900,
    notify: Annotated[bool, typer.Option(
        "--notify/--no-notify", help="send the robot messages configured in stores.toml")] = True,
    periods: Annotated[bool, typer.Option(
        "--periods/--no-periods",
        help="add the weekly review on Sundays' reports (Monday's batch) and the monthly one "
             "on a month's last day, next to the daily review")] = True,
    share: Annotated[str | None, typer.Option(
        help="'masked': also write reports/<store>/<date>/share/ (money as indices, items "
             "as codes)")] = None,
    log_json: Annotated[Path | None, typer.Option(
        "--log-json", help="append one JSON object per job event to this file")] = None,
) -> None:
    """Morning batch: ingest every store's new exports, run its reports, rewrite the index.

    On a terminal a progress bar with the time left; otherwise (cron) one timestamped line per
    finished ingest or job.
    """
    from storeops.batch import JsonEventLog, run_batch

    day = _day(date_)
    chosen = ([s.strip() for s in stores.split(",") if s.strip()]
              if stores and stores.strip() != "all" else None)
    names = [n.strip() for n in notebooks.split(",") if n.strip()]
    if workers is not None and workers < 1:
        _fail(config.ConfigError("--workers 至少为 1"))
    if retry < 0 or timeout < 1:
        _fail(config.ConfigError("--retry 不能为负，--timeout 至少 1 秒"))
    try:
        for s in chosen or []:
            config.get_store(s)
        if not (chosen or config.list_stores()):
            _fail(config.ConfigError(f"{paths.raw_root()} 下没有店铺：先放入导出文件"))
        if share not in (None, "masked"):
            _fail(config.ConfigError(f"--share 只能是 masked，收到 {share!r}"))
        log = JsonEventLog(log_json) if log_json is not None else None
        try:
            with _batch_display(sys.stderr.isatty()) as (say, bar):
                def events(event: Any) -> None:
                    if log is not None:
                        log(event)
                    bar(event)

                result = run_batch(day, chosen, names, workers=workers, retry=retry,
                                   resume=resume, scheduler=scheduler, timeout=timeout,
                                   notify=notify, periods=periods, share=share,
                                   progress=say, events=events)
        finally:
            if log is not None:
                log.close()
    except OSError as exc:
        _fail(config.ConfigError(f"--log-json 无法写入：{exc}"))
    except StoreopsError as exc:
        _fail(exc)
    marks = {"ok": "✓", "failed": "✗", "skipped": "跳过"}
    stems = list(dict.fromkeys(o.job.output for o in result.outcomes))
    _echo("店铺\t" + "\t".join(stems))
    for store in dict.fromkeys(o.job.store for o in result.outcomes):
        cells = []
        for stem in stems:
            o = next((o for o in result.outcomes
                      if o.job.store == store and o.job.output == stem), None)
            cells.append("—" if o is None else marks[o.state] + (
                f" {o.seconds:.1f}s" if o.state != "skipped" else ""))
        _echo(f"{store}\t" + "\t".join(cells))
    for o in result.failed:
        _echo(f"失败：{o.job.store} {o.job.output} {o.job.day}：{o.error}")
    counts = {k: sum(o.state == k for o in result.outcomes) for k in marks}
    _echo(f"成功 {counts['ok']}，失败 {counts['failed']}，跳过 {counts['skipped']}，"
          f"用时 {result.seconds:.1f} 秒；索引 {paths.index_file()}")
    if result.exit_code:
        raise typer.Exit(result.exit_code)


@contextmanager
def _batch_display(tty: bool) -> Iterator[tuple[Callable[[str], None], Callable[[Any], None]]]:
    """Yield (line printer, event sink) of the batch: a rich progress bar on a terminal.

    On a terminal the lines scroll above a bar per phase (导入, 报告) with done/total, elapsed
    time and the time left; otherwise every line goes to stderr with the Beijing time first,
    the way a cron log reads.
    """
    if not tty:
        def plain(line: str) -> None:
            stamp = datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
            typer.echo(f"{stamp} {line}", err=True)

        yield plain, lambda _event: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        tasks: dict[str, Any] = {}

        def bar(event: Any) -> None:
            if event.event == "plan":
                label = "导入" if event.phase == "ingest" else "报告"
                tasks[event.phase] = progress.add_task(label, total=event.total)
            elif event.event in ("finish", "fail", "skip") and event.phase in tasks:
                progress.advance(tasks[event.phase])

        yield (lambda line: progress.console.print(line, markup=False, highlight=False)), bar


@app.command()
def schedule(
    at: Annotated[str, typer.Option(help="daily time HH:MM (this machine's local time)")
                  ] = "07:30",
    install: Annotated[bool, typer.Option(
        "--install", help="write the line into your crontab (replacing an earlier one)")
                       ] = False,
    systemd: Annotated[bool, typer.Option(
        "--systemd", help="print a systemd user service + timer instead of a crontab line")
                       ] = False,
    log: Annotated[Path | None, typer.Option(
        help="log file; default ~/storeops-batch.log")] = None,
    share: Annotated[str | None, typer.Option(help="pass --share masked to the batch")] = None,
) -> None:
    """Print (or install) the daily crontab line or systemd timer of the morning batch."""
    from storeops import schedule as sched

    if install and systemd:
        _fail(config.ConfigError("--install 只写 crontab；systemd 单元请按打印的说明安装"))
    extra = ("--share", share) if share else ()
    home = paths.home() if paths.home() != paths.REPO else None
    try:
        plan = sched.make_plan(at, paths.REPO, log=log, home=home, extra=extra)
    except StoreopsError as exc:
        _fail(exc)
    if systemd:
        for name, text in sched.systemd_units(plan).items():
            _echo(f"# ~/.config/systemd/user/{name}")
            _echo(text)
        _echo("# 然后：systemctl --user daemon-reload && "
              f"systemctl --user enable --now {sched.UNIT}.timer")
        return
    line = sched.crontab_line(plan)
    if not install:
        _echo(line)
        return
    try:
        sched.install_crontab(line)
    except StoreopsError as exc:
        _fail(exc)
    _echo(f"已写入 crontab（每天 {plan.hour:02d}:{plan.minute:02d}）：")
    _echo(line)


@app.command("share")
def share_cmd(
    store: Annotated[str, typer.Option(help="store id")] = "demo",
    date_: Annotated[str, typer.Option("--date", help="report date, ISO; default yesterday")] = "",
) -> None:
    """Write the masked share copies of a store's reports (money as indices, items as codes)."""
    from storeops.share import build_share

    try:
        config.get_store(store)
        written = build_share(store, _day(date_))
    except StoreopsError as exc:
        _fail(exc)
    for path in written:
        _echo(str(path))


@app.command("audit-reports")
def audit_reports_cmd(
    store: Annotated[str | None, typer.Option(help="only this store's reports")] = None,
) -> None:
    """Scan the HTML reports for phones, ID numbers, addresses, buyer names, external URLs."""
    from storeops.audit import audit_reports

    try:
        if store is not None:
            config.check_store_id(store)
        result = audit_reports(paths.reports_root(), store)
    except StoreopsError as exc:
        _fail(exc)
    total = 0
    for path, findings in result.items():
        for f in findings:
            total += 1
            _echo(f"{path}: {f.describe()}")
    _echo(f"检查 {len(result)} 个报告，发现 {total} 处个人信息或外部引用")
    if total:
        raise typer.Exit(1)


promo_app = typer.Typer(no_args_is_help=True,
                        help="大促日历：登记和查看促销活动（promotions 表）")
app.add_typer(promo_app, name="promo")


def _iso(value: str, flag: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        _fail(config.ConfigError(f"{flag} 应是 ISO 日期（例如 2026-10-24），收到 {value!r}"))
        raise  # unreachable: _fail exits


@promo_app.command("add")
def promo_add(
    name: Annotated[str, typer.Argument(help="promotion name, e.g. 2026双11")],
    start: Annotated[str, typer.Option(help="first day of the main window (ISO)")],
    end: Annotated[str, typer.Option(help="last day of the main window (ISO)")],
    kind: Annotated[str, typer.Option(help="kind, e.g. 双11, 618, 聚划算")] = "",
    preheat: Annotated[str, typer.Option(help="first day of the pre-heat (ISO); default: start")
                       ] = "",
    store: Annotated[str, typer.Option(help="store id")] = "demo",
) -> None:
    """Add or replace a promotion (name, kind, pre-heat, main window) in the store's table."""
    import pandas as pd

    from storeops.timeutil import SHANGHAI

    first, last = _iso(start, "--start"), _iso(end, "--end")
    pre = _iso(preheat, "--preheat") if preheat.strip() else first
    if last < first or pre > first:
        _fail(config.ConfigError(
            f"日期不合理：需要 预热 ≤ 开始 ≤ 结束，收到 {pre}、{first}、{last}"))
    if not name.strip():
        _fail(config.ConfigError("活动名称不能为空"))
    now = datetime.now(SHANGHAI).replace(tzinfo=None)
    row = pd.DataFrame([{
        "shop_id": store, "name": name.strip(), "kind": kind.strip() or None,
        "preheat_start": pre, "start_date": first, "end_date": last,
        "_source_file": "storeops promo add", "_source_row": None, "_loaded_at": now,
        "_file_sha256": None, "_export_key": now.strftime("%Y%m%d%H%M%S"),
    }])
    try:
        config.get_store(store)
        with warehouse.open_store(store, read_only=False) as con:
            con.execute("BEGIN")
            try:
                warehouse.upsert(con, "promotions", row)
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
    except StoreopsError as exc:
        _fail(exc)
    _echo(f"[{store}] 已登记 {name.strip()}：预热 {pre}，正式 {first} ~ {last}")


@promo_app.command("list")
def promo_list(store: Annotated[str, typer.Option(help="store id")] = "demo") -> None:
    """List the store's promotions, newest first."""
    try:
        config.get_store(store)
        with warehouse.open_store(store) as con:
            rows = warehouse.query_rows(con, "camp_promotions")
    except StoreopsError as exc:
        _fail(exc)
    _echo("名称\t类型\t预热开始\t开始\t结束")
    for r in rows:
        _echo("\t".join(["—" if v is None else str(v) for v in (
            r["name"], r["kind"], r["preheat_start"], r["start_date"], r["end_date"])]))


@app.command()
def version() -> None:
    """Print the storeops version and today's date in Asia/Shanghai."""
    from storeops import __version__

    _echo(f"storeops {__version__} ({today().isoformat()})")


if __name__ == "__main__":
    app()
