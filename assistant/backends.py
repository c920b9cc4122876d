"""Every call the assistant makes into other apps (desk, payments, directory, terminals).

The dialogue asks this module questions in the assistant's own terms ("what does code 51
mean?", "open a ticket with these facts") and gets plain values back, so flows do not care
how the desk or payments are built. Those apps are part of every installation; the imports
stay inside the functions so that the assistant's modules load without them at import time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.types import member_or_none

if TYPE_CHECKING:
    from accounts.models import User
    from core.types import Viewer
    from desk.models import Ticket
    from merchants.models import Merchant
    from terminals.models import Terminal

# ------------------------------------------------------------------ response codes


@dataclass(frozen=True)
class CodeInfo:
    code: str
    meaning: str
    action: str
    uc_class: str  # UnionPay action class A–E ("" when none)
    retry_safe: bool
    is_success: bool


def response_code(
    code: str, merchant: Merchant | None = None, language: str = "zh"
) -> CodeInfo | None:
    """The code table entry (the merchant's acquirer's own entry first), or None if unknown."""
    code = (code or "").strip().upper()
    if not code:
        return None
    from payments.models import ResponseCode

    acquirer = getattr(merchant, "acquirer", None) if merchant is not None else None
    entry = ResponseCode.lookup(code, acquirer)
    if entry is None:
        return None
    return CodeInfo(
        code=entry.code,
        meaning=entry.meaning(language),
        action=entry.action(language),
        uc_class=entry.uc_class,
        retry_safe=entry.retry_safe,
        is_success=entry.is_success,
    )


# ------------------------------------------------------------------ directory


@dataclass(frozen=True)
class HotlineInfo:
    institution_code: str
    institution: str
    number: str
    serves: str
    is_24x7: bool


def hotlines(institution_codes: list[str] | None = None, language: str = "zh") -> list[HotlineInfo]:
    from core.phones import display_phone
    from directory.models import Hotline

    queryset = Hotline.objects.public()
    if institution_codes:
        queryset = queryset.filter(institution__code__in=institution_codes)
    english = language.startswith("en")
    return [
        HotlineInfo(
            institution_code=line.institution.code,
            institution=(line.institution.name_en or line.institution.name)
            if english
            else line.institution.name,
            number=display_phone(line.number),
            serves=(line.serves_en or line.serves) if english else line.serves,
            is_24x7=line.is_24x7,
        )
        for line in queryset
    ]


def registered_callers(phone: str) -> list[str]:
    """Institutions that registered this number for outbound calls or SMS."""
    from directory.models import RegisteredNumber

    try:
        matches = RegisteredNumber.objects.active().matching(phone).select_related("institution")
        return sorted({number.institution.name for number in matches})
    except ValueError:
        return []


# ------------------------------------------------------------------ merchants and terminals


def merchants_of(user: Viewer) -> list[Any]:
    from merchants.models import Merchant

    if not getattr(user, "is_merchant_user", False):
        return []
    return list(
        Merchant.objects.visible_to(user).select_related("acquirer").order_by("merchant_id")
    )


def terminals_of(user: Viewer, merchant: Merchant) -> list[Any]:
    from terminals.models import Terminal

    return list(
        Terminal.objects.visible_to(user).filter(merchant=merchant).select_related("model")[:20]
    )


def find_terminal(user: Viewer, value: str) -> Terminal | None:
    """A terminal the user may see, by terminal ID or serial number."""
    from terminals.models import Terminal

    value = (value or "").strip().upper()
    if not value:
        return None
    return (
        Terminal.objects.visible_to(user)
        .filter(terminal_id=value)
        .select_related("model", "merchant")
        .first()
        or Terminal.objects.visible_to(user)
        .filter(serial_number=value)
        .select_related("model", "merchant")
        .first()
    )


# ------------------------------------------------------------------ staffed hours


@dataclass(frozen=True)
class Staffing:
    staffed: bool
    hours: str  # "08:00–20:00"
    next_open_at: dt.datetime  # now, when staffed


def staffing(now: dt.datetime | None = None) -> Staffing:
    """Whether people answer hand-offs now, and when they next do.

    ASSISTANT_STAFFED_HOURS ("HH:MM-HH:MM", every day, local time) decides when it is set;
    otherwise the desk's service hours for ordinary tickets (the calendar of its default P3
    policy, holidays included) when the desk is installed; else 08:00–20:00 every day.
    """
    now = timezone.localtime(now or timezone.now())
    raw = getattr(settings, "ASSISTANT_STAFFED_HOURS", "")
    if not raw:
        desk_hours = _desk_hours(now)
        if desk_hours is not None:
            return desk_hours
    start_text, _sep, end_text = (raw or "08:00-20:00").partition("-")
    start, end = dt.time.fromisoformat(start_text.strip()), dt.time.fromisoformat(end_text.strip())
    hours = str(_("每天 %(periods)s") % {"periods": f"{start:%H:%M}–{end:%H:%M}"})
    if start <= now.time() < end:
        return Staffing(True, hours, now)
    day = now.date() if now.time() < start else now.date() + dt.timedelta(days=1)
    opens = timezone.make_aware(dt.datetime.combine(day, start), now.tzinfo)
    return Staffing(False, hours, opens)


def _desk_hours(now: dt.datetime) -> Staffing | None:
    from core.calendar import working_calendar
    from desk.models import SLAPolicy

    policy = SLAPolicy.objects.filter(priority="P3", category="").select_related("calendar").first()
    if policy is None:
        return None
    return _calendar_staffing(
        policy.calendar, policy.calendar.business_hours(working_calendar()), now
    )


def ticket_staffing(ticket: TicketInfo, now: dt.datetime | None = None) -> Staffing:
    """When people work on this ticket: the calendar of the ticket's own SLA policy (a P2 on a
    7×24 policy is worked at 00:25); the assistant's staffed hours when no policy applies."""
    from desk.models import Ticket
    from desk.services.sla_tracking import SLAContext

    now = timezone.localtime(now or timezone.now())
    found = Ticket.objects.filter(pk=ticket.pk).only("priority", "category").first()
    context = SLAContext.load()
    policy = context.policy_for(found.priority, found.category) if found is not None else None
    if policy is not None:
        own = _calendar_staffing(policy.calendar, context.hours(policy.calendar), now)
        if own is not None:
            return own
    return staffing(now)


