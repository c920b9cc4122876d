"""Writes on the desk: every function is atomic and sends its notifications on commit.

Other apps call `open_ticket` (payments' funds-not-arrived investigations, the assistant's
hand-off) and `add_commitment` (the assistant's call-back promises out of staffed hours).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.calendar import working_calendar
from core.errors import BilingualError, lazy_format
from core.workdays import WorkingCalendar
from desk import facts as fact_registry
from desk import sla
from desk.models import (
    Attachment,
    BusinessCalendar,
    Commitment,
    FieldVisit,
    Interaction,
    Outage,
    Queue,
    Replacement,
    SLAPolicy,
    Ticket,
    TicketEvent,
    Tier,
)
from desk.notify import notify_merchant, notify_staff

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Receipt photos and scans, recognised by their first bytes (not the name or the browser's word).
ATTACHMENT_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
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


# --------------------------------------------------------------------------- SLA


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


# --------------------------------------------------------------------------- facts


def known_facts(merchant: Any, terminal: Any, facts: dict | None = None) -> dict[str, str]:
    known = fact_registry.known_from_records(
        merchant.merchant_id if merchant else None,
        terminal.model.code if terminal else None,
        terminal.serial_number if terminal else None,
    )
    known.update(fact_registry.clean(facts))
    return known


def missing_facts(category: str, merchant: Any, terminal: Any, facts: dict | None) -> list[str]:
    """The fact keys this category still needs, after what the records already answer."""
    return fact_registry.missing(category, known_facts(merchant, terminal, facts))


# --------------------------------------------------------------------------- tickets


def _log(
    ticket: Ticket, kind: str, *, by: Any = None, reason: str = "", at: Any = None, **data: Any
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


def _signature(by: Any) -> tuple[str, str]:
    if by is None or not getattr(by, "pk", None):
        return "", str(_("系统"))
    return by.agent_no or "", by.label


def ticket_link(ticket: Ticket, *, for_merchant: bool) -> str:
    name = "portal_ticket" if for_merchant else "desk_ticket"
    return reverse(name, args=[ticket.number])


def validate_attachment(upload: UploadedFile) -> str:
    """The content type of an acceptable receipt photo or scan; DeskError otherwise."""
    name = upload.name or ""
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise DeskError(
            lazy_format(
                _("附件“%(name)s”超过 %(limit)s MB 的大小限制"),
                name=name,
                limit=MAX_ATTACHMENT_BYTES // (1024 * 1024),
            )
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in ATTACHMENT_SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    raise DeskError(lazy_format(_("附件“%(name)s”不是 JPEG、PNG、WebP 图片或 PDF 文件"), name=name))


def _attach(ticket: Ticket, upload: UploadedFile, content_type: str, by: Any) -> Attachment:
    return Attachment.objects.create(
        ticket=ticket,
        file=upload,
        original_name=(upload.name or "")[:200],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=by if getattr(by, "pk", None) else None,
    )


@transaction.atomic
def attach_file(ticket: Ticket, upload: UploadedFile, *, by: Any) -> Attachment:
    content_type = validate_attachment(upload)
    return _attach(ticket, upload, content_type, by)


def route(ticket: Ticket, tier: str) -> tuple[Queue | None, Any]:
    """The queue for this tier and category, and its least-loaded member (open tickets)."""
    queues = list(Queue.objects.filter(tier=tier))
    queue = next((q for q in queues if ticket.category in (q.categories or [])), None)
    queue = queue or next((q for q in queues if not q.categories), None)
    if queue is None:
        return None, None
    if not queue.auto_assign:
        return queue, None
    member = (
        queue.members.filter(is_active=True)
        .annotate(load=Count("assigned_tickets", filter=Q(assigned_tickets__is_open=True)))
        .order_by("load", "id")
        .first()
    )
    return queue, member


def open_ticket(
    *,
    merchant: Any,
    category: str,
    description: str,
    channel: str,
    facts: dict | None = None,
    terminal: Any = None,
    opened_by: Any = None,
    priority: str | None = None,
    subcategory: str = "",
    idempotency_key: str | None = None,
    transcript: list[dict] | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Ticket:
    """Open a ticket; the same idempotency key for the same merchant returns the first one."""
    if idempotency_key:
        existing = Ticket.objects.filter(merchant=merchant, idempotency_key=idempotency_key)
        if found := existing.first():
            return found
    try:
        with transaction.atomic():
            return _open_ticket(
                merchant=merchant,
                category=category,
                description=description,
                channel=channel,
                facts=facts,
                terminal=terminal,
                opened_by=opened_by,
                priority=priority,
                subcategory=subcategory,
                idempotency_key=idempotency_key,
                transcript=transcript,
                attachments=attachments,
            )
    except IntegrityError:
        # Two requests with one key raced; the other one won.
        if idempotency_key:
            winner = Ticket.objects.filter(merchant=merchant, idempotency_key=idempotency_key)
            if ticket := winner.first():
                return ticket
        raise


def _open_ticket(
    *,
    merchant: Any,
    category: str,
    description: str,
    channel: str,
    facts: dict | None,
    terminal: Any,
    opened_by: Any,
    priority: str | None,
    subcategory: str,
    idempotency_key: str | None,
    transcript: list[dict] | None,
    attachments: Sequence[UploadedFile],
) -> Ticket:
    if category not in Ticket.Category.values:
        raise DeskError(lazy_format(_("未知的工单类别“%(value)s”"), value=category))
    if channel not in Ticket.Channel.values:
        raise DeskError(lazy_format(_("未知的渠道“%(value)s”"), value=channel))
    if priority and priority not in Ticket.Priority.values:
        raise DeskError(lazy_format(_("未知的优先级“%(value)s”"), value=priority))
    if terminal is not None and terminal.merchant_id != merchant.pk:
        raise DeskError(
            lazy_format(
                _("终端 %(terminal)s 不属于商户 %(merchant)s"),
                terminal=terminal.terminal_id,
                merchant=merchant.merchant_id,
            )
        )
    if not (description or "").strip():
        raise DeskError(_("请描述遇到的问题"))
    unknown = fact_registry.unknown_keys(facts)
    if unknown:
        raise DeskError(lazy_format(_("未知的信息项：%(keys)s"), keys=", ".join(unknown)))
    types = [validate_attachment(upload) for upload in attachments]
    now = timezone.now()
    ticket = Ticket(
        merchant=merchant,
        terminal=terminal,
        category=category,
        subcategory=subcategory[:60],
        priority=priority or DEFAULT_PRIORITY.get(category, "P3"),
        channel=channel,
        description=description.strip(),
        facts=known_facts(merchant, terminal, facts),
        transcript=list(transcript or []),
        idempotency_key=idempotency_key or None,
        opened_by=opened_by if getattr(opened_by, "pk", None) else None,
        created_at=now,
    )
    queue, member = route(ticket, Tier.L1)
    ticket.queue, ticket.assignee = queue, member
    ticket.save()
    ticket.number = Ticket.format_number(ticket.pk, now)
    ticket.save(update_fields=["number"])
    _log(ticket, TicketEvent.Kind.CREATED, by=opened_by, to_status="new", at=now)
    for entry in transcript or []:
        speaker = entry.get("from", "merchant")
        Interaction.objects.create(
            ticket=ticket,
            kind=Interaction.Kind.MESSAGE,
            channel=Ticket.Channel.ASSISTANT,
            direction=Interaction.Direction.INBOUND
            if speaker == "merchant"
            else Interaction.Direction.OUTBOUND,
            is_public=True,
            author_label=str(_("智能助手")) if speaker == "assistant" else str(_("商户")),
            body=str(entry.get("text", ""))[:4000],
            created_at=_parse_time(entry.get("at")) or now,
        )
    is_staff = bool(getattr(opened_by, "is_agent", False))
    if is_staff and channel == Ticket.Channel.PHONE:
        # The agent is on the line with the merchant: that is the first response.
        ticket.first_responded_at = now
        ticket.save(update_fields=["first_responded_at"])
        _log(ticket, TicketEvent.Kind.AGENT_REPLY, by=opened_by, at=now)
    for upload, content_type in zip(attachments, types, strict=True):
        _attach(ticket, upload, content_type, opened_by)
    refresh_sla(ticket, now=now)
    if member is not None and queue is not None:
        _log(ticket, TicketEvent.Kind.ASSIGNED, by=None, assignee=member.pk, queue=queue.pk)
        notify_staff(
            member,
            event="desk.assigned",
            subject=str(lazy_format(_("新工单 %(number)s 已分配给您"), number=ticket.number)),
            body=ticket.description[:300],
            link=ticket_link(ticket, for_merchant=False),
        )
    return ticket


def _parse_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _require_staff(by: Any) -> None:
    if not getattr(by, "is_agent", False):
        raise DeskError(_("只有客服人员可以执行此操作"))


@transaction.atomic
def change_status(
    ticket: Ticket, to_status: str, *, by: Any, reason: str, resolution_code: str = ""
) -> Ticket:
    """Move the ticket along its allowed transitions; every change carries a reason."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not ticket.can_transition(to_status):
        raise DeskError(
            lazy_format(
                _("工单不能从“%(from)s”变为“%(to)s”"),
                **{
                    "from": ticket.get_status_display(),
                    "to": dict(Ticket.Status.choices).get(to_status, to_status),
                },
            )
        )
    if not (reason or "").strip():
        raise DeskError(_("请填写状态变更的原因"))
    if to_status == Ticket.Status.RESOLVED:
        if resolution_code not in Ticket.Resolution.values:
            raise DeskError(_("请选择解决方式"))
        ticket.resolution_code = resolution_code
        ticket.resolved_at = timezone.now()
    old = ticket.status
    if old in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED) and to_status == Ticket.Status.OPEN:
        ticket.reopen_count += 1
        ticket.resolved_at = None
        ticket.resolution_code = ""
    ticket.status = to_status
    ticket.save(
        update_fields=["status", "resolution_code", "resolved_at", "reopen_count", "updated_at"]
    )
    _log(
        ticket,
        TicketEvent.Kind.STATUS,
        by=by,
        reason=reason.strip(),
        from_status=old,
        to_status=to_status,
        resolution_code=ticket.resolution_code,
    )
    refresh_sla(ticket)
    if to_status in (Ticket.Status.RESOLVED, Ticket.Status.PENDING_MERCHANT) or (
        to_status == Ticket.Status.OPEN and old == Ticket.Status.RESOLVED
    ):
        notify_merchant(
            ticket.merchant,
            event="desk.ticket_update",
            subject=str(
                lazy_format(
                    _("工单 %(number)s：%(status)s"),
                    number=ticket.number,
                    status=ticket.get_status_display(),
                )
            ),
            body=reason.strip(),
            link=ticket_link(ticket, for_merchant=True),
        )
    return ticket


