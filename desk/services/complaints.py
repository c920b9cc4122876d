"""A merchant escalates an overdue ticket from the portal.

The rules: only an open ticket whose SLA has run out, only once per ticket, and only with a
reason. The ticket goes to the supervisor tier, where someone is always assigned
(desk.services.tickets.route); a ticket already there is flagged to its supervisor again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import PermissionDeniedError
from desk.models import Ticket, TicketEvent, Tier
from desk.services.common import DeskError, _log, tell_staff
from desk.services.tickets import do_escalate, route

if TYPE_CHECKING:
    from accounts.models import User

NOT_OVERDUE = _("工单还没有超过承诺的处理时间，暂时不能申请升级。")
ALREADY = _("您已经为这张工单申请过升级，主管正在跟进。")
CLOSED = _("工单已经解决或关闭，不能再申请升级。")


def is_overdue(ticket: Ticket, now: Any = None) -> bool:
    now = now or timezone.now()
    if ticket.sla_breached or ticket.resolution_breached:
        return True
    return ticket.sla_due_at is not None and not ticket.sla_paused and ticket.sla_due_at < now


def escalated_by_merchant(ticket: Ticket) -> bool:
    return ticket.events.filter(kind=TicketEvent.Kind.ESCALATED, data__by_merchant=True).exists()


def why_not_escalate(ticket: Ticket) -> Any:
    """The reason the merchant may not escalate now, or None when they may."""
    if not ticket.is_open:
        return CLOSED
    if escalated_by_merchant(ticket):
        return ALREADY
    if not is_overdue(ticket):
        return NOT_OVERDUE
    return None


def check_merchant_of(ticket: Ticket, user: User) -> Any:
    if not (
        getattr(user, "is_merchant_user", False)
        and Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists()
    ):
        raise PermissionDeniedError(_("只有工单所属商户可以申请升级"))
    return user


@transaction.atomic
def escalate_from_portal(ticket: Ticket, *, by: User, reason: str) -> Ticket:
    check_merchant_of(ticket, by)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not (reason or "").strip():
        raise DeskError(_("请说明为什么要升级（例如：已经等了两天，还是不能收款）"))
    refusal = why_not_escalate(ticket)
    if refusal is not None:
        raise DeskError(refusal)
    reason = reason.strip()[:500]
    if ticket.tier != Tier.SUPERVISOR:
        return do_escalate(
            ticket, to_tier=Tier.SUPERVISOR, reason=reason, by=by, data={"by_merchant": True}
        )
    if ticket.assignee is None:
        _queue, ticket.assignee = route(ticket, Tier.SUPERVISOR)
        ticket.save(update_fields=["assignee", "updated_at"])
    _log(
        ticket,
        TicketEvent.Kind.ESCALATED,
        by=by,
        reason=reason,
        from_tier=ticket.tier,
        to_tier=ticket.tier,
        assignee=ticket.assignee_id,
        by_merchant=True,
    )
    tell_staff(ticket, ticket.assignee, event="desk.assigned", subject=_("商户申请升级工单"))
    return ticket
