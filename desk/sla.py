"""The SLA engine: business time and due times, derived from a ticket's event log.

Pure Python (no Django), so it is tested on its own and reused by the periodic checks.

* `BusinessHours` knows when the desk is staffed: several periods a day (09:00–12:00 and
  13:30–18:00 with a lunch break), or around the clock (7×24); on the days the Chinese
  working calendar calls working days, including make-up working days (调休) that fall on
  a weekend, and not on public holidays. Non-working days may have their own periods.
* `evaluate(events, hours, targets, now)` replays the ticket's log — creation, status changes,
  agent replies — and returns a clock for first response, next update and resolution. The
  clocks run only in business time and only while the ticket is active: they pause while the
  ticket waits for the merchant and stop when it is resolved; a re-opened ticket resumes with
  the time it had already used. Because the state is recomputed from the log, editing a
  ticket's priority or re-opening it can never leave a stale due time behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from core.workdays import WorkingCalendar

Period = tuple[dt.time, dt.time]

# Statuses during which no clock runs.
PAUSED = frozenset({"pending_merchant"})
STOPPED = frozenset({"resolved", "closed"})
MAX_DAYS = 800  # the longest search for business time; a calendar with no hours fails loudly


class NoBusinessHours(ValueError):
    pass


@dataclass(frozen=True)
class BusinessHours:
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    workday_periods: tuple[Period, ...] = ((dt.time(9), dt.time(18)),)
    non_workday_periods: tuple[Period, ...] = ()
    always_open: bool = False
    # None means the plain Monday–Friday rule, without public holidays.
    calendar: WorkingCalendar | None = None

    def is_working_day(self, date: dt.date) -> bool:
        if self.calendar is None:
            return date.weekday() < 5
        return self.calendar.is_workday(date)

    def periods_on(self, date: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The open periods of one local day, as aware datetimes."""
        if self.always_open:
            start = dt.datetime.combine(date, dt.time(0), tzinfo=self.timezone)
            return [(start, start + dt.timedelta(days=1))]
        periods = self.workday_periods if self.is_working_day(date) else self.non_workday_periods
        result = []
        for opens, closes in periods:
            start = dt.datetime.combine(date, opens, tzinfo=self.timezone)
            # 00:00 as a closing time means midnight at the end of the day.
            end_date = date + dt.timedelta(days=1) if closes == dt.time(0) else date
            end = dt.datetime.combine(end_date, closes, tzinfo=self.timezone)
            if end > start:
                result.append((start, end))
        return result

    def seconds_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Business seconds in [start, end)."""
        if end <= start:
            return 0.0
        if self.always_open:
            return (end - start).total_seconds()
        total = 0.0
        day = start.astimezone(self.timezone).date()
        last = end.astimezone(self.timezone).date()
        while day <= last:
            for opens, closes in self.periods_on(day):
                lo, hi = max(opens, start), min(closes, end)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += dt.timedelta(days=1)
        return total

    def add(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """The moment when `seconds` of business time have passed after `start`."""
        if self.always_open:
            return start + dt.timedelta(seconds=seconds)
        remaining = max(seconds, 0.0)
        day = start.astimezone(self.timezone).date()
        for _ in range(MAX_DAYS):
            for opens, closes in self.periods_on(day):
                if closes <= start:
                    continue
                lo = max(opens, start)
                available = (closes - lo).total_seconds()
                if remaining <= available:
                    return (lo + dt.timedelta(seconds=remaining)).astimezone(dt.UTC)
                remaining -= available
            day += dt.timedelta(days=1)
        raise NoBusinessHours(f"no business hours within {MAX_DAYS} days of {start.isoformat()}")


@dataclass(frozen=True)
class Event:
    """One line of the ticket log that matters to the clocks.

    kind: "status" (the ticket entered `status`; the first one is the creation) or
    "agent_reply" (a public response from staff: a call, a reply, a visit update).
    """

    at: dt.datetime
    kind: str
    status: str = ""


@dataclass(frozen=True)
class Targets:
    """Business seconds allowed for each clock; 0 disables a clock."""

    first_response: int
    next_update: int
    resolution: int


@dataclass(frozen=True)
class Clock:
    target_seconds: int
    elapsed_seconds: float
    running: bool  # counting right now
    paused: bool  # started, not stopped, but waiting for the merchant
    stopped_at: dt.datetime | None  # met (responded / resolved); None while open
    due_at: dt.datetime | None  # when it breaches (or breached); None while paused or stopped
    breached: bool

    @property
    def remaining_seconds(self) -> float:
        return self.target_seconds - self.elapsed_seconds


@dataclass(frozen=True)
class SLAState:
    first_response: Clock | None
    next_update: Clock | None
    resolution: Clock | None
    status: str

    @property
    def breached(self) -> bool:
        return any(c is not None and c.breached for c in self.clocks)

    @property
    def clocks(self) -> tuple[Clock | None, ...]:
        return (self.first_response, self.next_update, self.resolution)

    @property
    def next_due_at(self) -> dt.datetime | None:
        """The earliest due time of a clock that is still counting (for queue ordering)."""
        dues = [
            c.due_at
            for c in self.clocks
            if c is not None and c.stopped_at is None and c.due_at is not None
        ]
        return min(dues) if dues else None


def active_intervals(
    events: Sequence[Event], now: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Wall-clock intervals during which the ticket was active (neither paused nor resolved)."""
    intervals = []
    status: str | None = None
    since: dt.datetime | None = None
    for event in events:
        if event.kind != "status" or event.at > now:
            continue
        if status is not None and since is not None and _counts(status):
            intervals.append((since, event.at))
        status, since = event.status, event.at
    if status is not None and since is not None and _counts(status):
        intervals.append((since, now))
    return [(s, e) for s, e in intervals if e > s]


