"""Every path storeops uses, derived from one home folder.

The home is ``STOREOPS_HOME`` when set (the CLI's ``--home`` sets it, so notebook kernels
started by the runner inherit it), else the repository root this package was installed from.
Nothing else in storeops joins strings into paths, and notebooks never see one.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
"""The source checkout (holds ``notebooks/``); fixed, whatever the home."""

NOTEBOOKS = REPO / "notebooks"


def home() -> Path:
    """Return the storeops home: ``$STOREOPS_HOME`` if set, else the repository root."""
    env = os.environ.get("STOREOPS_HOME")
    return Path(env).expanduser().resolve() if env else REPO


def set_home(path: str | Path) -> Path:
    """Make ``path`` the home for this process and the kernels it starts."""
    resolved = Path(path).expanduser().resolve()
    os.environ["STOREOPS_HOME"] = str(resolved)
    return resolved


def stores_toml() -> Path:
    """Return the store list, ``<home>/stores.toml``."""
    return home() / "stores.toml"


def raw_root() -> Path:
    """Return ``<home>/data/raw``: exports exactly as downloaded, never modified by code."""
    return home() / "data" / "raw"


def raw_dir(store: str) -> Path:
    """Return the folder holding one store's raw exports."""
    return raw_root() / store


def processed_dir(store: str) -> Path:
    """Return the folder of one store's derived data (rebuildable from raw)."""
    return home() / "data" / "processed" / store


def warehouse_file(store: str) -> Path:
    """Return the store's DuckDB warehouse file."""
    return processed_dir(store) / "warehouse.duckdb"


def rejects_dir(store: str) -> Path:
    """Return where refused rows are written, one CSV per source file, with reasons."""
    return processed_dir(store) / "rejects"


def quarantine_dir(store: str) -> Path:
    """Return where files that could not be loaded are recorded, with one sentence each."""
    return processed_dir(store) / "quarantine"


def lock_file(store: str) -> Path:
    """Return the lock file that keeps two ingests from writing one warehouse."""
    return processed_dir(store) / "ingest.lock"


def salt_file(store: str) -> Path:
    """Return the per-store secret used to hash buyer ids (rebuilt with the warehouse)."""
    return processed_dir(store) / "buyer_key.salt"


def reports_root() -> Path:
    """Return ``<home>/reports``."""
    return home() / "reports"


def report_dir(store: str, day: date) -> Path:
    """Return the folder of one store's reports for one day."""
    return reports_root() / store / day.isoformat()


def report_file(store: str, day: date, notebook: str, suffix: str) -> Path:
    """Return ``reports/<store>/<day>/<notebook><suffix>`` (suffix like ``.html``)."""
    return report_dir(store, day) / f"{notebook}{suffix}"


def metrics_file(store: str, day: date, notebook: str) -> Path:
    """Return the headline-figures JSON a notebook records next to its HTML."""
    return report_file(store, day, notebook, ".metrics.json")


def index_file() -> Path:
    """Return ``reports/index.html``, which links every store and day."""
    return reports_root() / "index.html"


def store_index_file(store: str) -> Path:
    """Return ``reports/<store>/index.html``."""
    return reports_root() / store / "index.html"


def notebook_file(name: str) -> Path:
    """Return the source notebook ``notebooks/<name>.ipynb``."""
    return NOTEBOOKS / f"{name}.ipynb"
