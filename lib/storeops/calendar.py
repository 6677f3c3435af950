"""Public holidays and the platform's shopping festivals, for any year.

Holidays come from ``chinese_calendar`` where it has the official schedule (it knows the
调休 make-up workdays) and from the ``holidays`` package's China calendar otherwise (lunar
holidays computed for any year); those days are labelled 预计 until the State Council
publishes the year's schedule. Platform events are the usual windows of 年货节, 38节, 618,
99, 双11 and 双12 (pre-heat included); a store's own promotions table refines them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import chinese_calendar
import holidays

_HOLIDAY_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午", "National Day": "国庆",
    "Mid-autumn Festival": "中秋", "Chinese New Year's Eve": "除夕",
    "Chinese New Year (Spring Festival)": "春节", "Labor Day": "劳动节",
    "Mid-Autumn Festival": "中秋", "Tomb-Sweeping Day": "清明",
}


def _zh(name: str) -> str:
    """Chinese name of a holiday from either calendar ("A; B" and "(observed)" handled)."""
    parts = [p.strip().removesuffix(" (observed)") for p in name.split(";")]
    return "·".join(dict.fromkeys(_HOLIDAY_ZH.get(p, p) for p in parts))


@dataclass(frozen=True, slots=True)
class PlatformEvent:
    """A shopping festival's usual window in one year (both ends inclusive)."""

    name: str
    preheat_start: date
    start: date
    end: date


def holiday_name(day: date) -> str | None:
    """
    Return the public holiday on ``day`` in Chinese, or None on a normal day.

    Days from the computed calendar (years chinese_calendar does not know yet) end in
    ``（预计）``.
    """
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        name = _computed_holidays(day.year).get(day)
        if name is None:
            return None
        return f"{_zh(name)}（预计）"
    if not on_holiday or name is None:
        return None
    return _zh(name)


@cache
def _computed_holidays(year: int) -> dict[date, str]:
    return dict(holidays.China(years=year).items())


def platform_events(year: int) -> list[PlatformEvent]:
    """Return the usual platform festival windows of ``year``."""
    d = date
    return [
        PlatformEvent("年货节", d(year, 1, 5), d(year, 1, 10), d(year, 1, 20)),
        PlatformEvent("38节", d(year, 2, 28), d(year, 3, 3), d(year, 3, 8)),
        PlatformEvent("618", d(year, 5, 20), d(year, 5, 31), d(year, 6, 18)),
        PlatformEvent("99大促", d(year, 9, 1), d(year, 9, 5), d(year, 9, 9)),
        PlatformEvent("双11", d(year, 10, 20), d(year, 10, 31), d(year, 11, 11)),
        PlatformEvent("双12", d(year, 12, 5), d(year, 12, 10), d(year, 12, 12)),
    ]


def event_on(day: date) -> PlatformEvent | None:
    """Return the platform festival whose window (pre-heat to end) contains ``day``."""
    for event in platform_events(day.year):
        if event.preheat_start <= day <= event.end:
            return event
    return None


def special_day(day: date) -> str | None:
    """Return why ``day`` is not a normal trading day (festival or holiday), or None."""
    event = event_on(day)
    if event is not None:
        phase = "预热" if day < event.start else "正式"
        return f"{event.name}{phase}期"
    holiday = holiday_name(day)
    if holiday is not None:
        return f"{holiday}假期"
    return None


def same_weekdays_before(day: date, weeks: int) -> list[date]:
    """Return the same weekday in each of the ``weeks`` weeks before ``day``, newest first."""
    return [day - timedelta(days=7 * k) for k in range(1, weeks + 1)]
