"""A ticket's life: open, route, change status, talk, assign, escalate, merge, rate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import check_staff
from core.errors import lazy_format
from core.language import chinese_and_english
from desk import facts as fact_registry
from desk.models import (
    TIER_FOR_MERCHANTS,
    Interaction,
    Queue,
    Ticket,
    TicketEvent,
    Tier,
)
from desk.notify import notify_merchant, notify_staff
from desk.services.attachments import _attach, validate_attachment
from desk.services.common import (
    DEFAULT_PRIORITY,
    TIER_ORDER,
    DeskError,
    _log,
    _parse_time,
    _signature,
    tell_staff,
    ticket_link,
)
from desk.services.intake import known_facts
from desk.services.sla_tracking import refresh_sla
from ledger import services as ledger

if TYPE_CHECKING:
    from accounts.models import User
    from merchants.models import Merchant
    from terminals.models import Terminal


def route(ticket: Ticket, tier: str) -> tuple[Queue | None, Any]:
    """The queue for this tier and category, and its least-loaded member (open tickets)."""
    queues = list(Queue.objects.filter(tier=tier))
    queue = next((q for q in queues if ticket.category in (q.categories or [])), None)
    queue = queue or next((q for q in queues if not q.categories), None)
    member = None
    if queue is not None and queue.auto_assign:
        member = _least_loaded(queue.members.filter(is_active=True))
    if member is None and tier == Tier.SUPERVISOR:
        # Escalating to the supervisor tier always reaches someone: with no supervisor queue
        # (or nobody in it), the least-loaded active supervisor.
        from accounts.models import User

        active = User.objects.filter(is_active=True)
        member = _least_loaded(active.filter(role=User.Role.SUPERVISOR)) or _least_loaded(
            active.filter(role=User.Role.ADMIN)
        )
    return queue, member


def _least_loaded(users: Any) -> User | None:
    """The user with the fewest open tickets assigned (ties: the longest-serving)."""
    return (
        users.annotate(load=Count("assigned_tickets", filter=Q(assigned_tickets__is_open=True)))
        .order_by("load", "id")
        .first()
    )


def open_ticket(
    *,
    merchant: Merchant,
    category: str,
    description: Any,  # text, or a lazy translation: kept in both languages
    channel: str,
    facts: dict | None = None,
    terminal: Terminal | None = None,
    opened_by: User | None = None,
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


def _check_new_ticket(
    merchant: Merchant,
    terminal: Terminal | None,
    category: str,
    channel: str,
    priority: str | None,
    description: str,
    facts: dict | None,
) -> None:
    """Refuse a new ticket whose vocabulary, terminal or description is wrong."""
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


def _facts_and_english(facts: dict | None) -> tuple[dict | None, dict[str, str]]:
    """The facts in Chinese, and the English of those the system wrote as a lazy text (what a
    person typed has no English: it is shown as written)."""
    if not facts:
        return facts, {}
    chinese: dict = {}
    english: dict[str, str] = {}
    for key, value in facts.items():
        chinese[key], en = chinese_and_english(value) if value is not None else (value, "")
        if en.strip() and key in fact_registry.FACTS:
            english[key] = en.strip()[:500]
    return chinese, english


def _copy_transcript(ticket: Ticket, transcript: list[dict], now: Any) -> None:
    """The assistant's conversation, as public messages at the top of the ticket."""
    for entry in transcript:
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