@transaction.atomic
def add_interaction(
    ticket: Ticket,
    *,
    by: Any,
    body: str,
    kind: str = Interaction.Kind.MESSAGE,
    channel: str | None = None,
    direction: str | None = None,
    is_public: bool = True,
    outcome: str = "",
) -> Interaction:
    """Record a call, message or note, signed with the author's agent number."""
    if not (body or "").strip():
        raise DeskError(_("内容不能为空"))
    if kind not in Interaction.Kind.values:
        raise DeskError(lazy_format(_("未知的沟通类型“%(value)s”"), value=kind))
    is_staff = bool(getattr(by, "is_agent", False))
    if not is_staff:
        # A merchant writes public messages only.
        kind, is_public, direction = Interaction.Kind.MESSAGE, True, Interaction.Direction.INBOUND
    if kind == Interaction.Kind.NOTE:
        is_public, direction = False, Interaction.Direction.INTERNAL
    if ticket.status == Ticket.Status.CLOSED:
        raise DeskError(_("工单已关闭，请新建工单"))
    agent_no, label = _signature(by)
    now = timezone.now()
    interaction = Interaction.objects.create(
        ticket=ticket,
        kind=kind,
        channel=channel or (Ticket.Channel.PHONE if kind == "call" else Ticket.Channel.PORTAL),
        direction=direction or Interaction.Direction.OUTBOUND,
        is_public=is_public,
        author=by if getattr(by, "pk", None) else None,
        agent_no=agent_no,
        author_label=label,
        body=body.strip(),
        outcome=outcome.strip()[:200],
        created_at=now,
    )
    if is_staff and is_public:
        _log(ticket, TicketEvent.Kind.AGENT_REPLY, by=by, at=now, interaction=interaction.pk)
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
            ticket.save(update_fields=["first_responded_at"])
        if ticket.status == Ticket.Status.NEW:
            change_status(ticket, Ticket.Status.OPEN, by=by, reason=str(_("已响应商户")))
            ticket.refresh_from_db()
        else:
            refresh_sla(ticket)
        notify_merchant(
            ticket.merchant,
            event="desk.ticket_update",
            subject=str(lazy_format(_("工单 %(number)s 有新回复"), number=ticket.number)),
            body=f"{label} ({agent_no}): {body.strip()[:300]}" if agent_no else body[:300],
            link=ticket_link(ticket, for_merchant=True),
        )
    elif not is_staff:
        if ticket.status in (Ticket.Status.PENDING_MERCHANT, Ticket.Status.RESOLVED):
            change_status(ticket, Ticket.Status.OPEN, by=by, reason=str(_("商户已回复")))
        if ticket.assignee_id:
            notify_staff(
                ticket.assignee,
                event="desk.merchant_reply",
                subject=str(lazy_format(_("商户回复了工单 %(number)s"), number=ticket.number)),
                body=body.strip()[:300],
                link=ticket_link(ticket, for_merchant=False),
            )
    return interaction


