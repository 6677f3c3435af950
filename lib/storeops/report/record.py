"""Write a notebook's headline figures to ``<notebook>.metrics.json`` next to its HTML.

Tests, the index page and agency roll-ups read these files, so they hold plain JSON:
money as numbers rounded to 0.01, ratios as fractions, missing as null.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from storeops import metrics, paths
from storeops.timeutil import SHANGHAI


def json_figures(figures: dict[str, Any]) -> dict[str, Any]:
    """Convert metric values for JSON (see ``metrics.to_json_value``); keys are kept."""
    out: dict[str, Any] = {}
    for name, value in figures.items():
        if isinstance(value, date):
            out[name] = value.isoformat()
        else:
            out[name] = metrics.to_json_value(name, value)
    return out


def _plain(value: Any) -> Any:
    """JSON for values nested in lists and dicts: Decimal -> number, dates -> ISO text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot record {type(value).__name__} in metrics JSON")


def write_metrics(store: str, day: date, notebook: str, figures: dict[str, Any]) -> Path:
    """Write the figures atomically (temp file, then rename); return the path."""
    target = paths.metrics_file(store, day, notebook)
    target.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "store": store,
        "day": day.isoformat(),
        "notebook": notebook,
        "generated_at": datetime.now(SHANGHAI).isoformat(timespec="seconds"),
        "metrics": json_figures(figures),
    }
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=_plain), "utf-8")
    tmp.replace(target)
    return target
