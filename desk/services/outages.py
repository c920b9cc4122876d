"""Declared outages: link tickets to them and broadcast updates to affected merchants.

Each step (declared, update, resolved) is kept as an OutageUpdate for the public status page,
posted on the open linked tickets (their merchants are told once), and announced to every other
merchant of the region through the outreach policy (desk.services.outage_notices)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import check_staff
from core.errors import in_both_languages, lazy_format
from desk.models import (
    Interaction,
    Outage,
    Ticket,
    TicketEvent,
)
from desk.notify import notify_merchant
from desk.outage_updates import OutageUpdate
from desk.services.common import (
    DeskError,
    _signature,
)
from desk.services.outage_notices import notify_region
from desk.services.sla_tracking import SLA_FIELDS, SLAContext, refresh_sla

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def declare_outage(
    *,
    title: str,
    kind: str,
    public_message: str,
    by: User,
    region_code: str = "",
    expected_recovery_at: dt.datetime | None = None,
    started_at: dt.datetime | None = None,
    title_en: str = "",
    public_message_en: str = "",
) -> Outage:
    check_staff(by)
    if not title.strip() or not public_message.strip():
        raise DeskError(_("请填写故障标题和对商户的说明"))
    outage = Outage.objects.create(
        title=title.strip(),
        title_en=title_en.strip(),
        kind=kind,
        public_message=public_message.strip(),
        public_message_en=public_message_en.strip(),
        region_code=region_code,
        expected_recovery_at=expected_recovery_at,
        created_by=by,
        **({"started_at": started_at} if started_at else {}),
    )
    OutageUpdate.objects.create(
        outage=outage,
        kind=OutageUpdate.Kind.DECLARED,
        message=outage.public_message,
        message_en=outage.public_message_en,
        expected_recovery_at=expected_recovery_at,
        posted_at=outage.started_at,
        posted_by=by,
    )
    notify_region(outage, step="declared", text=_notice_text(outage), by=by, skip=set())
    return outage


def _notice_text(outage: Outage) -> Any:
    """What merchants are told, in both languages (a lazy text)."""
    if outage.expected_recovery_at and outage.status == Outage.Status.ACTIVE:
        eta = timezone.localtime(outage.expected_recovery_at)
        eta_text = lazy_format(_("预计恢复时间：%(eta)s"), eta=f"{eta:%Y-%m-%d %H:%M}")
        return lazy_format("%(text)s %(eta)s", text=outage.shown_message, eta=eta_text)
    return outage.shown_message


def _record_text(text: Any) -> str:
    """A ticket's timeline keeps what was said as written: Chinese, then the English if any."""
    both = in_both_languages(text)
    return both["zh"] if both["en"] == both["zh"] else f"{both['zh']}\n\n{both['en']}"


def _set_message(outage: Outage, message: str, message_en: str) -> None:
    """A new message replaces both languages (a stale English text must not outlive it)."""
    if message.strip():
        outage.public_message = message.strip()
        outage.public_message_en = message_en.strip()


@transaction.atomic
def link_to_outage(tickets: Iterable[Ticket], outage: Outage, *, by: User) -> int:
    check_staff(by)
    if outage.status != Outage.Status.ACTIVE:
        raise DeskError(_("故障已恢复，不能再关联工单"))
    ids = [t.pk for t in tickets if t.outage_id != outage.pk]
    Ticket.objects.filter(pk__in=ids).update(outage=outage, updated_at=timezone.now())
    TicketEvent.objects.bulk_create(
        [TicketEvent(ticket_id=pk, kind=TicketEvent.Kind.OUTAGE, actor=by) for pk in ids]
    )
    return len(ids)


