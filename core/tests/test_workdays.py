import datetime as dt

from core.workdays import WorkingCalendar


def test_national_day_2025_and_makeup_sunday():
    cal = WorkingCalendar()
    assert not cal.is_workday(dt.date(2025, 10, 1))
    assert not cal.is_workday(dt.date(2025, 10, 8))
    assert cal.is_workday(dt.date(2025, 9, 28))  # Sunday, make-up working day
    assert cal.day(dt.date(2025, 9, 28)).is_makeup_workday
    assert cal.next_workday(dt.date(2025, 9, 30)) == (dt.date(2025, 10, 9), False)


def test_unknown_year_is_estimated_until_overridden():
    cal = WorkingCalendar()
    day = dt.date(2031, 10, 1)  # a Wednesday in a year the package does not know
    assert cal.day(day).estimated and cal.is_workday(day)
    cal = WorkingCalendar({day: (False, "国庆节")})
    info = cal.day(day)
    assert not info.estimated and not info.is_workday and info.holiday_name == "国庆节"
