"""Reading the raw order exports by hand, for tests that check figures independently.

Deliberately plain pandas on the files as downloaded, not storeops' readers or cleaners.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd


def orders_by_hand(raw: Path) -> pd.DataFrame:
    """Every order of a store's GB18030 ExportOrderList files, the newest export winning.

    Headers are stripped of their trailing spaces and order numbers of their ``="…"``;
    every cell stays text.
    """
    frames = []
    for f in sorted((raw / "订单报表").glob("ExportOrderList*.csv")):
        stamp = re.search(r"(\d{12})", f.name).group(1)
        frame = pd.read_csv(f, encoding="gb18030", dtype=str, keep_default_na=False)
        frames.append(frame.assign(_stamp=stamp))
    orders = pd.concat(frames).sort_values("_stamp", kind="stable")
    orders.columns = [c.strip() for c in orders.columns]
    orders["订单编号"] = orders["订单编号"].str.strip('="')
    return orders.drop_duplicates("订单编号", keep="last").reset_index(drop=True)
