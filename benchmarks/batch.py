"""Benchmark the morning batch: 1 worker vs 2 workers on N small demo stores.

Usage (from the repository root)::

    .venv/bin/python benchmarks/batch.py              # 20 stores (DESIGN budget: ≥ 1.7×)
    .venv/bin/python benchmarks/batch.py --stores 6   # quicker

Setup (not timed): N demo stores (30 days, ~15 orders a day) in a temporary home, ingested by a
batch with no notebooks. Then, in the same run, the whole batch (ingest quick check, the daily
review of every store, privacy audit, index) with 1 worker and with 2 workers; the ratio is the
speed-up. Per-notebook overhead = a job's wall time minus the time its cells ran in the kernel
(papermill's per-cell durations), compared with a bare papermill + nbconvert run of a notebook
whose one cell is ``pass``. Finally a projection for 500 stores on 10 machines × 2 workers,
from the job and ingest times measured here and the time to rewrite the index and agency pages
(serial, at the end), with what bounds it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

END = date(2026, 11, 26)


def _cell_seconds(ipynb: Path) -> float:
    nb = json.loads(ipynb.read_text("utf-8"))
    return sum(float(c.get("metadata", {}).get("papermill", {}).get("duration") or 0)
               for c in nb["cells"])


def _bare_notebook_seconds(folder: Path, runs: int = 3) -> float:
    """Best-of time of papermill (Python API) + nbconvert HTML on a one-cell notebook."""
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    src = folder / "empty.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, src)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        pm.execute_notebook(str(src), str(folder / "out.ipynb"), progress_bar=False,
                            kernel_name="python3")
        HTMLExporter().from_filename(str(folder / "out.ipynb"))
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--daily-orders", type=float, default=15.0)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="so-bench-batch-"))
    os.environ["STOREOPS_HOME"] = str(home)
    from storeops import batch, demo

    stores = [f"s{i:03d}" for i in range(args.stores)]
    t0 = time.perf_counter()
    for i, store in enumerate(stores):
        demo.generate(store, end=END, days=args.days, daily_orders=args.daily_orders, seed=i + 1)
    setup = batch.run_batch(END, stores, [], workers=2, notify=False, periods=False)
    if not setup.ok:
        print("setup ingest failed:", {s: i.error for s, i in setup.ingests.items() if not i.ok})
        return 1
    print(f"setup: {len(stores)} stores generated and ingested in "
          f"{time.perf_counter() - t0:.1f} s (2 workers)")

    walls, results = {}, {}
    for workers in (1, 2):
        start = time.perf_counter()
        results[workers] = batch.run_batch(END, stores, workers=workers, notify=False,
                                           periods=False)
        walls[workers] = time.perf_counter() - start
        bad = results[workers].failed
        if bad:  # reported, not fatal: the ratio is still measured on the same work
            print(f"{len(bad)} jobs failed with {workers} worker(s): {bad[0].error}")
        print(f"{workers} worker(s): {walls[workers]:.1f} s for {len(stores)} stores")

    speedup = walls[1] / walls[2]
    print(f"speed-up 2 vs 1 worker: {speedup:.2f}x (budget >= 1.7x: "
          f"{'met' if speedup >= 1.7 else 'MISSED'})")

    one = [o for o in results[1].outcomes if o.state == "ok"]
    job_s = [o.seconds for o in one]
    cells = [_cell_seconds(home / "reports" / o.job.store / END.isoformat()
                           / f"{o.job.notebook}.ipynb") for o in one]
    overhead = statistics.median(j - c for j, c in zip(job_s, cells, strict=True))
    with tempfile.TemporaryDirectory() as folder:
        bare = _bare_notebook_seconds(Path(folder))
    print(f"per job (1 worker): median {statistics.median(job_s):.2f} s, of which cells "
          f"{statistics.median(cells):.2f} s; overhead {overhead:.2f} s vs bare "
          f"papermill+nbconvert {bare:.2f} s = {overhead / bare:.2f}x (budget <= 1.5x)")
    per_store_1 = walls[1] / len(stores)
    print(f"whole batch per store (1 worker, incl. ingest check, audit, index): "
          f"{per_store_1:.2f} s")

    # 500 stores on 10 machines x 2 workers: per-store time measured with 2 workers here
    from storeops.report.index import write_index

    start = time.perf_counter()
    write_index()
    index_s = time.perf_counter() - start
    per_store_2 = walls[2] / len(stores) * 2  # seconds of one worker per store
    slots = 10 * 2
    parallel = 500 * per_store_2 / slots
    index_500 = index_s * 500 / len(stores)  # scan + render grow with the store-days
    projected = parallel + index_500
    print(f"index + agency pages for {len(stores)} stores: {index_s:.2f} s "
          f"(~{index_500:.1f} s for 500, serial at the end)")
    print(f"projection: 500 stores on 10 machines x 2 workers ~ {projected / 60:.1f} min "
          f"= 500 x {per_store_2:.2f} s of one worker / {slots} slots ({parallel / 60:.1f} min) "
          f"+ index {index_500:.0f} s. Bounded by per-worker CPU: each job pays a kernel start "
          f"and an HTML export (~{bare:.1f} s bare) on top of its cells, so the wall time "
          f"falls only with more cores; then by the shared storage (every job reads a "
          f"warehouse and writes ~5 files) and the serial index at the end. Ingest of a day's "
          f"new exports comes first and is spread the same way (one task per store).")
    print(f"home kept at {home}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
