"""ERP inventory (聚水潭 / 旺店通 / 管家婆) and competitor snapshots (DATA_CONTRACT.md §7–§8)."""

from __future__ import annotations

from storeops.ingest.aliases import KindSpec

KINDS: tuple[KindSpec, ...] = ()
