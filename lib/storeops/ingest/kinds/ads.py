"""广告报表：直通车 / 万相台 / 引力魔方 / 淘宝客 (DATA_CONTRACT.md §3)."""

from __future__ import annotations

from storeops.ingest.aliases import KindSpec

KINDS: tuple[KindSpec, ...] = ()
