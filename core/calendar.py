"""The working calendar with the operators' overrides from the database."""

from __future__ import annotations

from core.models import CalendarOverride
from core.workdays import WorkingCalendar


def working_calendar() -> WorkingCalendar:
    overrides = {
        o.date: (o.kind == CalendarOverride.Kind.WORKDAY, o.name)
        for o in CalendarOverride.objects.all()
    }
    return WorkingCalendar(overrides)
