"""``storeops`` — one verb per job. ``--home`` (or STOREOPS_HOME) picks the folder to work in."""

from __future__ import annotations

import csv
import json
import logging
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from storeops import config, metrics, paths, warehouse
from storeops.errors import StoreopsError
from storeops.timeutil import resolve_day, today

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
) -> None:
    """Execute one notebook for one store and day, and write its HTML report."""
    from storeops import runner
    from storeops.report.index import write_index

    params = {}
    for item in param or []:
        if "=" not in item:
            _fail(config.ConfigError(f"--param 应写成 名称=值，收到 {item!r}"))
        k, v = item.split("=", 1)
        params[k] = v
    try:
        config.get_store(store)
        result = runner.run_notebook(store, notebook, _day(date_), params)
    except StoreopsError as exc:
        _fail(exc)
    write_index()
    if not result.ok:
        typer.echo(f"失败：{store} {result.notebook} {result.day}：{result.error}（执行过的 "
                   f"notebook 保存在 {result.ipynb.with_suffix('.failed.ipynb')}）", err=True)
        raise typer.Exit(1)
    _echo(str(result.html))


@app.command()
def batch(
    date_: Annotated[str, typer.Option("--date", help="report date, ISO or 'yesterday'")] = "",
    stores: Annotated[str | None,
                      typer.Option(help="comma-separated store ids; default all")] = None,
) -> None:
    """Morning batch: ingest every store's new exports, run its reports, rewrite the index."""
    from storeops.batch import run_batch

    day = _day(date_)
    chosen = [s.strip() for s in stores.split(",") if s.strip()] if stores else None
    try:
        for s in chosen or []:
            config.get_store(s)
        result = run_batch(day, chosen)
    except StoreopsError as exc:
        _fail(exc)
    for store, err in result.ingest_errors.items():
        typer.echo(f"[{store}] 导入失败：{err}", err=True)
    for r in result.runs:
        mark = "成功" if r.ok else f"失败：{r.error}"
        _echo(f"[{r.store}] {r.notebook} {r.day}：{mark}（{r.seconds:.1f} 秒）")
    _echo(str(paths.index_file()))
    if not result.ok:
        raise typer.Exit(1)


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


@app.command()
def version() -> None:
    """Print the storeops version and today's date in Asia/Shanghai."""
    from storeops import __version__

    _echo(f"storeops {__version__} ({today().isoformat()})")


if __name__ == "__main__":
    app()