@transaction.atomic
def add_commitment(ticket: Ticket, *, owner: Any, due_at: dt.datetime, promise: str, by: Any):
    """A promise to the merchant with an owner and a due time; reminded and flagged overdue."""
    if due_at <= timezone.now():
        raise DeskError(_("承诺时间不能早于现在"))
    if not getattr(owner, "is_agent", False):
        raise DeskError(_("承诺的负责人必须是客服人员"))
    if not (promise or "").strip():
        raise DeskError(_("请填写承诺内容"))
    commitment = Commitment.objects.create(
        ticket=ticket,
        owner=owner,
        promise=promise.strip()[:200],
        due_at=due_at,
        created_by=by,
    )
    if owner != by:
        notify_staff(
            owner,
            event="desk.commitment_assigned",
            subject=str(lazy_format(_("您有一项新承诺：%(promise)s"), promise=commitment.promise)),
            body=str(lazy_format(_("工单 %(number)s"), number=ticket.number)),
            link=ticket_link(ticket, for_merchant=False),
        )
    return commitment


@transaction.atomic
def complete_commitment(commitment: Commitment, *, by: Any, kept: bool = True) -> Commitment:
    _require_staff(by)
    commitment.status = Commitment.Status.KEPT if kept else Commitment.Status.CANCELLED
    commitment.done_at = timezone.now()
    commitment.save(update_fields=["status", "done_at"])
    return commitment


