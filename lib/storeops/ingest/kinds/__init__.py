"""Every export kind, one module per family; ``KINDS`` is the detection order.

Each family module defines its kinds and a ``KINDS`` tuple; add a family here.
"""

from __future__ import annotations

from storeops.ingest.aliases import KindSpec
from storeops.ingest.kinds import ads, erp, manual, orders, service, sycm

KINDS: tuple[KindSpec, ...] = (
    *orders.KINDS, *sycm.KINDS, *ads.KINDS, *service.KINDS, *erp.KINDS, *manual.KINDS,
)
