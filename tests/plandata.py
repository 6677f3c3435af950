"""The tiny 3-month store the annual-plan tests know by hand, shared by their modules."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import duckdb


def fill_tiny_store(con: duckdb.DuckDBPyConnection, shop: str = "t") -> None:
    """Insert 92 days of history (2026-08-01 … 10-31) into a fresh warehouse.

    ¥1 000 a day (¥1 500 on Saturdays) in 4 orders of distinct buyers; 200 visitors a day.
    """
    rows, uv = [], []
    d, n = date(2026, 8, 1), 0
    while d <= date(2026, 10, 31):
        amount = Decimal(1500 if d.weekday() == 5 else 1000) / 4
        for k in range(4):
            n += 1
            at = datetime.combine(d, datetime.min.time()) + timedelta(hours=10 + k)
            rows.append((shop, f"o{n}", f"b{n}", amount, at, at))
        uv.append((shop, d, 200))
        d += timedelta(days=1)
    con.executemany("INSERT INTO orders (shop_id, order_id, buyer_key, paid_amount, created_at,"
                    " paid_at) VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.executemany("INSERT INTO shop_daily (shop_id, stat_date, visitors) VALUES (?, ?, ?)", uv)