def _open_ticket(
    *,
    merchant: Merchant,
    category: str,
    description: Any,
    channel: str,
    facts: dict | None,
    terminal: Terminal | None,
    opened_by: User | None,
    priority: str | None,
    subcategory: str,
    idempotency_key: str | None,
    transcript: list[dict] | None,
    attachments: Sequence[UploadedFile],
) -> Ticket:
    # A description or fact the system words (a lazy translation) is kept in Chinese and English.
    description, description_en = chinese_and_english(description)
    facts, facts_en = _facts_and_english(facts)
    _check_new_ticket(merchant, terminal, category, channel, priority, description, facts)
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
        description_en=description_en.strip(),
        facts=known_facts(merchant, terminal, facts),
        facts_en=facts_en,
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
    _log(ticket, TicketEvent.Kind.CREATED, by=opened_by, to_status=Ticket.Status.NEW, at=now)
    _copy_transcript(ticket, transcript or [], now)
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
        tell_staff(
            ticket,
            member,
            event="desk.assigned",
            subject=lazy_format(_("新工单 %(number)s 已分配给您"), number=ticket.number),
        )
    return ticket


def change_status(
    ticket: Ticket, to_status: str, *, by: User, reason: str, resolution_code: str = ""
) -> Ticket:
    """Staff move a ticket along its allowed transitions (the desk and the API)."""
    check_staff(by)
    return do_change_status(
        ticket, to_status, by=by, reason=reason, resolution_code=resolution_code
    )


@transaction.atomic
def do_change_status(
    ticket: Ticket, to_status: str, *, by: User | None, reason: str, resolution_code: str = ""
) -> Ticket:
    """Move the ticket along its allowed transitions; every change carries a reason. No role
    check: also the system's own moves (a merchant's reply re-opens, a merge resolves)."""
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
            ticket=ticket,
            event="desk.ticket_update",
            subject=lazy_format(
                _("工单 %(number)s：%(status)s"),
                number=ticket.number,
                status=Ticket.Status(ticket.status).label,
            ),
            body=reason.strip(),
            link=ticket_link(ticket, for_merchant=True),
        )
    return ticket


@transaction.atomic
def add_interaction(
    ticket: Ticket,
    *,
    by: User,
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
            do_change_status(ticket, Ticket.Status.OPEN, by=by, reason=str(_("已响应商户")))
            ticket.refresh_from_db()
        else:
            refresh_sla(ticket)
        notify_merchant(
            ticket.merchant,
            ticket=ticket,
            event="desk.ticket_update",
            subject=lazy_format(_("工单 %(number)s 有新回复"), number=ticket.number),
            body=f"{label} ({agent_no}): {body.strip()[:300]}" if agent_no else body[:300],
            link=ticket_link(ticket, for_merchant=True),
        )
    elif is_staff:
        _start_work(ticket, by)  # an internal note: someone is on it
    else:
        if ticket.status in (Ticket.Status.PENDING_MERCHANT, Ticket.Status.RESOLVED):
            do_change_status(ticket, Ticket.Status.OPEN, by=by, reason=str(_("商户已回复")))
        if ticket.assignee_id:
            notify_staff(
                ticket.assignee,
                event="desk.merchant_reply",
                subject=lazy_format(_("商户回复了工单 %(number)s"), number=ticket.number),
                body=body.strip()[:300],
                link=ticket_link(ticket, for_merchant=False),
            )
    return interaction


@transaction.atomic
def assign(ticket: Ticket, assignee: User | None, *, by: User) -> Ticket:
    check_staff(by)
    if assignee is not None and not getattr(assignee, "is_agent", False):
        raise DeskError(_("工单只能分配给客服人员"))
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    _log(ticket, TicketEvent.Kind.ASSIGNED, by=by, assignee=getattr(assignee, "pk", None))
    if assignee is not None and assignee != by:
        tell_staff(
            ticket,
            assignee,
            event="desk.assigned",
            subject=lazy_format(_("工单 %(number)s 已分配给您"), number=ticket.number),
        )
    return ticket


def _start_work(ticket: Ticket, by: User) -> None:
    """A ticket that staff have touched (a note, an escalation) is no longer 新建."""
    if ticket.status == Ticket.Status.NEW:
        do_change_status(ticket, Ticket.Status.OPEN, by=by, reason=str(_("客服已开始处理")))
        ticket.refresh_from_db()


@transaction.atomic
def escalate(ticket: Ticket, *, to_tier: str, reason: str, by: User | None) -> Ticket:
    """L1 → L2 → supervisor, always with a reason; the new tier's queue picks the assignee."""
    if by is not None:
        check_staff(by)
    return do_escalate(ticket, to_tier=to_tier, reason=reason, by=by)


@transaction.atomic
def do_escalate(
    ticket: Ticket, *, to_tier: str, reason: str, by: User | None, data: dict | None = None
) -> Ticket:
    """The escalation itself, without the role check (a merchant's escalation from the portal
    is checked by desk.services.complaints)."""
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
        **(data or {}),
    )
    staff = by if getattr(by, "is_agent", False) else None  # a merchant's: signed 系统
    agent_no, label = _signature(staff)
    Interaction.objects.create(
        ticket=ticket,
        kind=Interaction.Kind.SYSTEM,
        channel=ticket.channel,
        direction=Interaction.Direction.OUTBOUND,
        is_public=True,
        author=staff,
        agent_no=agent_no,
        author_label=label,
        # Public: in the merchant's words ("技术专家"), not the desk's tiers ("二线技术 (L2)").
        body=str(lazy_format(_("已转交%(tier)s继续处理"), tier=TIER_FOR_MERCHANTS[Tier(to_tier)])),
    )
    if member is not None:
        notify_staff(
            member,
            event="desk.assigned",
            subject=lazy_format(_("工单 %(number)s 升级给您"), number=ticket.number),
            body=reason.strip(),
            link=ticket_link(ticket, for_merchant=False),
        )
    if by is not None and by.is_agent:
        _start_work(ticket, by)
    return ticket


