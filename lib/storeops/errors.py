"""Errors storeops raises on purpose: each says what is wrong and what to do.

Only the CLI turns a ``StoreopsError`` into one line and exit code 1.
"""

from __future__ import annotations


class StoreopsError(Exception):
    """Base class of every error storeops raises on purpose."""


class ConfigError(StoreopsError):
    """stores.toml or a parameter is missing or malformed."""


class UnknownStoreError(ConfigError):
    """The store id is neither in stores.toml nor a folder under data/raw."""


class IngestError(StoreopsError):
    """A raw export could not be loaded; the file is quarantined, the warehouse unchanged."""


class UnknownExportError(IngestError):
    """The file's header matches no known export kind."""


class FileFormatError(IngestError):
    """The file cannot be decoded or parsed (encoding, truncated workbook, bad CSV)."""


class MissingColumnsError(IngestError):
    """The export lacks a key column its table needs."""


class BadValueError(IngestError):
    """A value cannot be trusted (e.g. an order number mangled into scientific notation)."""


class WarehouseError(StoreopsError):
    """The store's DuckDB warehouse cannot be opened or written."""


class WarehouseBusyError(WarehouseError):
    """Another process holds the store's warehouse for writing."""


class NoDataError(StoreopsError):
    """The warehouse has no data for what was asked."""


class RunError(StoreopsError):
    """A notebook run failed; the executed notebook is kept for debugging."""