def _counts(status: str) -> bool:
    return status not in PAUSED and status not in STOPPED


def _clock(
    intervals: Iterable[tuple[dt.datetime, dt.datetime]],
    start: dt.datetime,
    stop: dt.datetime | None,
    target: int,
    hours: BusinessHours,
    now: dt.datetime,
    currently_active: bool,
) -> Clock:
    elapsed = 0.0
    breach_at: dt.datetime | None = None
    end = stop or now
    for lo, hi in intervals:
        lo, hi = max(lo, start), min(hi, end)
        if hi <= lo:
            continue
        segment = hours.seconds_between(lo, hi)
        if breach_at is None and elapsed + segment > target:
            breach_at = hours.add(lo, target - elapsed)
        elapsed += segment
    running = stop is None and currently_active
    paused = stop is None and not currently_active
    due_at = breach_at
    if due_at is None and running:
        due_at = hours.add(now, target - elapsed)
    if stop is not None and breach_at is None:
        due_at = None
    return Clock(
        target_seconds=target,
        elapsed_seconds=elapsed,
        running=running,
        paused=paused,
        stopped_at=stop,
        due_at=due_at if stop is None or breach_at is not None else None,
        breached=elapsed > target,
    )


def evaluate(
    events: Sequence[Event], hours: BusinessHours, targets: Targets, now: dt.datetime
) -> SLAState:
    events = sorted((e for e in events if e.at <= now), key=lambda e: e.at)
    statuses = [e for e in events if e.kind == "status"]
    if not statuses:
        raise ValueError("the log has no creation event")
    created = statuses[0].at
    status = statuses[-1].status
    active = _counts(status)
    intervals = active_intervals(events, now)
    replies = [e.at for e in events if e.kind == "agent_reply"]
    # The last resolution, if the ticket is resolved now (re-opening makes it count again).
    resolved_at = statuses[-1].at if status in STOPPED else None
    if status in STOPPED:
        # A closed ticket stopped its clocks when it was first resolved in the last run.
        for event in reversed(statuses):
            if event.status not in STOPPED:
                break
            resolved_at = event.at

    first_response = next_update = resolution = None
    if targets.first_response:
        stop = replies[0] if replies else resolved_at
        first_response = _clock(
            intervals, created, stop, targets.first_response, hours, now, active
        )
    if targets.next_update and replies:
        last_reply = replies[-1]
        next_update = _clock(
            intervals, last_reply, resolved_at, targets.next_update, hours, now, active
        )
    if targets.resolution:
        resolution = _clock(intervals, created, resolved_at, targets.resolution, hours, now, active)
    return SLAState(first_response, next_update, resolution, status)


def format_duration(seconds: float) -> str:
    """'2h05m' / '45m' / '3d04h' for timers (language-neutral)."""
    seconds = int(abs(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m"
