"""The desk's periodic jobs: SLA breach checks and commitment reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import lazy_format
from desk.models import (
    Commitment,
    Ticket,
    TicketEvent,
    Tier,
)
from desk.notify import notify_staff
from desk.services.common import (
    _log,
    tell_staff,
    ticket_link,
)
from desk.services.sla_tracking import SLAContext, refresh_sla
from desk.services.tickets import (
    escalate,
)


def check_sla(now: dt.datetime | None = None) -> int:
    """Flag tickets whose SLA clock ran out, tell the people who can act, escalate
    resolution breaches to the supervisors. Returns the number of new breaches."""
    now = now or timezone.now()
    context = SLAContext.load()
    candidates = (
        Ticket.objects.open()
        .filter(sla_paused=False, sla_due_at__lte=now)
        .filter(Q(breach_notified_at__isnull=True) | Q(breach_notified_at__lt=now - _RENOTIFY))
        .select_related("assignee", "queue")
        .prefetch_related("events")[:500]
    )
    count = 0
    for ticket in candidates:
        with transaction.atomic():
            state = refresh_sla(ticket, now=now, context=context)
            if state is None or not state.breached:
                continue
            count += 1
            ticket.breach_notified_at = now
            ticket.save(update_fields=["breach_notified_at"])
            _log(ticket, TicketEvent.Kind.SLA_BREACH, at=now)
            recipients = [ticket.assignee] if ticket.assignee else []
            if ticket.queue:
                recipients += list(
                    ticket.queue.members.filter(role__in=[User.Role.SUPERVISOR, User.Role.ADMIN])
                )
            for user in {u.pk: u for u in recipients}.values():
                tell_staff(
                    ticket,
                    user,
                    event="desk.sla_breach",
                    subject=lazy_format(_("工单 %(number)s SLA 超时"), number=ticket.number),
                    dedupe_key=f"sla:{ticket.pk}:{ticket.sla_due_at:%Y%m%d%H%M}",
                )
            if ticket.resolution_breached and ticket.tier != Tier.SUPERVISOR:
                escalate(
                    ticket,
                    to_tier=Tier.SUPERVISOR,
                    reason=str(_("解决时限已超时，自动升级")),
                    by=None,
                )
    return count


_RENOTIFY = dt.timedelta(hours=4)


REMIND_BEFORE = dt.timedelta(minutes=30)


def _tell_owner(commitment: Commitment, what: str, subject: Any) -> None:
    """Tell the promise's owner it is due soon ("reminder") or late ("overdue"), once each."""
    notify_staff(
        commitment.owner,
        event=f"desk.commitment_{what}",
        subject=subject,
        body=lazy_format(_("工单 %(number)s"), number=commitment.ticket.number),
        link=ticket_link(commitment.ticket, for_merchant=False),
        dedupe_key=f"commitment:{commitment.pk}:{what}",
    )


def remind_commitments(now: dt.datetime | None = None) -> tuple[int, int]:
    """Remind owners 30 minutes before a promise is due; flag and report overdue ones."""
    now = now or timezone.now()
    reminded = flagged = 0
    due_soon = Commitment.objects.pending().filter(
        reminded_at__isnull=True, due_at__lte=now + REMIND_BEFORE, due_at__gt=now
    )
    for commitment in due_soon.select_related("ticket", "owner"):
        commitment.reminded_at = now
        commitment.save(update_fields=["reminded_at"])
        subject = lazy_format(
            _("承诺即将到期：%(promise)s（%(time)s）"),
            promise=commitment.shown_promise,
            time=f"{timezone.localtime(commitment.due_at):%H:%M}",
        )
        _tell_owner(commitment, "reminder", subject)
        reminded += 1
    overdue = Commitment.objects.pending().filter(overdue_flagged_at__isnull=True, due_at__lte=now)
    for commitment in overdue.select_related("ticket", "owner"):
        commitment.overdue_flagged_at = now
        commitment.save(update_fields=["overdue_flagged_at"])
        subject = lazy_format(_("承诺已逾期：%(promise)s"), promise=commitment.shown_promise)
        _tell_owner(commitment, "overdue", subject)
        flagged += 1
    return reminded, flagged