@transaction.atomic
def assign(ticket: Ticket, assignee: Any, *, by: Any) -> Ticket:
    _require_staff(by)
    if assignee is not None and not getattr(assignee, "is_agent", False):
        raise DeskError(_("工单只能分配给客服人员"))
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    _log(ticket, TicketEvent.Kind.ASSIGNED, by=by, assignee=getattr(assignee, "pk", None))
    if assignee is not None and assignee != by:
        notify_staff(
            assignee,
            event="desk.assigned",
            subject=str(lazy_format(_("工单 %(number)s 已分配给您"), number=ticket.number)),
            body=ticket.description[:300],
            link=ticket_link(ticket, for_merchant=False),
        )
    return ticket


@transaction.atomic
def escalate(ticket: Ticket, *, to_tier: str, reason: str, by: Any) -> Ticket:
    """L1 → L2 → supervisor, always with a reason; the new tier's queue picks the assignee."""
    if by is not None:
        _require_staff(by)
    if to_tier not in Tier.values:
        raise DeskError(lazy_format(_("未知的层级“%(value)s”"), value=to_tier))
    if TIER_ORDER.index(Tier(to_tier)) <= TIER_ORDER.index(Tier(ticket.tier)):
        raise DeskError(_("只能升级到更高的层级"))
    if not (reason or "").strip():
        raise DeskError(_("请填写升级原因"))
    if not ticket.is_open:
        raise DeskError(_("已解决的工单不能升级"))
    old_tier = ticket.tier
    queue, member = route(ticket, to_tier)
    ticket.tier = to_tier
    ticket.queue = queue or ticket.queue
    ticket.assignee = member
    ticket.save(update_fields=["tier", "queue", "assignee", "updated_at"])
    _log(
        ticket,
        TicketEvent.Kind.ESCALATED,
        by=by,
        reason=reason.strip(),
        from_tier=old_tier,
        to_tier=to_tier,
        assignee=getattr(member, "pk", None),
    )
    agent_no, label = _signature(by)
    Interaction.objects.create(
        ticket=ticket,
        kind=Interaction.Kind.SYSTEM,
        channel=ticket.channel,
        direction=Interaction.Direction.INTERNAL,
        is_public=True,
        author=by if getattr(by, "pk", None) else None,
        agent_no=agent_no,
        author_label=label,
        body=str(
            lazy_format(_("已转交%(tier)s继续处理"), tier=dict(Tier.choices).get(to_tier, to_tier))
        ),
    )
    if member is not None:
        notify_staff(
            member,
            event="desk.assigned",
            subject=str(lazy_format(_("工单 %(number)s 升级给您"), number=ticket.number)),
            body=reason.strip(),
            link=ticket_link(ticket, for_merchant=False),
        )
    return ticket


