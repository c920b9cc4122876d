"""The SLA engine on its own (no database): business hours, holidays, pauses, re-opening."""

import datetime as dt
from zoneinfo import ZoneInfo

from core.workdays import WorkingCalendar
from desk import sla

TZ = ZoneInfo("Asia/Shanghai")
OFFICE = sla.BusinessHours(
    timezone=TZ,
    workday_periods=((dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(18))),
    calendar=WorkingCalendar(),
)
HOUR = 3600


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


def log(*entries: tuple) -> list[sla.Event]:
    return [sla.Event(when, kind, status) for when, kind, status in entries]


def test_lunch_break_is_not_business_time():
    assert OFFICE.seconds_between(at(2025, 6, 10, 11), at(2025, 6, 10, 14)) == 1.5 * HOUR
    # Two hours from 11:00 on a Tuesday: one before lunch, the other after 13:30.
    assert OFFICE.add(at(2025, 6, 10, 11), 2 * HOUR) == at(2025, 6, 10, 14, 30)


def test_friday_evening_ticket_is_due_monday():
    created = at(2025, 6, 13, 19, 30)  # Friday, after closing
    events = log((created, "status", "new"))
    state = sla.evaluate(events, OFFICE, sla.Targets(4 * HOUR, 0, 8 * HOUR), created)
    # Monday 09:00–12:00 is three hours, the fourth ends at 14:30.
    assert state.first_response.due_at == at(2025, 6, 16, 14, 30)
    # Eight business hours: Monday is 7.5, so Tuesday 09:30.
    assert state.resolution.due_at == at(2025, 6, 17, 9, 30)
    # Nothing has elapsed over the weekend.
    sunday = at(2025, 6, 15, 12)
    later = sla.evaluate(events, OFFICE, sla.Targets(4 * HOUR, 0, 8 * HOUR), sunday)
    assert later.first_response.elapsed_seconds == 0
    assert not later.breached


def test_national_day_2025_holiday_and_makeup_sunday():
    # Saturday 27 September 2025: a weekend day; Sunday 28 September is a make-up working day.
    created = at(2025, 9, 27, 10)
    events = log((created, "status", "new"))
    state = sla.evaluate(events, OFFICE, sla.Targets(2 * HOUR, 0, 0), created)
    assert state.first_response.due_at == at(2025, 9, 28, 11)
    # Tuesday 30 September 17:00, eight hours: one hour that day, then 1–8 October is the
    # National Day + Mid-autumn holiday; work resumes Thursday 9 October.
    created = at(2025, 9, 30, 17)
    events = log((created, "status", "new"))
    state = sla.evaluate(events, OFFICE, sla.Targets(0, 0, 8 * HOUR), created)
    assert state.resolution.due_at == at(2025, 10, 9, 17, 30)
    # Halfway through the holiday the clock has used only the hour on the 30th.
    middle = sla.evaluate(events, OFFICE, sla.Targets(0, 0, 8 * HOUR), at(2025, 10, 4, 12))
    assert middle.resolution.elapsed_seconds == HOUR
    # Saturday 11 October is a make-up working day too.
    assert OFFICE.is_working_day(dt.date(2025, 10, 11))
    assert not OFFICE.is_working_day(dt.date(2025, 10, 8))


def test_clock_pauses_while_pending_merchant():
    created = at(2025, 6, 10, 9)
    events = log(
        (created, "status", "new"),
        (at(2025, 6, 10, 9, 30), "agent_reply", ""),
        (at(2025, 6, 10, 10), "status", "pending_merchant"),
        (at(2025, 6, 11, 10), "status", "open"),  # merchant answered a day later
    )
    targets = sla.Targets(HOUR, 0, 4 * HOUR)
    waiting = sla.evaluate(events, OFFICE, targets, at(2025, 6, 10, 16))
    assert waiting.resolution.paused and waiting.resolution.due_at is None
    assert waiting.resolution.elapsed_seconds == HOUR
    assert waiting.first_response.stopped_at == at(2025, 6, 10, 9, 30)
    resumed = sla.evaluate(events, OFFICE, targets, at(2025, 6, 11, 10))
    # One hour used before the pause, three left from 10:00: until 12:00, then 13:30–14:30.
    assert resumed.resolution.due_at == at(2025, 6, 11, 14, 30)
    assert not resumed.breached


def test_reopened_ticket_resumes_with_the_time_used():
    events = log(
        (at(2025, 6, 10, 9), "status", "new"),
        (at(2025, 6, 10, 9, 10), "agent_reply", ""),
        (at(2025, 6, 10, 11), "status", "resolved"),
        (at(2025, 6, 12, 9), "status", "open"),  # the printer failed again
    )
    targets = sla.Targets(HOUR, 0, 4 * HOUR)
    before = sla.evaluate(events, OFFICE, targets, at(2025, 6, 11, 9))
    assert before.resolution.stopped_at == at(2025, 6, 10, 11)
    assert before.resolution.due_at is None
    after = sla.evaluate(events, OFFICE, targets, at(2025, 6, 12, 9))
    assert after.resolution.stopped_at is None
    assert after.resolution.elapsed_seconds == 2 * HOUR
    assert after.resolution.due_at == at(2025, 6, 12, 11)
    late = sla.evaluate(events, OFFICE, targets, at(2025, 6, 12, 15))
    assert late.resolution.breached
    assert late.resolution.due_at == at(2025, 6, 12, 11)


def test_breach_time_and_next_update_clock():
    events = log(
        (at(2025, 6, 10, 9), "status", "new"),
        (at(2025, 6, 10, 9, 20), "agent_reply", ""),
    )
    targets = sla.Targets(15 * 60, 2 * HOUR, 0)
    state = sla.evaluate(events, OFFICE, targets, at(2025, 6, 10, 14))
    assert state.first_response.breached  # 20 minutes against 15
    assert state.next_update.due_at == at(2025, 6, 10, 11, 20)
    assert state.next_update.breached
    assert state.next_due_at == at(2025, 6, 10, 11, 20)


def test_always_open_calendar_counts_nights_and_holidays():
    hours = sla.BusinessHours(timezone=TZ, always_open=True)
    created = at(2025, 10, 1, 23)
    events = log((created, "status", "new"))
    state = sla.evaluate(events, hours, sla.Targets(30 * 60, 0, 4 * HOUR), created)
    assert state.first_response.due_at == at(2025, 10, 1, 23, 30)
    assert state.resolution.due_at == at(2025, 10, 2, 3)


def test_weekend_duty_periods_and_a_calendar_without_hours():
    hours = sla.BusinessHours(
        timezone=TZ,
        workday_periods=((dt.time(9), dt.time(18)),),
        non_workday_periods=((dt.time(10), dt.time(16)),),
        calendar=WorkingCalendar(),
    )
    assert hours.add(at(2025, 6, 14, 9), HOUR) == at(2025, 6, 14, 11)  # Saturday duty
    closed = sla.BusinessHours(timezone=TZ, workday_periods=())
    try:
        closed.add(at(2025, 6, 14, 9), HOUR)
    except sla.NoBusinessHours:
        pass
    else:
        raise AssertionError("a calendar with no hours must fail loudly")
