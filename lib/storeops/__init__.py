"""storeops: Tmall/Taobao store exports -> DuckDB warehouse -> parameterized notebook reports.

Start with ``storeops.paths`` (where everything lives), ``storeops.metrics`` (what every
figure means) and ``storeops.warehouse`` (the per-store DuckDB).
"""

__version__ = "0.1.0"
