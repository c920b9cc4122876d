"""Work away from the desk: engineer visits and terminal replacements."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import check_staff
from core.errors import lazy_format
from desk.models import (
    FieldVisit,
    Interaction,
    Replacement,
    Ticket,
    TicketEvent,
)
from desk.notify import notify_merchant, notify_staff
from desk.services.common import (
    DeskError,
    _log,
    _signature,
    ticket_link,
)
from desk.services.sla_tracking import refresh_sla

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def dispatch_visit(
    ticket: Ticket,
    *,
    technician: Any,
    window_start: dt.datetime,
    window_end: dt.datetime,
    by: User,
    address: str = "",
) -> FieldVisit:
    """Send a technician with an appointment window; the merchant is told."""
    check_staff(by)
    if not getattr(technician, "is_agent", False):
        raise DeskError(_("请选择一名技术人员"))
    if window_end <= window_start:
        raise DeskError(_("预约结束时间必须晚于开始时间"))
    if window_start <= timezone.now():
        raise DeskError(_("预约时间不能早于现在"))
    if not ticket.is_open:
        raise DeskError(_("已解决的工单不能派单"))
    visit = FieldVisit.objects.create(
        ticket=ticket,
        technician=technician,
        window_start=window_start,
        window_end=window_end,
        address=address or ticket.merchant.address,
        created_by=by,
    )
    local_start = timezone.localtime(window_start)
    local_end = timezone.localtime(window_end)
    window = f"{local_start:%Y-%m-%d %H:%M}–{local_end:%H:%M}"
    agent_no, label = _signature(by)
    message = str(
        lazy_format(
            _("已安排技术员 %(tech)s 上门，预约时间 %(window)s"),
            tech=technician.signature,
            window=window,
        )
    )
    Interaction.objects.create(
        ticket=ticket,
        kind=Interaction.Kind.VISIT,
        channel=ticket.channel,
        direction=Interaction.Direction.OUTBOUND,
        is_public=True,
        author=by,
        agent_no=agent_no,
        author_label=label,
        body=message,
    )
    _log(ticket, TicketEvent.Kind.VISIT, by=by, visit=visit.pk, window=window)
    _log(ticket, TicketEvent.Kind.AGENT_REPLY, by=by)
    refresh_sla(ticket)
    notify_merchant(
        ticket.merchant,
        ticket=ticket,
        event="desk.visit_scheduled",
        subject=lazy_format(_("工单 %(number)s：已预约上门服务"), number=ticket.number),
        body=message,
        link=ticket_link(ticket, for_merchant=True),
        dedupe_key=f"visit:{visit.pk}:scheduled",
    )
    if technician != by:
        notify_staff(
            technician,
            event="desk.assigned",
            subject=lazy_format(_("上门任务：工单 %(number)s"), number=ticket.number),
            body=f"{window} {visit.address}",
            link=ticket_link(ticket, for_merchant=False),
        )
    return visit


@transaction.atomic
def record_visit_outcome(visit: FieldVisit, *, status: str, outcome: str, by: User) -> FieldVisit:
    check_staff(by)
    if status not in (
        FieldVisit.Status.COMPLETED,
        FieldVisit.Status.FAILED,
        FieldVisit.Status.CANCELLED,
    ):
        raise DeskError(lazy_format(_("未知的上门结果“%(value)s”"), value=status))
    if not (outcome or "").strip():
        raise DeskError(_("请填写上门结果"))
    visit.status = status
    visit.outcome = outcome.strip()
    visit.completed_at = timezone.now()
    visit.save(update_fields=["status", "outcome", "completed_at"])
    agent_no, label = _signature(by)
    Interaction.objects.create(
        ticket=visit.ticket,
        kind=Interaction.Kind.VISIT,
        channel=visit.ticket.channel,
        direction=Interaction.Direction.OUTBOUND,
        is_public=True,
        author=by,
        agent_no=agent_no,
        author_label=label,
        body=outcome.strip(),
        outcome=visit.get_status_display(),
    )
    _log(visit.ticket, TicketEvent.Kind.AGENT_REPLY, by=by)
    refresh_sla(visit.ticket)
    return visit


@transaction.atomic
def replace_terminal(ticket: Ticket, *, new_serial: str, reason: str, by: User) -> Replacement:
    """Record a replacement (RMA): warranty from the terminal's date, new serial on the terminal."""
    from terminals.models import Terminal

    check_staff(by)
    if ticket.terminal_id is None:
        raise DeskError(_("工单没有关联终端，无法更换"))
    new_serial = (new_serial or "").strip().upper()
    if not new_serial:
        raise DeskError(_("请填写新设备的序列号"))
    if Terminal.objects.filter(serial_number=new_serial).exists():
        raise DeskError(lazy_format(_("序列号 %(serial)s 已被其他终端使用"), serial=new_serial))
    terminal = Terminal.objects.select_for_update().get(pk=ticket.terminal_id)
    replacement = Replacement.objects.create(
        ticket=ticket,
        terminal=terminal,
        old_serial=terminal.serial_number,
        new_serial=new_serial,
        under_warranty=terminal.under_warranty(),
        reason=reason.strip()[:200] or str(_("设备故障")),
        created_by=by,
    )
    terminal.serial_number = new_serial
    terminal.save(update_fields=["serial_number", "updated_at"])
    ticket.facts = {**ticket.facts, "serial_number": new_serial}
    ticket.save(update_fields=["facts", "updated_at"])
    _log(
        ticket,
        TicketEvent.Kind.REPLACEMENT,
        by=by,
        reason=replacement.reason,
        old_serial=replacement.old_serial,
        new_serial=new_serial,
        under_warranty=replacement.under_warranty,
    )
    return replacement
