"""What every desk service shares: the refusal error, limits and defaults, the event log."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import BilingualError
from core.language import bilingual
from desk.models import (
    Ticket,
    TicketEvent,
    Tier,
)
from desk.notify import notify_staff

if TYPE_CHECKING:
    from accounts.models import User

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


DEFAULT_PRIORITY = {
    "transaction_failure": "P2",
    "network_signin": "P2",
    "device_fault": "P2",
    "power_battery": "P2",
    "account_risk": "P2",
}


TIER_ORDER = [Tier.L1, Tier.L2, Tier.SUPERVISOR]


class DeskError(BilingualError):
    """A request the desk refuses, with the reason in Chinese and English."""


def _log(
    ticket: Ticket,
    kind: str,
    *,
    by: User | None = None,
    reason: str = "",
    at: Any = None,
    **data: Any,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=by if getattr(by, "pk", None) else None,
        reason=reason,
        at=at or timezone.now(),
        from_status=data.pop("from_status", ""),
        to_status=data.pop("to_status", ""),
        data=data,
    )


def _signature(by: User | None) -> tuple[str, str]:
    if by is None or not getattr(by, "pk", None):
        return "", str(_("系统"))
    return by.agent_no or "", by.label


def tell_staff(ticket: Ticket, user: User, *, event: str, subject: Any, **extra: Any) -> bool:
    """Notify a staff member about a ticket: the subject, the start of the description, a link."""
    return notify_staff(
        user,
        event=event,
        subject=subject,
        body=bilingual(ticket.description[:300], ticket.description_en[:300]),
        link=ticket_link(ticket, for_merchant=False),
        **extra,
    )


def ticket_link(ticket: Ticket, *, for_merchant: bool) -> str:
    name = "portal_ticket" if for_merchant else "desk_ticket"
    return reverse(name, args=[ticket.number])


def _parse_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
