"""Index pages: ``reports/index.html``, ``reports/<store>/index.html``, ``reports/agency.html``.

``index.html`` lists every store and day, a store's page its days, and the agency overview
ranks the stores by GMV change and by open anomalies.

Built from what the runner left on disk: ``reports/<store>/<YYYY-MM-DD>/<stem>.status.json``,
``<stem>.html`` and, when the notebook recorded them, ``<stem>.metrics.json`` (headline
figures). Newest day first, one row per store and day, failures marked 失败 with their error.
The pages are self-contained (inline CSS, no script, no external URL), use relative links,
and are readable on a 390 px phone. Every text that came from disk is HTML-escaped.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote

from storeops import config, paths
from storeops.errors import StoreopsError
from storeops.report.tables import MISSING, escape, fmt_change, fmt_int, fmt_money, fmt_pct
from storeops.timeutil import SHANGHAI

logger = logging.getLogger(__name__)

REPORT_LABELS = {
    "daily_review": "日报",
    "period_review_week": "周报",
    "period_review_month": "月报",
    "period_review": "周报/月报",
    "campaign_postmortem": "大促复盘",
    "annual_plan": "年度计划",
    "customers": "客户",
}
"""Short Chinese link text per notebook stem; other stems are shown as they are."""

REPORT_ORDER = list(REPORT_LABELS)

HEADLINES = (
    ("gmv", "支付金额", fmt_money),
    ("gmv_change", "较前日", fmt_change),
    ("net_sales", "净销售额", fmt_money),
    ("paid_orders", "支付订单数", fmt_int),
    ("orders", "订单数", fmt_int),
    ("paid_buyers", "支付买家数", fmt_int),
    ("buyers", "买家数", fmt_int),
    ("conversion_rate", "支付转化率", fmt_pct),
    ("conversion", "转化率", fmt_pct),
)
"""Headline figures looked up in ``<stem>.metrics.json`` (top level or under ``"metrics"``, as
``report.record`` writes them; names from ``storeops.metrics``); the first two present are
shown."""

MAX_HEADLINES = 2
MAX_ERROR_CHARS = 200

SUFFIXES = (".status.json", ".metrics.json", ".failed.ipynb", ".ipynb", ".html")


@dataclass
class Report:
    """One notebook's outputs for one store and day."""

    stem: str
    status: dict | None = None
    """The parsed status.json; None when absent or unreadable."""
    has_status: bool = False
    has_html: bool = False
    metrics: dict | None = None

    @property
    def failed(self) -> bool:
        """True when the last run of this report failed."""
        return bool(self.status) and self.status.get("ok") is False


@dataclass
class StoreDay:
    """Every report of one store on one day."""

    store: str
    day: date
    reports: dict[str, Report] = field(default_factory=dict)


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        logger.warning("index: cannot read %s (%s)", path, exc)
        return None
    return data if isinstance(data, dict) else None


def _split(name: str) -> tuple[str, str] | None:
    """Return (stem, suffix) of a report file name, None for anything else."""
    if name.startswith(".") or name == "index.html" or name.endswith(".withheld.html"):
        return None  # a page the privacy audit held back is never linked
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return None


def scan(root: Path | None = None) -> list[StoreDay]:
    """
    Collect every store and day that has a report, a status or metrics.

    Parameters
    ----------
    root : Path, optional
        The reports folder; ``paths.reports_root()`` by default.

    Returns
    -------
    list of StoreDay
        Newest day first, then by store id.
    """
    root = root if root is not None else paths.reports_root()
    found: list[StoreDay] = []
    if not root.is_dir():
        return found
    for store_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if not config.STORE_ID.match(store_dir.name):
            continue
        for day_dir in store_dir.iterdir():
            try:
                day = date.fromisoformat(day_dir.name)
            except ValueError:
                continue
            if not day_dir.is_dir() or len(day_dir.name) != 10:
                continue
            entry = StoreDay(store_dir.name, day)
            for file in day_dir.iterdir():
                split = _split(file.name)
                if split is None:
                    continue
                stem, suffix = split
                report = entry.reports.setdefault(stem, Report(stem))
                if suffix == ".status.json":
                    report.has_status = True
                    report.status = _read_json(file)
                elif suffix == ".metrics.json":
                    report.metrics = _read_json(file)
                elif suffix == ".html":
                    report.has_html = True
            # A notebook that never produced a status nor an HTML (only an .ipynb) is not listed.
            entry.reports = {k: v for k, v in entry.reports.items() if v.has_status or v.has_html}
            if entry.reports:
                found.append(entry)
    found.sort(key=lambda e: e.store)
    found.sort(key=lambda e: e.day, reverse=True)
    return found


