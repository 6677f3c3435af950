"""The daily review's speed budgets (DESIGN.md "Performance budgets"), as same-run ratios.

1. Metrics of a day from the warehouse against pandas re-reading the raw order CSVs
   (``metrics_day``; DESIGN's size is 10 M order lines: ``--rows 10000000``, several
   minutes and about 4 GB of CSV on disk).
2. The whole daily review (papermill + nbconvert) against a bare empty notebook plus the
   library's own work (``notebook_overhead``).

This is ``benchmarks/run.py --only metrics_day --only notebook_overhead``; see its README
for what each ratio means. Nothing here is asserted: read the printed table.

    .venv/bin/python benchmarks/daily.py [--rows N] [--quick]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

if __name__ == "__main__":
    raise SystemExit(run.main(["--only", "metrics_day", "--only", "notebook_overhead",
                               *sys.argv[1:]]))