def _calendar_staffing(calendar: Any, hours: Any, now: dt.datetime) -> Staffing | None:
    """Staffed now, or when next, by one desk calendar (None: no period in two weeks)."""
    if calendar.always_open:
        return Staffing(True, "7×24", now)
    periods = ", ".join(f"{opens}–{closes}" for opens, closes in calendar.workday_periods)
    label = str(_("工作日 %(periods)s") % {"periods": periods}) if periods else "7×24"
    for offset in range(0, 15):
        for opens, closes in hours.periods_on(now.date() + dt.timedelta(days=offset)):
            if opens <= now < closes:
                return Staffing(True, label, now)
            if opens > now:
                return Staffing(False, label, timezone.localtime(opens))
    return None


# ------------------------------------------------------------------ desk


@dataclass(frozen=True)
class FactQuestion:
    key: str
    label: str
    hint: str


@dataclass(frozen=True)
class TicketInfo:
    pk: int
    number: str
    category: str
    status: str
    created_at: dt.datetime
    first_response_due_at: dt.datetime | None = None
    assignee: User | None = None
    extra: list[str] = field(default_factory=list)


def missing_facts(
    category: str,
    merchant: Merchant | None,
    terminal: Terminal | None,
    facts: dict[str, str],
    language: str = "zh",
) -> list[FactQuestion]:
    """The facts the desk still needs for this category, in asking order."""
    import desk.services as services
    from desk.facts import FACTS

    keys = services.missing_facts(category, merchant, terminal, facts)
    return [
        FactQuestion(key, FACTS[key].label(language), FACTS[key].hint(language))
        for key in keys
        if key in FACTS
    ]


