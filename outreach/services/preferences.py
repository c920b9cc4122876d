"""Contact preferences and "fewer contacts, please" complaints."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import check_supervisor
from core.errors import lazy_format
from core.language import lazy_join
from outreach import policy
from outreach.models import (
    ContactAttempt,
    ContactPreference,
    ContactRequest,
    FrequencyComplaint,
)
from outreach.services.common import (
    make_policy,
)
from outreach.vocabulary import INTRUSIVE, PURPOSES

if TYPE_CHECKING:
    from accounts.models import User
    from desk.models import Ticket
    from merchants.models import Merchant


@transaction.atomic
def update_preferences(
    merchant: Merchant, *, user: User | None, **values: Any
) -> ContactPreference:
    """Save the merchant's choices; scheduled contacts they no longer want are cancelled now."""
    ContactPreference.objects.get_or_create(merchant=merchant)
    row = ContactPreference.objects.select_for_update().get(merchant=merchant)
    for name, value in values.items():
        setattr(row, name, value)
    if row.fewer_contacts:
        # "Contact me less" means no SMS, voice or phone calls — the boxes say so too.
        row.channels = [c for c in row.channels if c not in INTRUSIVE]
    if "inbox" not in row.channels:
        row.channels = ["inbox", *row.channels]
    row.updated_by = user
    row.save()
    _drop_unwanted(merchant, row.to_policy(merchant.timezone))
    return row


def _drop_unwanted(merchant: Merchant, prefs: policy.Preferences) -> None:
    now = timezone.now()
    rules = make_policy()
    scheduled = ContactRequest.objects.filter(
        merchant=merchant, status=ContactRequest.Status.SCHEDULED
    )
    for request in scheduled:
        booked = policy.Decision(request.decision, channel=request.channel, digest=request.digest)
        check = rules.recheck(request.to_policy(), prefs, booked, now)
        if check.kind == policy.SUPPRESS:
            request.status = ContactRequest.Status.SUPPRESSED
            request.reasons = [*request.reasons, *(r.as_dict() for r in check.reasons)]
            request.save(update_fields=["status", "reasons"])


@transaction.atomic
def ask_for_fewer_contacts(
    merchant: Merchant, *, user: User, note: str = "", purpose: str = "", source: str = "portal"
) -> FrequencyComplaint:
    """The merchant says "too many calls": fewer contacts from now on, and a complaint that
    supervisors follow up."""
    update_preferences(merchant, user=user, fewer_contacts=True)
    since = timezone.now() - dt.timedelta(days=30)
    complaint = FrequencyComplaint.objects.create(
        merchant=merchant,
        raised_by=user,
        source=source,
        purpose=purpose if purpose in PURPOSES else "",
        note=note.strip()[:500],
        contacts_last_30d=ContactAttempt.objects.filter(
            merchant=merchant, occurred_at__gte=since
        ).count(),
    )
    complaint.ticket_ref = _complaint_ticket(complaint, user, source).number or ""
    complaint.save(update_fields=["ticket_ref"])
    return complaint


def _complaint_ticket(complaint: FrequencyComplaint, user: User, source: str) -> Ticket:
    """A desk ticket (category outreach_complaint) so the complaint is followed up like any
    other; the complaint's id makes it idempotent."""
    from desk.services import open_ticket

    channel = "assistant" if source == "assistant" else "portal"
    # Worded by the system, so kept in both languages; the merchant's note as written.
    said = lazy_format(
        _("商户反映联系过于频繁（近 30 天 %(count)s 次）。"), count=complaint.contacts_last_30d
    )
    description = lazy_join(" ", [said, complaint.note]) if complaint.note.strip() else said
    return open_ticket(
        merchant=complaint.merchant,
        category="outreach_complaint",
        description=description,
        channel=channel,
        opened_by=user if getattr(user, "is_authenticated", False) else None,
        priority="P3",
        idempotency_key=f"outreach-complaint:{complaint.pk}",
    )


@transaction.atomic
def resolve_complaint(complaint: FrequencyComplaint, *, user: User) -> None:
    check_supervisor(user)
    complaint.status = FrequencyComplaint.Status.RESOLVED
    complaint.resolved_at = timezone.now()
    complaint.resolved_by = user
    complaint.save(update_fields=["status", "resolved_at", "resolved_by"])
