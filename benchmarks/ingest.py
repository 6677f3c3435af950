"""Ingest throughput on a big Generation A order export, against a plain pandas read.

Usage (from the repository root)::

    .venv/bin/python benchmarks/ingest.py                  # 1 000 000 rows
    .venv/bin/python benchmarks/ingest.py --rows 100000    # quicker
    .venv/bin/python benchmarks/ingest.py --profile        # also cProfile the ingest

It writes a GB18030 ``ExportOrderList<stamp>.csv`` with the full 61-column header of
DATA_CONTRACT.md §1.1 (values built with numpy, with the real quirks: ``="…"`` order
numbers, ``'`` phones, ``元`` suffixes, trailing spaces in headers), then in one run times

* the baseline: ``pandas.read_csv(path, encoding="gb18030", dtype=str)``, no cleaning;
* ``storeops.ingest.load.ingest`` in a child process (a fresh STOREOPS_HOME), whose peak
  RSS is read with ``resource.getrusage(RUSAGE_CHILDREN)``;
* a second ingest of the same file in that child (a no-op: sha256 already in the manifest).

Targets (DESIGN.md): ≥ 1 000 000 rows/min, peak RSS < 2 GB, re-ingest < 1 % of the first.
Nothing is asserted; figures are printed (and the profile's top functions with --profile).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd

from storeops.demo import ORDER_COLUMNS

HEADER = list(ORDER_COLUMNS)  # the 61-column ExportOrderList header (trailing spaces are real)

PROVINCES = np.array(["浙江省 杭州市 西湖区", "江苏省 南京市 建邺区", "广东省 深圳市 南山区",
                      "上海 上海市 浦东新区", "北京 北京市 朝阳区", "四川省 成都市 武侯区"])
STATUSES = np.array(["交易成功", "买家已付款，等待卖家发货", "卖家已发货，等待买家确认",
                     "交易关闭", "等待买家付款"])
TITLES = np.array(["羊毛衫 女 秋冬加厚", "纯棉T恤 男 短袖", "羽绒服 女 中长款",
                   "保温杯 316不锈钢 500ml", "运动鞋 男 透气"])
CARRIERS = np.array(["顺丰速运", "中通快递", "圆通速递", "韵达快递"])


def _money(fen: np.ndarray) -> np.ndarray:
    """Fen integers -> ``"123.45"`` strings (vectorized)."""
    yuan, cents = np.divmod(fen, 100)
    return np.char.add(np.char.add(yuan.astype(str), "."), np.char.zfill(cents.astype(str), 2))


def make_orders(n: int, seed: int = 7) -> pd.DataFrame:
    """Return ``n`` Gen A order rows (all text) under the 61-column header."""
    rng = np.random.default_rng(seed)
    ids = (2_345_678_901_234_000_000 + np.arange(n, dtype=np.int64)).astype(str)
    created = (np.datetime64("2026-08-01T00:00:00")
               + rng.integers(0, 86_400 * 30, n).astype("timedelta64[s]"))
    paid_at = created + rng.integers(10, 3_600, n).astype("timedelta64[s]")
    goods = rng.integers(1_000, 200_000, n)
    post = np.where(rng.random(n) < 0.8, 0, 1_000)
    paid = goods + post - rng.integers(0, 500, n)
    status = STATUSES[rng.integers(0, len(STATUSES), n)]
    empty = np.full(n, "", dtype=object)
    cols: dict[str, np.ndarray] = {h: empty for h in HEADER}
    cols.update({
        "订单编号": np.char.add(np.char.add('="', ids), '"'),
        "买家会员名": np.char.add("tb_buyer_", (rng.integers(0, n // 3 + 1, n)).astype(str)),
        "买家支付宝账号": np.char.add(rng.integers(130, 190, n).astype(str), "****1234"),
        "支付单号": np.char.add("'2026080122001", ids),
        "买家应付货款": _money(goods), "买家应付邮费": _money(post),
        "买家支付积分": np.full(n, "0"), "总金额": _money(goods + post),
        "返点积分": np.full(n, "0"), "买家实际支付金额": _money(paid),
        "买家实际支付积分": np.full(n, "0"), "订单状态": status,
        "收货人姓名": np.full(n, "张三"),
        "收货地址 ": np.char.add(PROVINCES[rng.integers(0, len(PROVINCES), n)], " 某某路1号"),
        "运送方式": np.full(n, "快递"), "联系手机": np.full(n, "'13812345678"),
        "订单创建时间": np.datetime_as_string(created).astype(str),
        "订单付款时间 ": np.datetime_as_string(paid_at).astype(str),
        "宝贝标题 ": TITLES[rng.integers(0, len(TITLES), n)],
        "宝贝种类 ": rng.integers(1, 4, n).astype(str),
        "物流单号 ": np.char.add("SF", rng.integers(10**11, 10**12, n).astype(str)),
        "物流公司": CARRIERS[rng.integers(0, len(CARRIERS), n)],
        "宝贝总数量": rng.integers(1, 6, n).astype(str), "店铺Id": np.full(n, "123456789"),
        "店铺名称": np.full(n, "演示旗舰店"),
        "订单关闭原因": np.where(status == "交易关闭", "买家不想买了", "订单未关闭"),
        "是否手机订单": np.where(rng.random(n) < 0.9, "手机订单", ""),
        "退款金额": np.full(n, "0.00"),
        "打款商家金额": np.char.add(_money(np.where(status == "交易成功", paid, 0)), "元"),
    })
    for c in ("订单创建时间", "订单付款时间 "):
        cols[c] = np.char.replace(cols[c], "T", " ")
    return pd.DataFrame(cols, columns=HEADER)


def write_export(path: Path, n: int) -> None:
    """Write the export in chunks (GB18030, CRLF, header row 1)."""
    chunk = 200_000
    with path.open("wb") as out:
        out.write((",".join(HEADER) + "\r\n").encode("gb18030"))
        for start in range(0, n, chunk):
            frame = make_orders(min(chunk, n - start), seed=start)
            frame["订单编号"] = (2_345_678_901_234_000_000 + start
                              + np.arange(len(frame), dtype=np.int64)).astype(str)
            frame["订单编号"] = '="' + frame["订单编号"] + '"'
            text = frame.to_csv(header=False, index=False, lineterminator="\r\n")
            out.write(text.encode("gb18030"))


CHILD = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from storeops.ingest import load
    path, profile = Path(sys.argv[1]), sys.argv[2] == "1"
    if profile:
        import cProfile, pstats, io
        prof = cProfile.Profile()
        prof.enable()
    t0 = time.perf_counter()
    (first,) = load.ingest("bench", [path])
    t1 = time.perf_counter()
    if profile:
        prof.disable()
    (second,) = load.ingest("bench", [path])
    t2 = time.perf_counter()
    out = {"first": t1 - t0, "second": t2 - t1, "status": first.status,
           "rows": first.rows_kept, "refused": first.rows_refused,
           "message": first.message, "again": second.status}
    if profile:
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(20)
        out["profile"] = buf.getvalue()
    print(json.dumps(out))
""")