def store_name(store: str) -> str:
    """Return the store's display name from stores.toml, or its id."""
    try:
        return config.get_store(store).name
    except StoreopsError:
        return store


def _href(*parts: str) -> str:
    return escape("/".join(quote(p) for p in parts))


def _headline(metrics: dict | None) -> list[str]:
    if not metrics:
        return []
    figures = dict(metrics)
    nested = figures.get("metrics")
    if isinstance(nested, dict):
        figures = {**nested, **figures}
    shown = []
    for key, label, fmt in HEADLINES:
        value = figures.get(key)
        if isinstance(value, dict):
            value = value.get("value")
        if value is None or isinstance(value, bool | list | dict):
            continue
        try:
            text = fmt(value)
        except (ValueError, TypeError, ArithmeticError):
            continue
        if text == MISSING:
            continue
        shown.append(f"{escape(label)} <b>{escape(text)}</b>")
        if len(shown) == MAX_HEADLINES:
            break
    return shown + _week_and_anomalies(figures)


def _week_and_anomalies(figures: dict) -> list[str]:
    """Return the daily review's change against last week's same day and its open anomalies."""
    out = []
    gmv, change = _decimal(figures.get("gmv")), _decimal(figures.get("gmv_vs_last_week"))
    if change is not None:
        base = None if gmv is None else gmv - change
        pct = f"（{float(change / base):+.1%}）".replace("-", "−") if base and base > 0 else ""
        sign = "▲" if change > 0 else "▼" if change < 0 else ""
        css = ' class="down"' if change < 0 else ""
        out.append(f"较上周同日 <b{css}>{sign}{escape(fmt_money(abs(change)))}"
                   f"{escape(pct)}</b>")
    found = figures.get("anomalies")
    if isinstance(found, list):
        open_ = [a for a in found if isinstance(a, dict) and not a.get("muted_reason")]
        css = ' class="down"' if open_ else ""
        out.append(f"异常 <b{css}>{len(open_)} 项</b>")
    return out


def _sorted_reports(entry: StoreDay) -> list[Report]:
    def key(report: Report) -> tuple[int, str]:
        known = report.stem in REPORT_ORDER
        rank = REPORT_ORDER.index(report.stem) if known else len(REPORT_ORDER)
        return rank, report.stem

    return sorted(entry.reports.values(), key=key)


def _report_cell(entry: StoreDay, *, prefix: tuple[str, ...]) -> str:
    """Links (relative, under ``prefix``) and failure notes of one store-day."""
    items = []
    for report in _sorted_reports(entry):
        label = escape(REPORT_LABELS.get(report.stem, report.stem))
        link = _href(*prefix, entry.day.isoformat(), f"{report.stem}.html")
        if report.failed:
            error = str(report.status.get("error") or "未知错误")
            if len(error) > MAX_ERROR_CHARS:
                error = error[: MAX_ERROR_CHARS - 1] + "…"
            old = f' <a href="{link}">上次成功的版本</a>' if report.has_html else ""
            items.append(
                f'<li class="fail"><span class="badge">失败</span> {label}{old}'
                f'<div class="err">{escape(error)}</div></li>'
            )
        elif report.has_html:
            items.append(f'<li><a href="{link}">{label}</a></li>')
        elif report.status is None:
            items.append(f'<li>{label} <span class="muted">（状态文件无法读取）</span></li>')
        else:
            items.append(f'<li>{label} <span class="muted">（缺少 HTML）</span></li>')
    return f'<ul class="reports">{"".join(items)}</ul>'