def _ticket_info(ticket: Ticket) -> TicketInfo:
    return TicketInfo(
        pk=ticket.pk,
        number=ticket.number or f"#{ticket.pk}",
        category=ticket.get_category_display(),
        status=ticket.get_status_display(),
        created_at=ticket.created_at,
        first_response_due_at=getattr(ticket, "first_response_due_at", None),
        assignee=getattr(ticket, "assignee", None),
    )


def open_ticket(
    *,
    merchant: Merchant,
    category: str,
    description: Any,  # a lazy text is kept in Chinese and English
    facts: dict[str, str],
    terminal: Terminal | None,
    transcript: list[dict[str, Any]],
    idempotency_key: str,
    opened_by: User | None = None,
) -> TicketInfo:
    """Open a desk ticket (idempotent per key)."""
    import desk.services as services

    ticket = services.open_ticket(
        merchant=merchant,
        category=category,
        description=description,
        channel="assistant",
        facts=facts,
        terminal=terminal,
        transcript=transcript,
        idempotency_key=idempotency_key,
        opened_by=opened_by if getattr(opened_by, "is_authenticated", False) else None,
    )
    return _ticket_info(ticket)


def add_callback_commitment(
    ticket: TicketInfo, *, due_at: dt.datetime, promise: Any, recorded_by: Any
) -> bool:
    """Record the promised call-back on the ticket, owned by the ticket's agent (or a member of
    its queue) and recorded as made in the merchant's own conversation; False when nobody can
    own it yet."""
    import desk.services as services
    from desk.models import Ticket

    owner = ticket.assignee
    if owner is None:
        found = Ticket.objects.filter(pk=ticket.pk).select_related("queue").first()
        queue = getattr(found, "queue", None)
        if queue is not None:
            owner = queue.members.filter(is_active=True).order_by("pk").first()
    if owner is None:
        return False
    try:
        services.do_add_commitment(
            Ticket.objects.get(pk=ticket.pk),
            owner=owner,
            due_at=due_at,
            promise=promise,
            by=recorded_by,
        )
    except services.DeskError:
        return False  # e.g. the promised time has already passed
    return True


def open_tickets(user: Viewer, merchant: Merchant) -> list[TicketInfo]:
    from desk.models import Ticket

    tickets = (
        Ticket.objects.visible_to(user)
        .filter(merchant=merchant, is_open=True)
        .select_related("assignee")
        .order_by("-created_at")[:5]
    )
    return [_ticket_info(ticket) for ticket in tickets]


@dataclass(frozen=True)
class OutageInfo:
    title: str
    message: str
    started_at: dt.datetime
    expected_recovery_at: dt.datetime | None


def active_outages(merchant: Merchant | None) -> list[OutageInfo]:
    """Current outages that touch this merchant's region (nationwide ones too)."""
    from desk.models import Outage

    outages = Outage.objects.filter(status="active").order_by("-started_at")
    region = getattr(merchant, "region_code", "") or ""
    return [
        OutageInfo(o.title, o.public_message, o.started_at, o.expected_recovery_at)
        for o in outages
        if not o.region_code or (region and region.startswith(o.region_code))
    ][:3]


# ------------------------------------------------------------------ payments


@dataclass(frozen=True)
class TxnInfo:
    pk: int
    when: dt.datetime
    amount_fen: int
    status: str
    response_code: str
    explanation: str
    payout_date: dt.date | None = None
    payout_reason: str = ""


def _txn_info(txn: Any, language: str) -> TxnInfo:
    import payments.services as services

    payout_date = None
    payout_reason = ""
    if txn.status == "approved" and txn.txn_type in type(txn).CREDIT_TYPES:
        eta = services.settlement_eta_for(txn)
        payout_date = eta.payout_date
        payout_reason = eta.explanation(language)
    return TxnInfo(
        pk=txn.pk,
        when=txn.local_time,
        amount_fen=txn.amount,
        status=txn.get_status_display(),
        response_code=txn.response_code,
        explanation=services.explain_transaction(txn, language),
        payout_date=payout_date,
        payout_reason=payout_reason,
    )