def main() -> None:
    """Generate, time baseline and ingest, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="storeops-bench-") as tmp:
        home = Path(tmp)
        (home / "data/raw/bench").mkdir(parents=True)
        path = home / "data/raw/bench/ExportOrderList202608311200.csv"
        t0 = time.perf_counter()
        write_export(path, args.rows)
        gen = time.perf_counter() - t0
        size = path.stat().st_size
        print(f"generated {args.rows:,} rows, {size / 2**20:,.0f} MiB in {gen:.1f} s")

        t0 = time.perf_counter()
        base = pd.read_csv(path, encoding="gb18030", dtype=str)
        baseline = time.perf_counter() - t0
        if len(base) != args.rows:
            sys.exit(f"baseline read {len(base):,} rows, expected {args.rows:,}")
        del base

        env = {**os.environ, "STOREOPS_HOME": str(home)}
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        proc = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", CHILD, str(path), "1" if args.profile else "0"],
            env=env, capture_output=True, text=True, check=False)
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if proc.returncode != 0:
            sys.exit(f"ingest child failed:\n{proc.stderr}")
        got = json.loads(proc.stdout.strip().splitlines()[-1])

    rate = args.rows / got["first"] * 60
    base_rate = args.rows / baseline * 60
    print(f"ingest:   {got['status']} {got['rows']:,} rows ({got['refused']:,} refused) "
          f"in {got['first']:.1f} s = {rate:,.0f} rows/min  (target ≥ 1,000,000)")
    print(f"baseline: pandas.read_csv(gb18030, dtype=str) {baseline:.1f} s "
          f"= {base_rate:,.0f} rows/min")
    print(f"ratio:    ingest takes {got['first'] / baseline:.1f}× the baseline read")
    print(f"peak RSS: {max(peak_kib, before) / 2**20:.2f} GiB of the ingest child "
          "(target < 2 GB)")
    print(f"re-ingest: {got['again']} in {got['second']:.2f} s = "
          f"{100 * got['second'] / got['first']:.2f} % of the first (target < 1 %)")
    if got.get("message"):
        print(f"message: {got['message']}")
    if args.profile:
        print(got["profile"])


if __name__ == "__main__":
    main()
