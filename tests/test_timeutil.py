from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from storeops import timeutil
from storeops.errors import ConfigError


def test_yesterday_is_a_shanghai_date():
    now = datetime.now(timeutil.SHANGHAI).date()
    assert timeutil.resolve_day("") == now - timedelta(days=1)
    assert timeutil.resolve_day("yesterday") == now - timedelta(days=1)
    assert timeutil.resolve_day(None) == now - timedelta(days=1)


def test_iso_and_date():
    assert timeutil.resolve_day("2026-11-26") == date(2026, 11, 26)
    assert timeutil.resolve_day(date(2026, 1, 2)) == date(2026, 1, 2)


@pytest.mark.parametrize("bad", ["2026-13-01", "26/11/2026", "tomorrow-ish"])
def test_bad_dates_say_how_to_write_them(bad):
    with pytest.raises(ConfigError, match="YYYY-MM-DD"):
        timeutil.resolve_day(bad)