@transaction.atomic
def set_priority(ticket: Ticket, priority: str, *, by: Any, reason: str) -> Ticket:
    _require_staff(by)
    if priority not in Ticket.Priority.values:
        raise DeskError(lazy_format(_("未知的优先级“%(value)s”"), value=priority))
    old = ticket.priority
    ticket.priority = priority
    ticket.save(update_fields=["priority", "updated_at"])
    _log(ticket, TicketEvent.Kind.PRIORITY, by=by, reason=reason, old=old, new=priority)
    refresh_sla(ticket)
    return ticket


@transaction.atomic
def dispatch_visit(
    ticket: Ticket,
    *,
    technician: Any,
    window_start: dt.datetime,
    window_end: dt.datetime,
    by: Any,
    address: str = "",
) -> FieldVisit:
    """Send a technician with an appointment window; the merchant is told."""
    _require_staff(by)
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
        event="desk.visit_scheduled",
        subject=str(lazy_format(_("工单 %(number)s：已预约上门服务"), number=ticket.number)),
        body=message,
        link=ticket_link(ticket, for_merchant=True),
        dedupe_key=f"visit:{visit.pk}:scheduled",
    )
    if technician != by:
        notify_staff(
            technician,
            event="desk.assigned",
            subject=str(lazy_format(_("上门任务：工单 %(number)s"), number=ticket.number)),
            body=f"{window} {visit.address}",
            link=ticket_link(ticket, for_merchant=False),
        )
    return visit