def find_transactions(
    user: Viewer, merchant: Merchant, entities: dict[str, Any], language: str = "zh"
) -> list[TxnInfo]:
    """Transactions of this merchant matching what the merchant said (RRN, trace number and
    date, amount and time, card last four); [] when the message names nothing to look for or
    nothing matches."""
    from payments.models import Transaction

    queryset = Transaction.objects.visible_to(user).filter(merchant=merchant)
    dates = [d for d in entities.get("datetimes", []) if d.get("date")]
    matched = None
    if entities.get("rrn"):
        matched = queryset.by_rrn(entities["rrn"][0])
    elif entities.get("trace_no") and dates:
        matched = queryset.by_stan(entities["trace_no"][0], dt.date.fromisoformat(dates[0]["date"]))
    elif entities.get("amounts_fen"):
        start, end = _window(dates)
        matched = queryset.by_amount(entities["amounts_fen"][0], start, end)
    elif entities.get("card_last4"):
        start, end = _window(dates)
        matched = queryset.by_card_last4(entities["card_last4"][0]).in_window(start, end)
    if matched is None:
        return []
    return [_txn_info(txn, language) for txn in matched.order_by("-local_time")[:3]]


def _window(dates: list[dict[str, Any]]) -> tuple[dt.datetime, dt.datetime]:
    """The time window a merchant's "yesterday around 3 pm" means: ±90 minutes around a
    stated time, the whole day for a date, the last 7 days when nothing was said."""
    zone = timezone.get_current_timezone()
    if dates and dates[0].get("datetime"):
        at = dt.datetime.fromisoformat(dates[0]["datetime"])
        return at - dt.timedelta(minutes=90), at + dt.timedelta(minutes=90)
    if dates:
        day = dt.date.fromisoformat(dates[0]["date"])
        start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone)
        return start, start + dt.timedelta(days=1)
    now = timezone.localtime()
    return now - dt.timedelta(days=7), now + dt.timedelta(minutes=1)


def todays_transactions(
    user: Viewer, merchant: Merchant, language: str = "zh"
) -> tuple[int, int, list[TxnInfo]]:
    """(count, approved amount in fen, the latest three) of today."""
    from django.db.models import Sum

    from payments.models import Transaction

    today = Transaction.objects.visible_to(user).filter(merchant=merchant).today()
    total = today.credits().aggregate(total=Sum("amount"))["total"] or 0
    latest = [_txn_info(txn, language) for txn in today.order_by("-local_time")[:3]]
    return today.count(), total, latest


@dataclass(frozen=True)
class InvestigationInfo:
    summary: str
    next_step: str
    expected_date: dt.date | None
    resolved: bool
    ticket_number: str


def investigate_funds(
    user: Viewer,
    merchant: Merchant,
    *,
    txn_pk: int | None,
    date: dt.date | None,
    today: dt.date | None = None,
    language: str = "zh",
) -> InvestigationInfo:
    """Run payments' funds-not-arrived checklist."""
    import payments.services as services
    from payments.models import Transaction

    txn = None
    if txn_pk is not None:
        txn = Transaction.objects.visible_to(user).filter(merchant=merchant, pk=txn_pk).first()
    investigation = services.investigate_funds(
        merchant,
        txn=txn,
        date=None if txn else date,
        opened_by=member_or_none(user),
        channel="assistant",
        today=today,
    )
    return InvestigationInfo(
        summary=investigation.summary(language),
        next_step=investigation.next_step(language),
        expected_date=investigation.expected_date,
        resolved=investigation.is_resolved,
        ticket_number=investigation.ticket.number or "" if investigation.ticket else "",
    )


@dataclass(frozen=True)
class SettlementInfo:
    cycle: str
    payout_date: dt.date
    explanation: str


def settlement_for_today(merchant: Merchant, language: str = "zh") -> SettlementInfo:
    """When today's takings reach this merchant's account, under its contract."""
    import payments.services as services

    eta = services.settlement_eta_for_date(merchant, timezone.localdate())
    return SettlementInfo(
        cycle=merchant.get_settlement_cycle_display(),
        payout_date=eta.payout_date,
        explanation=eta.explanation(language),
    )
