"""客服绩效, 退款/售后, 评价 and DSR (DATA_CONTRACT.md §4–§6)."""

from __future__ import annotations

from storeops.ingest.aliases import KindSpec

KINDS: tuple[KindSpec, ...] = ()
