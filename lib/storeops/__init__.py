"""storeops: Tmall/Taobao store exports -> DuckDB warehouse -> parameterized notebook reports.

Ad-hoc questions, one line each (in JupyterLab: ``make lab``, kernel "storeops")::

    import storeops
    shop = storeops.open("demo")                     # one store, read-only
    shop.tables()                                    # tables, rows, first/last day, gaps
    shop.metric("gmv", "2026-11-01", "2026-11-26")   # 支付金额, as the reports compute it
    shop.metric("gmv", "2026-11-01", "2026-11-26", by="item")     # or day, week, month,
                                                     # province, source, channel, agent
    shop.daily("gmv", "2026-11-01", "2026-11-26", by="item", key="<item title>")
    shop.sql("SELECT ... FROM orders WHERE paid_at >= $d", d="2026-11-01")  # DuckDB, read-only
    shop.plot(shop.metric("conversion_rate", "2026-09-01", "2026-11-26", by="week"))
    # 新客占比 by week and province, last 8 weeks (one row per week × province)
    shop.metric("new_buyer_share", "2026-09-28", "2026-11-22", by=["week", "province"])
    # items that lost search traffic since their price change (biggest fall first)
    shop.compare_items("search_visitors", shop.price_changes("2026-10-13", "2026-11-26"))

Where to look next:

- ``storeops.metrics`` — every metric: ``METRICS[name].label`` / ``.unit`` / ``.formula``.
- ``storeops.session`` — the ``Store`` object above (``help(storeops.session.Store)``).
- ``storeops.explore`` — the widget panel of ``notebooks/explore.ipynb``.
- ``storeops.config.list_stores()`` — the stores in this home (``STOREOPS_HOME``).
- ``storeops.paths`` — where everything lives; ``storeops.warehouse`` — the per-store DuckDB.
- ``storeops.report`` — show / format / record helpers the report notebooks call.

Money is ``Decimal`` yuan; ratios are fractions (0.0352 = 3.52 %); a missing figure is
None / NA, never 0. The warehouse is opened read-only and only between calls, so a kernel
never blocks the morning ``storeops ingest`` (DuckDB: readers only while nobody writes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storeops.session import Store

__version__ = "0.1.0"

__all__ = ["__version__", "open"]


def open(store: str) -> Store:
    """
    Open a store for ad-hoc questions: ``shop = storeops.open("demo")``.

    See :func:`storeops.session.open` (imported on first use, so ``import storeops`` stays
    light for the CLI and the batch).
    """
    from storeops import session

    return session.open(store)


def __getattr__(name: str) -> Any:
    if name in ("session", "explore"):
        import importlib

        return importlib.import_module(f"storeops.{name}")
    raise AttributeError(f"module 'storeops' has no attribute {name!r}")