@transaction.atomic
def record_visit_outcome(visit: FieldVisit, *, status: str, outcome: str, by: Any) -> FieldVisit:
    _require_staff(by)
    if status not in (FieldVisit.Status.COMPLETED, FieldVisit.Status.FAILED, "cancelled"):
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
def replace_terminal(ticket: Ticket, *, new_serial: str, reason: str, by: Any) -> Replacement:
    """Record a replacement (RMA): warranty from the terminal's date, new serial on the terminal."""
    from terminals.models import Terminal

    _require_staff(by)
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


@transaction.atomic
def merge_tickets(source: Ticket, target: Ticket, *, by: Any, reason: str) -> Ticket:
    """Fold a duplicate into the ticket that stays: its timeline, commitments and files move."""
    _require_staff(by)
    if source.pk == target.pk:
        raise DeskError(_("不能把工单合并到自身"))
    if source.merchant_id != target.merchant_id:
        raise DeskError(_("只能合并同一商户的工单"))
    if not target.is_open:
        raise DeskError(_("目标工单已解决，不能合并"))
    source.interactions.update(ticket=target)
    source.commitments.update(ticket=target)
    source.attachments.update(ticket=target)
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    if source.is_open:
        change_status(
            source,
            Ticket.Status.RESOLVED,
            by=by,
            reason=str(lazy_format(_("已合并到 %(number)s"), number=target.number)),
            resolution_code=Ticket.Resolution.DUPLICATE,
        )
    _log(target, TicketEvent.Kind.MERGED, by=by, reason=reason, source=source.number)
    return target


@transaction.atomic
def rate_ticket(ticket: Ticket, *, rating: int, comment: str, by: Any) -> Ticket:
    if ticket.status not in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        raise DeskError(_("工单解决后才能评价"))
    if ticket.rating is not None:
        raise DeskError(_("该工单已经评价过了"))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DeskError(_("评分应为 1 到 5"))
    ticket.rating, ticket.rating_comment, ticket.rated_at = rating, comment.strip(), timezone.now()
    ticket.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    _log(ticket, TicketEvent.Kind.RATED, by=by, rating=rating)
    return ticket


@transaction.atomic
def set_kb_url(ticket: Ticket, url: str, *, by: Any) -> Ticket:
    _require_staff(by)
    ticket.kb_url = url.strip()
    ticket.full_clean(validate_unique=False, validate_constraints=False)
    ticket.save(update_fields=["kb_url", "updated_at"])
    return ticket


# --------------------------------------------------------------------------- outages


@transaction.atomic
def declare_outage(
    *,
    title: str,
    kind: str,
    public_message: str,
    by: Any,
    region_code: str = "",
    expected_recovery_at: dt.datetime | None = None,
) -> Outage:
    _require_staff(by)
    return Outage.objects.create(
        title=title,
        kind=kind,
        public_message=public_message,
        region_code=region_code,
        expected_recovery_at=expected_recovery_at,
        created_by=by,
    )


@transaction.atomic
def link_to_outage(tickets: Iterable[Ticket], outage: Outage, *, by: Any) -> int:
    _require_staff(by)
    if outage.status != Outage.Status.ACTIVE:
        raise DeskError(_("故障已恢复，不能再关联工单"))
    ids = [t.pk for t in tickets if t.outage_id != outage.pk]
    Ticket.objects.filter(pk__in=ids).update(outage=outage, updated_at=timezone.now())
    TicketEvent.objects.bulk_create(
        [TicketEvent(ticket_id=pk, kind=TicketEvent.Kind.OUTAGE, actor=by) for pk in ids]
    )
    return len(ids)


