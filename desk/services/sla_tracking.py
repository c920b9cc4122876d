"""The ticket's SLA fields, recomputed from its event log and the SLA policies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from core.calendar import working_calendar
from core.workdays import WorkingCalendar
from desk import sla
from desk.models import (
    BusinessCalendar,
    SLAPolicy,
    Ticket,
)


@dataclass
class SLAContext:
    """What SLA computations need, loaded once per batch."""

    calendar: WorkingCalendar
    policies: list[SLAPolicy]
    _hours: dict[int, sla.BusinessHours] = field(default_factory=dict)

    @classmethod
    def load(cls) -> SLAContext:
        return cls(working_calendar(), list(SLAPolicy.objects.select_related("calendar")))

    def policy_for(self, priority: str, category: str) -> SLAPolicy | None:
        matches = [
            p
            for p in self.policies
            if p.priority in ("", priority) and p.category in ("", category)
        ]
        # Most specific first: a category match beats a priority-only match beats the default.
        matches.sort(key=lambda p: (p.category == "", p.priority == ""))
        return matches[0] if matches else None

    def hours(self, calendar: BusinessCalendar) -> sla.BusinessHours:
        if calendar.pk not in self._hours:
            self._hours[calendar.pk] = calendar.business_hours(self.calendar)
        return self._hours[calendar.pk]


SLA_FIELDS = [
    "first_response_due_at",
    "next_update_due_at",
    "resolution_due_at",
    "sla_due_at",
    "sla_paused",
    "first_response_breached",
    "resolution_breached",
    "sla_breached",
    "first_response_seconds",
    "resolution_seconds",
]


def sla_state(
    ticket: Ticket, *, now: dt.datetime | None = None, context: SLAContext | None = None
) -> sla.SLAState | None:
    context = context or SLAContext.load()
    policy = context.policy_for(ticket.priority, ticket.category)
    if policy is None:
        return None
    events = [e for e in (ev.sla_event() for ev in ticket.events.all()) if e is not None]
    if not events:
        return None
    return sla.evaluate(
        events, context.hours(policy.calendar), policy.targets(), now or timezone.now()
    )


def refresh_sla(
    ticket: Ticket,
    *,
    now: dt.datetime | None = None,
    context: SLAContext | None = None,
    save: bool = True,
) -> sla.SLAState | None:
    """Recompute the ticket's SLA fields from its event log."""
    state = sla_state(ticket, now=now, context=context)
    fr = state.first_response if state else None
    nu = state.next_update if state else None
    res = state.resolution if state else None
    ticket.first_response_due_at = fr.due_at if fr and fr.stopped_at is None else None
    ticket.next_update_due_at = nu.due_at if nu and nu.stopped_at is None else None
    ticket.resolution_due_at = res.due_at if res and res.stopped_at is None else None
    ticket.sla_due_at = state.next_due_at if state else None
    ticket.sla_paused = bool(state and state.status in sla.PAUSED)
    ticket.first_response_breached = bool(fr and fr.breached)
    ticket.resolution_breached = bool(res and res.breached)
    ticket.sla_breached = bool(state and state.breached)
    ticket.first_response_seconds = int(fr.elapsed_seconds) if fr and fr.stopped_at else None
    ticket.resolution_seconds = int(res.elapsed_seconds) if res and res.stopped_at else None
    if save:
        ticket.save(update_fields=[*SLA_FIELDS, "updated_at"])
    return state
