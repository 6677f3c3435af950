"""The customers report's speed budget (DESIGN.md "Performance budgets"), as a same-run ratio.

A synthetic store with ``--buyers`` buyers and ``--orders`` paid orders over two years (one
order line each, 200 items, about 3 % refunded in full) is written with SQL straight into the
warehouse of a temporary STOREOPS_HOME, and the same rows to plain UTF-8 CSVs once. Then:

- **ours**: every library call the customers notebook makes (identity, lifecycle, RFM,
  复购率, 新客90天复购 with its by-item split, days to the second order, cohorts, new vs
  returning with its items, recall lists) on a fresh read-only connection, so the per-buyer
  temp tables they share are built inside the timed run; budget < 20 s at 2 M buyers /
  10 M orders;
- **pandas**: plain pandas reading the CSVs and computing lifecycle, RFM, 复购率, 新客90天复购,
  days to the second order and cohorts (the same definitions, money in integer fen); budget
  ≥ 10× slower than ours, measured in this run. Ours does more work than pandas here (the
  item splits, the recall lists), so the ratio is conservative; a second line times ours on
  the pandas subset alone (a fresh connection again), the like-for-like ratio.

Both sides check they got the same answer. Nothing is asserted: read the printed lines.

    .venv/bin/python benchmarks/customers.py [--buyers 2000000] [--orders 10000000] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

END = date(2026, 11, 26)
STORE = "bench"
ITEMS = 200
perf = time.perf_counter


def build(home: Path, buyers: int, orders: int) -> tuple[Path, Path]:
    """Write the synthetic orders into the warehouse and the same rows to two CSVs."""
    from storeops import warehouse

    con = warehouse.connect(STORE, read_only=False)
    con.execute("SELECT setseed(0.42)")
    con.execute(
        """
        CREATE TEMP TABLE gen AS
        SELECT
            i,
            CASE WHEN i < $buyers THEN i
                 ELSE floor($buyers * pow(random(), 2))::BIGINT END AS b,
            TIMESTAMP '2024-11-27 00:00:00'
                + to_microseconds((random() * 730 * 86400e6)::BIGINT) AS paid_at,
            (20 + floor(random() * 40000) / 100)::DECIMAL(18, 2) AS paid_amount,
            random() < 0.03 AS refunded,
            (hash(i) % $items)::INTEGER AS item
        FROM range($orders) AS r(i)
        """,
        {"buyers": buyers, "orders": orders, "items": ITEMS},
    )
    con.execute(
        """
        INSERT INTO orders (shop_id, order_id, buyer_key, paid_amount, refund_amount,
                            status, created_at, paid_at)
        SELECT $store, (2704000000000000000 + i)::VARCHAR, md5(b::VARCHAR), paid_amount,
               CASE WHEN refunded THEN paid_amount END,
               CASE WHEN refunded THEN 'closed' ELSE 'completed' END,
               paid_at - INTERVAL 3 MINUTE, paid_at
        FROM gen
        """,
        {"store": STORE},
    )
    con.execute(
        """
        INSERT INTO order_items (shop_id, sub_order_id, order_id, line_no, title, unit_price,
                                 qty, paid_amount)
        SELECT $store, (2704000000000000000 + i)::VARCHAR || '#1',
               (2704000000000000000 + i)::VARCHAR, 1, '商品' || item, paid_amount, 1,
               paid_amount
        FROM gen
        """,
        {"store": STORE},
    )
    orders_csv, items_csv = home / "orders.csv", home / "order_items.csv"
    con.execute(
        f"""
        COPY (SELECT (2704000000000000000 + i)::VARCHAR AS order_id, md5(b::VARCHAR) AS buyer,
                     strftime(paid_at, '%Y-%m-%d %H:%M:%S') AS paid_at, paid_amount,
                     CASE WHEN refunded THEN paid_amount END AS refund_amount
              FROM gen) TO '{orders_csv}' (HEADER)
        """  # noqa: S608 - a temp path written by this script, not user input
    )
    con.execute(
        f"""
        COPY (SELECT (2704000000000000000 + i)::VARCHAR AS order_id, '商品' || item AS title,
                     paid_amount
              FROM gen) TO '{items_csv}' (HEADER)
        """  # noqa: S608
    )
    con.execute("DROP TABLE gen")
    con.execute("CHECKPOINT")
    con.close()
    return orders_csv, items_csv


def ours_subset(day: date) -> None:
    """The calls that compute what plain_pandas computes, on a fresh read-only connection."""
    from storeops import warehouse
    from storeops.analysis import customers as cust

    con = warehouse.connect(STORE, read_only=True)
    cust.identity(con, day)
    cust.lifecycle(con, day)
    cust.rfm(con, day)
    cust.repurchase(con, day)
    cust.first_repurchase(con, day)
    cust.second_order_gap(con, day)
    cust.cohorts(con, day, months=12, horizon=6)
    con.close()


def ours(day: date, seconds: dict[str, float] | None = None) -> dict:
    """Every customers call of the notebook, on a fresh read-only connection."""
    from storeops import warehouse
    from storeops.analysis import customers as cust

    took = {} if seconds is None else seconds

    def timed(name: str, call: Callable[[], Any]) -> Any:
        t0 = perf()
        out = call()
        took[name] = perf() - t0
        return out

    con = warehouse.connect(STORE, read_only=True)
    ident = timed("identity", lambda: cust.identity(con, day))
    life = timed("lifecycle", lambda: cust.lifecycle(con, day))
    segs = timed("rfm", lambda: cust.rfm(con, day))
    rep = timed("repurchase", lambda: cust.repurchase(con, day))
    calls = timed("recall", lambda: cust.recall(con, day))
    first = timed("first_repurchase", lambda: cust.first_repurchase(con, day))
    gap = timed("second_order_gap", lambda: cust.second_order_gap(con, day))
    cohorts = timed("cohorts", lambda: cust.cohorts(con, day, months=12, horizon=6))
    mix = timed("new_vs_returning", lambda: cust.new_vs_returning(con, day, months=12))
    con.close()
    return {
        "buyers": ident.buyers, "states": life.now, "segments": segs.counts(),
        "repurchase": (rep.buyers, rep.repeat_buyers),
        "first90": (first.buyers, first.repeat_buyers), "gap_median": gap.quantiles["median"],
        "gap_buyers": gap.buyers,
        "cohort_sizes": [int(x) for x in cohorts["new_buyers"]],
        "recall": calls.counts(), "months": len(mix.months),
    }


def _score(values: pd.Series, ascending: bool) -> pd.Series:
    """1 + floor(5 k / n), k = buyers strictly worse (rank 'min' - 1)."""
    k = values.rank(method="min", ascending=ascending) - 1
    return 1 + np.floor(5 * k / len(values)).astype(int)


def plain_pandas(orders_csv: Path, day: date) -> dict:
    """Lifecycle, RFM, 复购率, 新客90天复购, days to second order, cohorts from the CSVs."""
    o = pd.read_csv(orders_csv, dtype={"order_id": str, "buyer": str},
                    parse_dates=["paid_at"])
    # money in integer fen (分): sums of yuan floats would break ties between equal totals
    o = o.assign(paid_amount=(o["paid_amount"] * 100).round().astype("int64"),
                 refund_amount=(o["refund_amount"] * 100).round().astype("Int64"))
    end = pd.Timestamp(day + timedelta(days=1))
    keyed_buyers = int(o.loc[o["paid_at"] < end, "buyer"].nunique())
    o = o[(o["paid_at"] < end) & ~(o["refund_amount"].fillna(0) >= o["paid_amount"])]
    o = o.assign(paid_day=o["paid_at"].dt.normalize())
    ts_day = pd.Timestamp(day)
    by = o.groupby("buyer")
    last = by["paid_day"].max()
    since = (ts_day - last).dt.days
    states = {"active": int((since <= 30).sum()),
              "sleeping": int(((since > 30) & (since <= 50)).sum()),
              "lost": int((since > 50).sum())}
    window = o[o["paid_day"] > ts_day - pd.Timedelta(days=365)]
    w = window.groupby("buyer").agg(last=("paid_day", "max"), f=("order_id", "size"),
                                    m=("paid_amount", "sum"))
    recency = (ts_day - w["last"]).dt.days
    r_hi = _score(-recency, True) >= 3
    f_hi = _score(w["f"], True) >= 3
    m_hi = _score(w["m"], True) >= 3
    names = {(True, True, True): "重要价值", (False, True, True): "重要唤回",
             (True, False, True): "重要深耕", (False, False, True): "重要挽留",
             (True, True, False): "一般价值", (False, True, False): "一般唤回",
             (True, False, False): "一般深耕", (False, False, False): "一般挽留"}
    seg = pd.Series([names[k] for k in zip(r_hi, f_hi, m_hi, strict=True)])
    segments = {n: int((seg == n).sum()) for n in names.values()}
    repurchase = (len(w), int((w["f"] >= 2).sum()))
    ordered = o.sort_values(["buyer", "paid_at"])
    nth = ordered.groupby("buyer").cumcount()
    first = ordered[nth == 0].set_index("buyer")["paid_day"]
    second = ordered[nth == 1].set_index("buyer")["paid_day"]
    gap_days = (second - first.reindex(second.index)).dt.days
    lo, hi = ts_day - pd.Timedelta(days=180), ts_day - pd.Timedelta(days=90)
    cohort = first[(first >= lo) & (first <= hi)]
    g = gap_days.reindex(cohort.index)
    first90 = (len(cohort), int((g <= 90).sum()))
    recent = gap_days[first.reindex(gap_days.index) >= ts_day - pd.Timedelta(days=364)]
    gap_sorted = np.sort(recent.to_numpy())
    gap_median = int(gap_sorted[int(np.ceil(0.5 * len(gap_sorted))) - 1])
    first_month = first.dt.to_period("M")
    start = pd.Period(day, "M") - 11
    sizes = first_month[first_month >= start].value_counts().sort_index()
    month = o["paid_day"].dt.to_period("M")
    joined = pd.DataFrame({"buyer": o["buyer"], "month": month})
    joined = joined.assign(cohort=joined["buyer"].map(first_month))
    joined = joined[joined["cohort"] >= start]
    joined.groupby(["cohort", "month"])["buyer"].nunique()  # retention cells
    return {
        "buyers": keyed_buyers, "states": states, "segments": segments,
        "repurchase": repurchase, "first90": first90, "gap_median": gap_median,
        "gap_buyers": len(gap_sorted), "cohort_sizes": [int(x) for x in sizes],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=2_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary home")
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="storeops-bench-customers-"))
    os.environ["STOREOPS_HOME"] = str(home)
    try:
        t0 = perf()
        orders_csv, _items = build(home, args.buyers, args.orders)
        print(f"build: {args.buyers:,} buyers, {args.orders:,} orders in "
              f"{perf() - t0:.1f} s (warehouse + CSVs)")
        ours(END)  # warm the file cache once
        load = os.getloadavg()
        seconds: dict[str, float] = {}
        t0 = perf()
        got = ours(END, seconds)
        t_ours = perf() - t0
        t0 = perf()
        ours_subset(END)
        t_subset = perf() - t0
        t0 = perf()
        want = plain_pandas(orders_csv, END)
        t_pandas = perf() - t0
        same = {k: got[k] == want[k] for k in want}
        print(f"load average before the timed runs: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
              f" ({os.cpu_count()} CPUs), after: "
              + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        print(f"ours   (all customers calls): {t_ours:6.2f} s  "
              f"budget < 20 s: {'ok' if t_ours < 20 else 'MISSED'}")
        print("       " + ", ".join(f"{k} {v:.2f}" for k, v in seconds.items()))
        print(f"pandas (CSV, subset)        : {t_pandas:6.2f} s")
        ratio = t_pandas / t_ours
        print(f"ratio pandas / ours         : {ratio:6.1f}x  "
              f"budget >= 10x: {'ok' if ratio >= 10 else 'MISSED'}")
        print(f"ours on the pandas subset   : {t_subset:6.2f} s  "
              f"ratio {t_pandas / t_subset:.1f}x (like for like)")
        print(f"same answers: {all(same.values())} {same}")
        print(f"ours: {got}")
        return 0 if all(same.values()) else 1
    finally:
        if args.keep:
            print(f"kept {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
