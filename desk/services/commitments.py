"""Promises made to a merchant on a ticket (call back by a time) and keeping them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import check_staff
from core.errors import lazy_format
from core.language import chinese_and_english
from desk.models import (
    Commitment,
    Ticket,
)
from desk.notify import notify_staff
from desk.services.common import (
    DeskError,
    ticket_link,
)

if TYPE_CHECKING:
    from accounts.models import User


def add_commitment(
    ticket: Ticket, *, owner: User, due_at: dt.datetime, promise: Any, by: User
) -> Commitment:
    """Staff promise the merchant something (the desk and the API)."""
    check_staff(by)
    return do_add_commitment(ticket, owner=owner, due_at=due_at, promise=promise, by=by)


@transaction.atomic
def do_add_commitment(
    ticket: Ticket, *, owner: User, due_at: dt.datetime, promise: Any, by: User
) -> Commitment:
    """A promise to the merchant with an owner and a due time; reminded and flagged overdue.
    No role check: the assistant records call-backs promised in the merchant's conversation.
    A promise the system words (a translatable text) is kept in Chinese and English; one an
    agent types is kept as written."""
    if due_at <= timezone.now():
        raise DeskError(_("承诺时间不能早于现在"))
    if not getattr(owner, "is_agent", False):
        raise DeskError(_("承诺的负责人必须是客服人员"))
    promise, promise_en = chinese_and_english(promise or "")
    if not promise.strip():
        raise DeskError(_("请填写承诺内容"))
    commitment = Commitment.objects.create(
        ticket=ticket,
        owner=owner,
        promise=promise.strip()[:200],
        promise_en=promise_en.strip()[:200],
        due_at=due_at,
        created_by=by,
    )
    if owner != by:
        notify_staff(
            owner,
            event="desk.commitment_assigned",
            subject=lazy_format(_("您有一项新承诺：%(promise)s"), promise=commitment.shown_promise),
            body=str(lazy_format(_("工单 %(number)s"), number=ticket.number)),
            link=ticket_link(ticket, for_merchant=False),
        )
    return commitment


@transaction.atomic
def complete_commitment(commitment: Commitment, *, by: User, kept: bool = True) -> Commitment:
    check_staff(by)
    commitment.status = Commitment.Status.KEPT if kept else Commitment.Status.CANCELLED
    commitment.done_at = timezone.now()
    commitment.save(update_fields=["status", "done_at"])
    return commitment