def _outage_broadcast(
    outage: Outage, text: str, by: User, event: str, dedupe: str, step: str
) -> int:
    """A public line on every open linked ticket, one notice to each of their merchants, and
    one to every other merchant of the region (through outreach); returns how many merchants
    were told."""
    agent_no, label = _signature(by)
    now = timezone.now()
    tickets = list(outage.tickets.filter(is_open=True).only("pk", "merchant_id", "channel"))
    Interaction.objects.bulk_create(
        [
            Interaction(
                ticket_id=t.pk,
                kind=Interaction.Kind.SYSTEM,
                channel=t.channel,
                direction=Interaction.Direction.OUTBOUND,
                is_public=True,
                author=by,
                agent_no=agent_no,
                author_label=label,
                body=_record_text(text),
                created_at=now,
            )
            for t in tickets
        ]
    )
    from merchants.models import Merchant

    merchant_ids = {t.merchant_id for t in tickets}
    # A merchant with one linked ticket replies to it; with several, to the desk's mailbox.
    only_ticket = {t.merchant_id: t for t in tickets}
    several = {m for m in merchant_ids if sum(t.merchant_id == m for t in tickets) > 1}
    for merchant in Merchant.objects.filter(pk__in=merchant_ids):
        notify_merchant(
            merchant,
            ticket=None if merchant.pk in several else only_ticket[merchant.pk],
            event=event,
            subject=outage.shown_title,
            body=text,
            link=reverse("portal_tickets"),
            dedupe_key=dedupe,
        )
    OutageUpdate.objects.create(
        outage=outage,
        kind=OutageUpdate.Kind.RESOLVED if step == "resolved" else OutageUpdate.Kind.UPDATE,
        message=outage.public_message,
        message_en=outage.public_message_en,
        expected_recovery_at=outage.expected_recovery_at,
        posted_at=now,
        posted_by=by,
    )
    region = notify_region(outage, step=step, text=text, by=by, skip=merchant_ids)
    return len(merchant_ids) + region


@transaction.atomic
def update_outage(
    outage: Outage,
    *,
    message: str,
    by: User,
    expected_recovery_at: dt.datetime | None = None,
    message_en: str = "",
) -> int:
    """Post an update to every linked ticket; each affected merchant is told once per update."""
    check_staff(by)
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    if outage.status != Outage.Status.ACTIVE:
        raise DeskError(_("故障已恢复"))
    outage.update_count += 1
    _set_message(outage, message, message_en)
    if expected_recovery_at is not None:
        outage.expected_recovery_at = expected_recovery_at
    outage.save(
        update_fields=[
            "update_count",
            "public_message",
            "public_message_en",
            "expected_recovery_at",
        ]
    )
    step = f"update:{outage.update_count}"
    return _outage_broadcast(
        outage, _notice_text(outage), by, "desk.outage_update", f"outage:{outage.pk}:{step}", step
    )


@transaction.atomic
def resolve_outage(outage: Outage, *, message: str, by: User, message_en: str = "") -> int:
    """Resolve the incident and every open linked ticket; each merchant is notified once."""
    check_staff(by)
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    if outage.status != Outage.Status.ACTIVE:
        raise DeskError(_("故障已恢复"))
    now = timezone.now()
    outage.status = Outage.Status.RESOLVED
    outage.resolved_at = now
    _set_message(outage, message, message_en)
    outage.save(update_fields=["status", "resolved_at", "public_message", "public_message_en"])
    notified = _outage_broadcast(
        outage,
        outage.shown_message,
        by,
        "desk.outage_resolved",
        f"outage:{outage.pk}:resolved",
        "resolved",
    )
    tickets = list(
        outage.tickets.filter(is_open=True).select_for_update().prefetch_related("events")
    )
    context = SLAContext.load()
    events = []
    for ticket in tickets:
        events.append(
            TicketEvent(
                ticket=ticket,
                kind=TicketEvent.Kind.STATUS,
                from_status=ticket.status,
                to_status=Ticket.Status.RESOLVED,
                reason=outage.public_message,
                actor=by,
                at=now,
            )
        )
    TicketEvent.objects.bulk_create(events)
    for ticket in tickets:
        ticket.status = Ticket.Status.RESOLVED
        ticket.is_open = False
        ticket.resolution_code = Ticket.Resolution.OUTAGE
        ticket.resolved_at = now
        del ticket._prefetched_objects_cache["events"]  # type: ignore[attr-defined]
        refresh_sla(ticket, now=now, context=context, save=False)
    Ticket.objects.bulk_update(
        tickets,
        ["status", "is_open", "resolution_code", "resolved_at", *SLA_FIELDS],
        batch_size=500,
    )
    return notified
