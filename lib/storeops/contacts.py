"""Buyers' contact data for the recall lists: clear for the private CSV, masked for reports.

``buyer_contacts`` is the only warehouse table holding names and phones (DATA_CONTRACT.md §11):
one row per buyer key, from the buyer's latest paid order in the newest order export. The
clear rows (:func:`contacts`) go only to ``reports/<store>/<date>/private/``; the shared HTML
shows :func:`masked` rows (``张**``, ``138****1234``, province and city).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import duckdb
import pandas as pd

from storeops import warehouse
from storeops.errors import WarehouseError
from storeops.report.tables import masked_name, masked_phone

logger = logging.getLogger(__name__)

COLUMNS = ["buyer_key", "buyer_nick", "receiver_name", "receiver_phone", "receiver_province",
           "receiver_city", "last_order_id", "last_paid_at"]
"""Columns of :func:`contacts`, in order."""

MASKED_COLUMNS = ["buyer_key", "buyer_nick", "receiver_name", "receiver_phone", "region",
                  "last_paid_at"]
"""Columns of :func:`masked`, in order."""


def contacts(con: duckdb.DuckDBPyConnection, buyer_keys: Iterable[str]) -> pd.DataFrame:
    """
    Return the clear contact rows of some buyers, for the private recall CSV only.

    Parameters
    ----------
    con : DuckDBPyConnection
        The store's warehouse.
    buyer_keys : iterable of str
        Buyer keys (``orders.buyer_key``); repeats and missing values are ignored.

    Returns
    -------
    DataFrame
        ``COLUMNS``, one row per key that has contact data, in the order of ``buyer_keys``:
        ``buyer_nick`` (买家会员名; empty when the buyer is known by name and phone only),
        ``receiver_name`` (收货人姓名), ``receiver_phone`` (联系手机, digits),
        ``receiver_province`` / ``receiver_city``, ``last_order_id`` and ``last_paid_at``
        (naive Asia/Shanghai) of the order they come from. Keys without contact data (exports
        masked at source) are left out; an empty frame when there are none.
    """
    keys = list(dict.fromkeys(str(k) for k in buyer_keys if isinstance(k, str) and k))
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    if not keys:
        return empty
    try:
        warehouse.table_columns(con, "buyer_contacts")
    except WarehouseError:
        logger.info("no buyer_contacts table yet: ingest once to create it")
        return empty
    rows = warehouse.query_df(con, "contacts_by_key", keys=keys)
    order = {k: i for i, k in enumerate(keys)}
    return (rows.assign(_order=rows["buyer_key"].map(order))
            .sort_values("_order", kind="stable")
            .drop(columns="_order")
            .reset_index(drop=True)[COLUMNS])


def masked(con: duckdb.DuckDBPyConnection, buyer_keys: Iterable[str]) -> pd.DataFrame:
    """
    Return the contact rows of some buyers masked for a shared report (§11).

    Returns
    -------
    DataFrame
        ``MASKED_COLUMNS``: ``buyer_key``, ``buyer_nick`` (first character + ``**`` + last:
        ``t**1``), ``receiver_name`` (surname + ``**``: ``张**``), ``receiver_phone``
        (``138****1234``), ``region`` (``浙江 杭州市``, province and city only) and
        ``last_paid_at``; ``""`` where the clear value is missing. Same rows and order as
        :func:`contacts`.
    """
    clear = contacts(con, buyer_keys)
    region = [" ".join(str(v) for v in (p, c) if isinstance(v, str) and v)
              for p, c in zip(clear["receiver_province"], clear["receiver_city"], strict=True)]
    return pd.DataFrame({
        "buyer_key": clear["buyer_key"],
        "buyer_nick": [masked_name(v) for v in clear["buyer_nick"]],
        "receiver_name": [masked_name(v, receiver=True) for v in clear["receiver_name"]],
        "receiver_phone": [masked_phone(v) for v in clear["receiver_phone"]],
        "region": region,
        "last_paid_at": clear["last_paid_at"],
    }, columns=MASKED_COLUMNS)