@transaction.atomic
def set_priority(ticket: Ticket, priority: str, *, by: User, reason: str) -> Ticket:
    check_staff(by)
    if priority not in Ticket.Priority.values:
        raise DeskError(lazy_format(_("未知的优先级“%(value)s”"), value=priority))
    old = ticket.priority
    ticket.priority = priority
    ticket.save(update_fields=["priority", "updated_at"])
    _log(ticket, TicketEvent.Kind.PRIORITY, by=by, reason=reason, old=old, new=priority)
    refresh_sla(ticket)
    return ticket


@transaction.atomic
def merge_tickets(source: Ticket, target: Ticket, *, by: User, reason: str) -> Ticket:
    """Fold a duplicate into the ticket that stays: its timeline, commitments and files move."""
    check_staff(by)
    if source.pk == target.pk:
        raise DeskError(_("不能把工单合并到自身"))
    if source.merchant_id != target.merchant_id:
        raise DeskError(_("只能合并同一商户的工单"))
    if not target.is_open:
        raise DeskError(_("目标工单已解决，不能合并"))
    moved = {
        "interaction": list(source.interactions.values_list("pk", flat=True)),
        "commitment": list(source.commitments.values_list("pk", flat=True)),
    }
    source.interactions.update(ticket=target)
    source.commitments.update(ticket=target)
    for kind, ids in moved.items():  # the move is a change of logged records: log it
        ledger.record(kind, ids)
    source.attachments.update(ticket=target)
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    if source.is_open:
        do_change_status(
            source,
            Ticket.Status.RESOLVED,
            by=by,
            reason=str(lazy_format(_("已合并到 %(number)s"), number=target.number)),
            resolution_code=Ticket.Resolution.DUPLICATE,
        )
    _log(target, TicketEvent.Kind.MERGED, by=by, reason=reason, source=source.number)
    return target


@transaction.atomic
def rate_ticket(ticket: Ticket, *, rating: int, comment: str, by: User) -> Ticket:
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
def set_kb_url(ticket: Ticket, url: str, *, by: User) -> Ticket:
    check_staff(by)
    ticket.kb_url = url.strip()
    ticket.full_clean(validate_unique=False, validate_constraints=False)
    ticket.save(update_fields=["kb_url", "updated_at"])
    return ticket