def _figures_cell(entry: StoreDay) -> str:
    for report in _sorted_reports(entry):
        shown = _headline(report.metrics)
        if shown:
            return "<br>".join(shown)
    return f'<span class="muted">{MISSING}</span>'


CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{max-width:980px;margin:auto;padding:12px 10px 32px;color:#1f2328;background:#fff;
font:15px/1.6 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei",
"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","Helvetica Neue",Arial,sans-serif;
overflow-wrap:break-word}
h1{font-size:1.4em;margin:.2em 0 .1em}
h2{font-size:1.1em;margin:1.4em 0 .4em;padding-bottom:.2em;border-bottom:1px solid #d0d7de}
.meta,.muted{color:#656d76;font-size:.9em}
a{color:#0b5cad;text-decoration:none}
a:hover,a:focus{text-decoration:underline}
.wrap{overflow-x:auto;max-width:100%;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #e3e6ea}
th{background:#f4f6f8;font-weight:600;white-space:nowrap}
td.figs{white-space:nowrap}
th.num,td.num{text-align:right;white-space:nowrap}
.down{color:#cf222e}
table.agency td:first-child{min-width:7em}
table.agency td.anom{text-align:right;font-weight:600}
table.agency td.anom .muted{font-weight:400;font-size:.8em;min-width:4em}
.day{white-space:nowrap}
ul.reports{list-style:none;margin:0;padding:0}
ul.reports li{margin:0 0 .25em}
ul.reports li:not(.fail){display:inline-block;margin-right:.8em}
.badge{display:inline-block;padding:0 .4em;border-radius:3px;background:#cf222e;color:#fff;
font-size:.85em;font-weight:600}
.err{color:#9a1c1c;font-size:.85em;word-break:break-word}
@media (max-width:480px){body{font-size:14px;padding:8px 6px 24px}
th,td{padding:5px 5px}td.figs{white-space:normal}}
@media print{body{max-width:none;padding:0}a{color:#000}
.badge{background:none;color:#000;border:1px solid #000}tr{break-inside:avoid}}
"""


def _page(title: str, body: str) -> str:
    now = datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n"
        f'<p class="meta">更新于 {escape(now)}（北京时间）</p>\n'
        f"{body}\n</body>\n</html>\n"
    )


def _day_table(rows: list[str], first_header: str) -> str:
    return (
        '<div class="wrap"><table><thead><tr>'
        f"<th>{escape(first_header)}</th><th>报告</th><th>要点</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def render_index(entries: list[StoreDay]) -> str:
    """Return ``reports/index.html``: days newest first, a row per store with its reports."""
    if not entries:
        return _page("门店报告", '<p class="muted">还没有报告。</p>')
    names = {e.store: store_name(e.store) for e in entries}
    sections = []
    for day in sorted({e.day for e in entries}, reverse=True):
        rows = []
        for entry in (e for e in entries if e.day == day):
            store_link = _href(entry.store, "index.html")
            rows.append(
                f'<tr><td><a href="{store_link}">{escape(names[entry.store])}</a></td>'
                f"<td>{_report_cell(entry, prefix=(entry.store,))}</td>"
                f'<td class="figs">{_figures_cell(entry)}</td></tr>'
            )
        failed = sum(r.failed for e in entries if e.day == day for r in e.reports.values())
        note = f' <span class="badge">{failed} 个失败</span>' if failed else ""
        sections.append(f"<h2>{escape(day.isoformat())}{note}</h2>{_day_table(rows, '店铺')}")
    agency = '<p><a href="agency.html">代运营总览：店铺按支付金额变化与异常排名 →</a></p>'
    return _page("门店报告", agency + "\n".join(sections))


# --- the agency overview -----------------------------------------------------------------------


@dataclass
class StoreSummary:
    """One store's row of the agency overview: its latest daily review and latest failures."""

    store: str
    name: str
    last_day: date
    """The newest day with any report of the store."""
    daily_day: date | None = None
    """The day of the daily review the figures come from (None: no daily metrics)."""
    gmv: Decimal | None = None
    """支付金额 (元)."""
    change: Decimal | None = None
    """支付金额 − the same weekday last week (元)."""
    change_pct: float | None = None
    """``change`` ÷ last week's 支付金额; None when last week had none."""
    anomalies: int | None = None
    """Open anomalies (not muted by a campaign day) of that daily review."""
    anomaly_labels: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    """(report label, error) of the reports that failed on ``last_day``."""


def _decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool | list | dict):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def _daily_figures(report: Report | None) -> dict | None:
    if report is None or not report.metrics:
        return None
    figures = report.metrics.get("metrics")
    return figures if isinstance(figures, dict) else report.metrics


def summarize(entries: list[StoreDay]) -> list[StoreSummary]:
    """
    Summarise every store for the agency overview, in store order.

    The figures come from the newest ``daily_review.metrics.json`` of each store: ``gmv``,
    ``gmv_vs_last_week`` (元) and ``anomalies`` (a list; muted ones are not counted as open).
    Failures are those of the store's newest day.
    """
    rows = []
    for store in sorted({e.store for e in entries}):
        mine = [e for e in entries if e.store == store]  # newest first
        row = StoreSummary(store, store_name(store), mine[0].day)
        for report in _sorted_reports(mine[0]):
            if report.failed:
                error = str(report.status.get("error") or "未知错误")
                row.failures.append((REPORT_LABELS.get(report.stem, report.stem), error))
        for entry in mine:
            figures = _daily_figures(entry.reports.get("daily_review"))
            if figures is None:
                continue
            row.daily_day = entry.day
            row.gmv = _decimal(figures.get("gmv"))
            row.change = _decimal(figures.get("gmv_vs_last_week"))
            if row.gmv is not None and row.change is not None and row.gmv - row.change > 0:
                row.change_pct = float(row.change / (row.gmv - row.change))
            found = figures.get("anomalies")
            if isinstance(found, list):
                open_ = [a for a in found if isinstance(a, dict) and not a.get("muted_reason")]
                row.anomalies = len(open_)
                row.anomaly_labels = [_metric_label(a.get("metric")) for a in open_]
            break
        rows.append(row)
    return rows


def _metric_label(name: object) -> str:
    from storeops.metrics import METRICS

    metric = METRICS.get(str(name))
    return metric.label if metric is not None else str(name)


def _agency_row(row: StoreSummary, newest: date) -> str:
    link = _href(row.store, "index.html")
    notes = []
    if row.daily_day is None:
        notes.append('<div class="muted">没有日报数据</div>')
    else:
        stale = "（未更新）" if row.daily_day < newest else ""
        daily = _href(row.store, row.daily_day.isoformat(), "daily_review.html")
        notes.append(f'<div class="muted day"><a href="{daily}">日报 '
                     f"{escape(row.daily_day.isoformat())}</a>{stale}</div>")
    for label, error in row.failures:
        if len(error) > MAX_ERROR_CHARS:
            error = error[: MAX_ERROR_CHARS - 1] + "…"
        notes.append(f'<div class="err"><span class="badge">失败</span> {escape(label)} '
                     f"{escape(row.last_day.isoformat())}：{escape(error)}</div>")
    change = MISSING
    if row.change is not None:
        sign = "+" if row.change >= 0 else "−"
        change = escape(f"{sign}{fmt_money(abs(row.change))}")
        if row.change_pct is not None:
            change += f"<br>{escape(fmt_change(row.change_pct))}"
    css = ' class="down"' if row.change is not None and row.change < 0 else ""
    count = MISSING if row.anomalies is None else str(row.anomalies)
    labels = "、".join(row.anomaly_labels)
    anomalies = escape(count) + (f'<div class="muted">{escape(labels)}</div>' if labels else "")
    return (f'<tr><td><a href="{link}">{escape(row.name)}</a>{"".join(notes)}</td>'
            f'<td class="num">{escape(fmt_money(row.gmv))}</td>'
            f'<td class="num"><span{css}>{change}</span></td>'
            f'<td class="anom">{anomalies}</td></tr>')


def _agency_table(rows: list[StoreSummary], newest: date) -> str:
    body = "".join(_agency_row(r, newest) for r in rows)
    return ('<div class="wrap"><table class="agency"><thead><tr><th>店铺</th>'
            '<th class="num">支付金额</th><th class="num">较上周同日</th>'
            f'<th class="num">异常</th></tr></thead><tbody>{body}</tbody></table></div>')


def render_agency(entries: list[StoreDay]) -> str:
    """
    Return ``reports/agency.html``: every store ranked by GMV change and by open anomalies.

    First table: 支付金额 change vs the same weekday last week, largest fall first (stores
    without the figure last). Second: open anomalies, most first. Failures of a store's newest
    day are shown in red under its name; a store whose daily review is older than the newest
    day of any store is marked 未更新.
    """
    if not entries:
        return _page("代运营总览", '<p class="muted">还没有报告。</p>')
    rows = summarize(entries)
    newest = max(e.day for e in entries)
    failed = sum(bool(r.failures) for r in rows)
    by_change = sorted(rows, key=lambda r: (r.change_pct is None and r.change is None,
                                            r.change_pct if r.change_pct is not None
                                            else float(r.change or 0), r.store))
    by_anomalies = sorted(rows, key=lambda r: (r.anomalies is None, -(r.anomalies or 0),
                                               r.change_pct if r.change_pct is not None else 0.0,
                                               r.store))
    total = sum((r.gmv for r in rows if r.gmv is not None and r.daily_day == newest), Decimal(0))
    summary = (f'<p>{len(rows)} 家店铺；最新日期 {escape(newest.isoformat())}，'
               f"当日支付金额合计 <b>{escape(fmt_money(total))}</b>"
               + (f'；<span class="badge">{failed} 家有失败</span>' if failed else "")
               + '。<a href="index.html">全部报告 →</a></p>')
    body = (summary
            + "<h2>按支付金额变化排序（较上周同日，降幅最大在前）</h2>"
            + _agency_table(by_change, newest)
            + "<h2>按未处理异常排序（最多在前）</h2>"
            + _agency_table(by_anomalies, newest))
    return _page("代运营总览", body)


def render_store_index(store: str, entries: list[StoreDay]) -> str:
    """Return ``reports/<store>/index.html``: one row per day, newest first."""
    name = store_name(store)
    rows = [
        f"<tr><td>{escape(e.day.isoformat())}</td>"
        f"<td>{_report_cell(e, prefix=())}</td>"
        f'<td class="figs">{_figures_cell(e)}</td></tr>'
        for e in entries
        if e.store == store
    ]
    back = '<p><a href="../index.html">← 全部店铺</a></p>'
    body = back + (_day_table(rows, "日期") if rows else '<p class="muted">还没有报告。</p>')
    return _page(f"{name} · 报告", body)


def agency_file() -> Path:
    """Return ``reports/agency.html``, next to the index."""
    return paths.index_file().with_name("agency.html")


def _atomic_write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)  # atomic rename (os.replace)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_index() -> Path:
    """
    Write the index, the agency overview and every store's page, atomically.

    ``reports/index.html``, ``reports/agency.html``, ``reports/<store>/index.html``.

    Returns
    -------
    Path
        ``reports/index.html``.
    """
    entries = scan()
    for store in sorted({e.store for e in entries}):
        _atomic_write(paths.store_index_file(store), render_store_index(store, entries))
    _atomic_write(agency_file(), render_agency(entries))
    index = _atomic_write(paths.index_file(), render_index(entries))
    logger.info("index: %d store-days -> %s", len(entries), index)
    return index
