"""When a merchant may be contacted: quiet hours and non-working days in the merchant's zone.

Pure Python (no Django). Public holidays and make-up working days come from
`core.workdays.WorkingCalendar` (chinesecalendar plus the operators' overrides); this module
only remembers the answers per date, because the policy asks the same few dates millions of
times.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from core.workdays import WorkingCalendar, holiday_name_zh
from outreach.vocabulary import INTRUSIVE


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class DayBook:
    """A WorkingCalendar with a memory: date -> (is_workday, holiday name or None)."""

    __slots__ = ("calendar", "_days")

    def __init__(self, calendar: WorkingCalendar | None = None) -> None:
        self.calendar = calendar or WorkingCalendar()
        self._days: dict[dt.date, tuple[bool, str | None]] = {}

    def day(self, date: dt.date) -> tuple[bool, str | None]:
        known = self._days.get(date)
        if known is None:
            info = self.calendar.day(date)
            known = (info.is_workday, info.holiday_name)
            self._days[date] = known
        return known


def in_quiet_hours(local: dt.time, start: dt.time, end: dt.time) -> bool:
    """Quiet hours [start, end) in local time; a band may cross midnight; start == end means
    the merchant has no quiet hours."""
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_end_after(local: dt.datetime, start: dt.time, end: dt.time) -> dt.datetime:
    """The first moment after `local` (which is inside quiet hours) when quiet hours end."""
    day = local.date()
    if start > end and local.time() >= start:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=local.tzinfo)


QuietNote = tuple[str, dict[str, str]]


def next_allowed(
    ts: float,
    channel: str,
    tz: str,
    quiet_start: dt.time,
    quiet_end: dt.time,
    days: DayBook,
) -> tuple[float, list[QuietNote]]:
    """The first moment at or after `ts` (epoch seconds) when `channel` may reach the merchant,
    with notes saying what pushed it back: quiet hours (any channel) and non-working days
    (SMS and calls only: a message in the portal or an e-mail waits silently)."""
    notes: list[QuietNote] = []
    tzinfo = zone(tz)
    intrusive = channel in INTRUSIVE
    for _ in range(40):  # quiet nights plus the longest holiday block fit easily
        local = dt.datetime.fromtimestamp(ts, tzinfo)
        if in_quiet_hours(local.time(), quiet_start, quiet_end):
            if not notes or notes[-1][0] != "quiet_hours":
                notes.append(
                    (
                        "quiet_hours",
                        {"start": f"{quiet_start:%H:%M}", "end": f"{quiet_end:%H:%M}", "tz": tz},
                    )
                )
            ts = quiet_end_after(local, quiet_start, quiet_end).timestamp()
            continue
        if intrusive:
            is_workday, holiday = days.day(local.date())
            if not is_workday:
                if not any(code in ("holiday", "rest_day") for code, _ in notes):
                    if holiday:
                        notes.append(
                            (
                                "holiday",
                                {
                                    "date": local.date().isoformat(),
                                    "name_zh": holiday_name_zh(holiday) or holiday,
                                    "name_en": holiday,
                                },
                            )
                        )
                    else:
                        notes.append(("rest_day", {"date": local.date().isoformat()}))
                next_day = local.date() + dt.timedelta(days=1)
                ts = dt.datetime.combine(next_day, dt.time(0, 0), tzinfo=tzinfo).timestamp()
                continue
        return ts, notes
    raise ValueError("no allowed contact time within 40 steps")  # pragma: no cover


def is_forbidden(
    ts: float, channel: str, tz: str, quiet_start: dt.time, quiet_end: dt.time, days: DayBook
) -> bool:
    """True when contacting on `channel` at `ts` would break quiet hours or a rest day."""
    local = dt.datetime.fromtimestamp(ts, zone(tz))
    if in_quiet_hours(local.time(), quiet_start, quiet_end):
        return True
    return channel in INTRUSIVE and not days.day(local.date())[0]


def local_label(ts: float, tz: str) -> str:
    """'11-24 09:00' in the merchant's zone, for reasons people read."""
    return dt.datetime.fromtimestamp(ts, zone(tz)).strftime("%m-%d %H:%M")
