"""Chinese working days: public holidays and make-up working days (调休).

One calendar for the whole product: settlement dates (T+1 …), SLA business hours, quiet days
for outreach. It asks `chinesecalendar` (the State Council's published schedule), lets
operators override single dates, and for years the package does not know it falls back to
Monday–Friday and says the answer is *estimated*.

Pure Python, no Django: callers pass the overrides in (the CalendarOverride model provides
them through `core.calendar.working_calendar()`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import chinese_calendar

# Chinese names for the holidays chinesecalendar names in English.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_workday: bool
    holiday_name: str | None  # English name from chinesecalendar or the override's name
    estimated: bool  # True when the year is unknown to the calendar and no override applies
    source: str  # "override", "calendar" or "weekday-rule"

    @property
    def is_makeup_workday(self) -> bool:
        return self.is_workday and self.date.weekday() >= 5


@dataclass
class WorkingCalendar:
    """Overrides map a date to True (working day) or False (holiday), with an optional name."""

    overrides: Mapping[dt.date, tuple[bool, str]] = field(default_factory=dict)

    def day(self, date: dt.date) -> DayInfo:
        if date in self.overrides:
            is_workday, name = self.overrides[date]
            return DayInfo(
                date, is_workday, None if is_workday else name or None, False, "override"
            )
        try:
            is_holiday, name = chinese_calendar.get_holiday_detail(date)
        except NotImplementedError:
            weekday = date.weekday() < 5
            return DayInfo(date, weekday, None, True, "weekday-rule")
        return DayInfo(date, not is_holiday, name if is_holiday else None, False, "calendar")

    def is_workday(self, date: dt.date) -> bool:
        return self.day(date).is_workday

    def next_workday(self, date: dt.date, *, include_self: bool = False) -> tuple[dt.date, bool]:
        """The first working day on/after `date`; the flag says whether any day consulted
        was estimated."""
        estimated = False
        current = date if include_self else date + dt.timedelta(days=1)
        for _ in range(60):  # the longest Chinese holiday block is 8–9 days
            info = self.day(current)
            estimated = estimated or info.estimated
            if info.is_workday:
                return current, estimated
            current += dt.timedelta(days=1)
        raise ValueError(f"no working day within 60 days of {date}")

    def holidays_between(self, start: dt.date, end: dt.date) -> list[DayInfo]:
        """Non-working days in [start, end] that are holidays (not plain weekends)."""
        days = []
        current = start
        while current <= end:
            info = self.day(current)
            if not info.is_workday and info.holiday_name:
                days.append(info)
            current += dt.timedelta(days=1)
        return days


def holiday_name_zh(name: str | None) -> str | None:
    if name is None:
        return None
    return HOLIDAY_NAMES_ZH.get(name, name)
