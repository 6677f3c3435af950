"""Dates in the stores' time zone (Asia/Shanghai); "yesterday" is a Shanghai date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from storeops.errors import ConfigError

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Return today's date in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()


def resolve_day(value: str | date | None) -> date:
    """
    Turn a report-date parameter into a date.

    Parameters
    ----------
    value : str, date or None
        ISO date (``2026-11-26``), ``"yesterday"``, ``"today"``, or ``""``/None for yesterday.

    Returns
    -------
    date
        The day, in Asia/Shanghai.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = (value or "").strip().lower()
    if text in ("", "yesterday"):
        return today() - timedelta(days=1)
    if text == "today":
        return today()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(
            f"日期 '{value}' 无法识别：请用 YYYY-MM-DD（如 2026-11-26）或 yesterday"
        ) from exc
