"""Sheets kept by hand: promotions (大促日历) and targets (目标) (DATA_CONTRACT.md §9.14)."""

from __future__ import annotations

from storeops.ingest.aliases import KindSpec

KINDS: tuple[KindSpec, ...] = ()
