"""Every export kind, one module per family; ``KINDS`` is the detection order."""

from __future__ import annotations

from storeops.ingest.aliases import KindSpec
from storeops.ingest.kinds.orders import ORDER_ITEMS, ORDERS
from storeops.ingest.kinds.sycm import SHOP_DAILY

KINDS: tuple[KindSpec, ...] = (ORDERS, ORDER_ITEMS, SHOP_DAILY)