def _outage_broadcast(outage: Outage, text: str, by: Any, event: str, dedupe: str) -> int:
    """A public line on every open linked ticket, and one notice to each affected merchant."""
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
                body=text,
                created_at=now,
            )
            for t in tickets
        ]
    )
    from merchants.models import Merchant

    merchant_ids = {t.merchant_id for t in tickets}
    for merchant in Merchant.objects.filter(pk__in=merchant_ids):
        notify_merchant(
            merchant,
            event=event,
            subject=outage.title,
            body=text,
            link=reverse("portal_tickets"),
            dedupe_key=dedupe,
        )
    return len(merchant_ids)


@transaction.atomic
def update_outage(
    outage: Outage, *, message: str, by: Any, expected_recovery_at: dt.datetime | None = None
) -> int:
    """Post an update to every linked ticket; each affected merchant is told once per update."""
    _require_staff(by)
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    if outage.status != Outage.Status.ACTIVE:
        raise DeskError(_("故障已恢复"))
    outage.update_count += 1
    outage.public_message = message.strip() or outage.public_message
    if expected_recovery_at is not None:
        outage.expected_recovery_at = expected_recovery_at
    outage.save(update_fields=["update_count", "public_message", "expected_recovery_at"])
    text = outage.public_message
    if outage.expected_recovery_at:
        eta = timezone.localtime(outage.expected_recovery_at)
        text += " " + str(lazy_format(_("预计恢复时间：%(eta)s"), eta=f"{eta:%Y-%m-%d %H:%M}"))
    return _outage_broadcast(
        outage, text, by, "desk.outage_update", f"outage:{outage.pk}:update:{outage.update_count}"
    )


@transaction.atomic
def resolve_outage(outage: Outage, *, message: str, by: Any) -> int:
    """Resolve the incident and every open linked ticket; each merchant is notified once."""
    _require_staff(by)
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    if outage.status != Outage.Status.ACTIVE:
        raise DeskError(_("故障已恢复"))
    now = timezone.now()
    outage.status = Outage.Status.RESOLVED
    outage.resolved_at = now
    outage.public_message = message.strip() or outage.public_message
    outage.save(update_fields=["status", "resolved_at", "public_message"])
    notified = _outage_broadcast(
        outage, outage.public_message, by, "desk.outage_resolved", f"outage:{outage.pk}:resolved"
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


# --------------------------------------------------------------------------- periodic


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
                recipients += list(ticket.queue.members.filter(role__in=["supervisor", "admin"]))
            for user in {u.pk: u for u in recipients}.values():
                notify_staff(
                    user,
                    event="desk.sla_breach",
                    subject=str(lazy_format(_("工单 %(number)s SLA 超时"), number=ticket.number)),
                    body=ticket.description[:300],
                    link=ticket_link(ticket, for_merchant=False),
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
        notify_staff(
            commitment.owner,
            event="desk.commitment_reminder",
            subject=str(
                lazy_format(
                    _("承诺即将到期：%(promise)s（%(time)s）"),
                    promise=commitment.promise,
                    time=f"{timezone.localtime(commitment.due_at):%H:%M}",
                )
            ),
            body=str(lazy_format(_("工单 %(number)s"), number=commitment.ticket.number)),
            link=ticket_link(commitment.ticket, for_merchant=False),
            dedupe_key=f"commitment:{commitment.pk}:reminder",
        )
        reminded += 1
    overdue = Commitment.objects.pending().filter(overdue_flagged_at__isnull=True, due_at__lte=now)
    for commitment in overdue.select_related("ticket", "owner"):
        commitment.overdue_flagged_at = now
        commitment.save(update_fields=["overdue_flagged_at"])
        notify_staff(
            commitment.owner,
            event="desk.commitment_overdue",
            subject=str(lazy_format(_("承诺已逾期：%(promise)s"), promise=commitment.promise)),
            body=str(lazy_format(_("工单 %(number)s"), number=commitment.ticket.number)),
            link=ticket_link(commitment.ticket, for_merchant=False),
            dedupe_key=f"commitment:{commitment.pk}:overdue",
        )
        flagged += 1
    return reminded, flagged
