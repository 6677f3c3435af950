from __future__ import annotations

from datetime import date

from storeops import calendar


def test_official_holiday():
    assert calendar.holiday_name(date(2026, 10, 1)) == "国庆"
    assert calendar.holiday_name(date(2026, 11, 26)) is None


def test_future_year_is_computed_and_labelled_expected():
    # chinese_calendar has no 2027 schedule; the computed calendar knows 春节 2027-02-06.
    assert calendar.holiday_name(date(2027, 2, 6)) == "春节（预计）"


def test_platform_events():
    assert calendar.special_day(date(2026, 11, 11)) == "双11正式期"
    assert calendar.special_day(date(2026, 10, 25)) == "双11预热期"
    assert calendar.special_day(date(2026, 11, 26)) is None
    assert calendar.same_weekdays_before(date(2026, 11, 26), 2) == [date(2026, 11, 19),
                                                                     date(2026, 11, 12)]


def test_computed_holidays_are_named_in_chinese():
    # 2027: 清明 2027-04-05; the computed calendar also has "(observed)" and joined names
    assert calendar.holiday_name(date(2027, 4, 5)) == "清明（预计）"
    names = {calendar.holiday_name(date(2028, 1, 1) + __import__("datetime").timedelta(d))
             for d in range(366)} - {None}
    assert all(not any(c.isascii() and c.isalpha() for c in n) for n in names), names
