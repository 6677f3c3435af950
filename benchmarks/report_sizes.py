"""Each report's HTML size for the demo store, against DESIGN.md's budget (≤ 2 MB a report).

Builds the demo store in a temporary STOREOPS_HOME (or measures the reports already under
``--home``), runs every report for the demo's last day, writes the index pages and prints one
line per HTML file: its size, how much of it is embedded images and inline CSS, and the share
of the budget it uses. Exits 1 when a report is over the budget or a notebook fails.

Usage (from the repository root)::

    .venv/bin/python benchmarks/report_sizes.py                  # 400-day demo, a few minutes
    .venv/bin/python benchmarks/report_sizes.py --days 60 --daily-orders 60   # quick
    .venv/bin/python benchmarks/report_sizes.py --home /path/to/home          # measure only
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

END = date(2026, 11, 26)
"""Last day of the demo store (fixed, so runs are comparable)."""

BUDGET = 2_000_000
"""Bytes a report may weigh (DESIGN.md, "Performance budgets": Report HTML ≤ 2 MB)."""

REPORTS: tuple[tuple[str, dict[str, str]], ...] = (
    ("daily", {}), ("customers", {}), ("period", {"period": "week"}),
    ("period", {"period": "month"}), ("campaign", {"campaign": "双11"}),
    ("plan", {"year": "2027"}), ("explore", {}),
)
"""Every report, with the parameters that make it for the demo's last day."""

_IMAGES = re.compile(r"<img\b[^>]*?\bsrc=[\"']data:image/[^\"']+", re.I)
_STYLES = re.compile(r"<style\b.*?</style>", re.S | re.I)
_SVG = re.compile(r"<svg\b.*?</svg>", re.S | re.I)


def build(store: str, days: int, daily_orders: float) -> list[str]:
    """Generate and ingest the demo store, run every report; return the failures."""
    from storeops import config, demo, runner
    from storeops.ingest.load import ingest
    from storeops.report.index import write_index

    demo.generate(store, end=END, days=days, daily_orders=daily_orders)
    config.add_store(store, "演示旗舰店", monthly_target=round(daily_orders * 250 * 30 * 1.2, -4))
    ingest(store)
    failures = []
    for notebook, params in REPORTS:
        started = time.perf_counter()
        result = runner.run_notebook(store, notebook, END, params)
        took = time.perf_counter() - started
        label = " ".join([notebook, *params.values()])
        print(f"  ran {label:<16} {'ok' if result.ok else 'FAILED'} in {took:5.1f} s",
              file=sys.stderr)
        if not result.ok:
            failures.append(f"{label}: {result.error}")
    write_index()
    return failures


def measure(html: str) -> dict[str, int]:
    """Bytes of the whole page, its embedded ``<img>`` charts, inline SVG and inline CSS."""
    def size(parts: list[str]) -> int:
        return sum(len(p.encode("utf-8")) for p in parts)

    return {"total": len(html.encode("utf-8")), "images": size(_IMAGES.findall(html)),
            "svg": size(_SVG.findall(html)), "css": size(_STYLES.findall(html)),
            "charts": len(_IMAGES.findall(html)) + len(_SVG.findall(html))}


def table(reports: Path) -> tuple[list[str], int]:
    """Lines of the size table for every HTML under ``reports``, and how many are over."""
    def kb(n: int) -> str:
        return f"{n / 1000:,.0f}"

    lines = [f"{'report':<44} {'KB':>7} {'images':>7} {'svg':>6} {'css':>6} {'charts':>6} "
             f"{'budget':>7}"]
    over = 0
    for path in sorted(reports.rglob("*.html")):
        m = measure(path.read_text("utf-8"))
        share = m["total"] / BUDGET
        over += share > 1
        flag = "  OVER" if share > 1 else ""
        lines.append(f"{path.relative_to(reports).as_posix():<44} {kb(m['total']):>7} "
                     f"{kb(m['images']):>7} {kb(m['svg']):>6} {kb(m['css']):>6} "
                     f"{m['charts']:>6} {share:>6.0%}{flag}")
    lines.append(f"budget: {BUDGET / 1e6:g} MB a report (DESIGN.md); KB = 1000 bytes; "
                 "images = <img> data URIs, css = inline <style> blocks")
    return lines, over


def main(argv: list[str] | None = None) -> int:
    """Build (unless ``--home``), print the table; 1 when over budget or a notebook failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="measure the reports of this home only")
    parser.add_argument("--store", default="demo")
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--daily-orders", type=float, default=120.0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary home")
    args = parser.parse_args(argv)

    failures: list[str] = []
    tmp = None
    if args.home is not None:
        home = args.home
    else:
        tmp = Path(tempfile.mkdtemp(prefix="storeops-sizes-"))
        home = tmp
        os.environ["STOREOPS_HOME"] = str(home)
        print(f"demo store: {args.days} days × {args.daily_orders:g} orders/day",
              file=sys.stderr)
        failures = build(args.store, args.days, args.daily_orders)
    try:
        lines, over = table(home / "reports")
        print("\n".join(lines))
        for failure in failures:
            print(f"FAILED {failure}")
    finally:
        if tmp is not None and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp is not None:
            print(f"kept {tmp}", file=sys.stderr)
    return 1 if over or failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
