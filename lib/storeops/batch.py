"""The morning batch: ingest every store's new exports, then run its reports, then the index.

One failing store or report never stops the others; failures are marked in the index and
in the return value (the CLI turns them into a non-zero exit code).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from storeops import config, runner
from storeops.errors import StoreopsError
from storeops.ingest.load import FileResult, ingest
from storeops.report.index import write_index

logger = logging.getLogger(__name__)

DEFAULT_NOTEBOOKS = ("daily",)


@dataclass(slots=True)
class BatchResult:
    """What a batch did: per-store ingest results and report runs."""

    ingested: dict[str, list[FileResult]] = field(default_factory=dict)
    ingest_errors: dict[str, str] = field(default_factory=dict)
    runs: list[runner.RunResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every store ingested and every report succeeded."""
        return not self.ingest_errors and all(r.ok for r in self.runs)


def run_batch(
    day: date, stores: list[str] | None = None, notebooks: tuple[str, ...] = DEFAULT_NOTEBOOKS
) -> BatchResult:
    """
    Ingest and report every store (or the given ones) for ``day``, then rewrite the index.

    Ingest of all stores finishes (and closes the warehouses) before any report opens one
    read-only: DuckDB allows one writer, and readers only while nobody writes.
    """
    result = BatchResult()
    chosen = stores or config.list_stores()
    for store in chosen:
        try:
            result.ingested[store] = ingest(store)
        except StoreopsError as exc:
            result.ingest_errors[store] = str(exc)
            logger.error("ingest of %s failed: %s", store, exc)
    for store in chosen:
        for notebook in notebooks:
            result.runs.append(runner.run_notebook(store, notebook, day))
    write_index()
    return result
