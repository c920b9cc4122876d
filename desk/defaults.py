"""Default service hours, SLA policies and the three tier queues (editable in the admin).

Used by the data migration (with historical models) and by tests and the demo to restore them
after a flush; idempotent.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

OFFICE = [["09:00", "12:00"], ["13:30", "18:00"]]
# (priority, calendar, first response, next update, resolution) in business minutes;
# a working day of the office calendar has 7.5 hours (450 minutes).
POLICIES = [
    ("P1", "7x24", 15, 60, 4 * 60),
    ("P2", "7x24", 30, 4 * 60, 24 * 60),
    ("P3", "office", 2 * 60, 8 * 60, 3 * 450),
    ("P4", "office", 8 * 60, 0, 5 * 450),
]
# Names are stored in Chinese and shown in the reader's language (Queue.label).
QUEUES = [
    ("l1", gettext_noop("一线客服"), "l1", True),
    ("l2-tech", gettext_noop("二线技术"), "l2", True),
    ("supervisor", gettext_noop("主管"), "supervisor", False),
]


def install_defaults(business_calendar: Any, sla_policy: Any, queue: Any) -> None:
    calendars = {
        "7x24": business_calendar.objects.get_or_create(
            name="7×24",
            defaults={"always_open": True, "follows_holidays": False, "workday_periods": []},
        )[0],
        "office": business_calendar.objects.get_or_create(
            name="工作日 09:00–12:00, 13:30–18:00", defaults={"workday_periods": OFFICE}
        )[0],
    }
    for priority, calendar, first, update, resolution in POLICIES:
        sla_policy.objects.get_or_create(
            priority=priority,
            category="",
            defaults={
                "name": f"{priority} 默认",
                "calendar": calendars[calendar],
                "first_response_minutes": first,
                "next_update_minutes": update,
                "resolution_minutes": resolution,
            },
        )
    for code, name, tier, auto_assign in QUEUES:
        queue.objects.get_or_create(
            code=code, defaults={"name": name, "tier": tier, "auto_assign": auto_assign}
        )


def ensure_defaults() -> None:
    from desk.models import BusinessCalendar, Queue, SLAPolicy

    install_defaults(BusinessCalendar, SLAPolicy, Queue)
