"""Call events from the phone system: who is calling, on whose console it pops, and the
interaction it leaves on the ticket when it ends — without the agent typing anything.

`record_events` is the one write path for every event (ringing, answered, transferred,
ended): atomic per request, idempotent per event id, a fixed number of queries per batch.
`screen_pop` builds what the agent sees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from channels.models import Call, CallEvent, Integration
from core.bulk import update_rows
from core.errors import BilingualError, lazy_format
from core.masking import mask_pans_in_text, mask_phone
from core.phones import PhoneNumberError, display_phone, normalize_phone

if TYPE_CHECKING:
    from desk.models import Interaction, Ticket
    from merchants.models import Merchant

EVENT_KINDS = ("dialing", "ringing", "answered", "transferred", "ended")
MAX_BATCH = 200
# An ended call stays on the agent's console this long so the agent can pick its ticket.
WRAP_UP = dt.timedelta(minutes=10)
_TEXT_LIMITS = {"event_id": 80, "call_id": 80, "queue": 40, "agent": 16}
# What events change on a call that already exists.
_MOVING_FIELDS = [
    "state",
    "queue",
    "agent",
    "agent_no",
    "answered_at",
    "ended_at",
    "recording_url",
    "updated_at",
]


class CallEventError(BilingualError):
    def __init__(self, message: Any, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class CallEventIn:
    event_id: str
    call_id: str
    kind: str
    at: dt.datetime
    direction: str
    caller: str
    called: str
    agent_no: str
    queue: str
    recording_url: str


def _text(raw: dict[str, Any], name: str, *, required: bool = False) -> str:
    value = raw.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str | int):
        raise CallEventError(lazy_format(_("字段“%(field)s”应为文本"), field=name), name)
    value = mask_pans_in_text(str(value).strip())
    if required and not value:
        raise CallEventError(lazy_format(_("缺少字段“%(field)s”"), field=name), name)
    limit = _TEXT_LIMITS.get(name, 32)
    if len(value) > limit:
        raise CallEventError(
            lazy_format(_("字段“%(field)s”太长：最多 %(limit)s 个字符"), field=name, limit=limit),
            name,
        )
    return value


def _recording(raw: dict[str, Any]) -> str:
    url = raw.get("recording_url") or ""
    if not isinstance(url, str) or len(url) > 500 or (url and not url.startswith("https://")):
        raise CallEventError(_("录音链接应为不超过 500 个字符的 https 地址"), "recording_url")
    return url


def parse_event(raw: Any, now: dt.datetime) -> CallEventIn:
    """Check one event from the phone system; every fault is named in zh and en."""
    if not isinstance(raw, dict):
        raise CallEventError(_("每个事件应为 JSON 对象"))
    kind = _text(raw, "type", required=True)
    if kind not in EVENT_KINDS:
        raise CallEventError(
            lazy_format(
                _("未知的事件类型“%(value)s”，可选：%(choices)s"),
                value=kind,
                choices=", ".join(EVENT_KINDS),
            ),
            "type",
        )
    at_raw = raw.get("at")
    at = parse_datetime(at_raw) if isinstance(at_raw, str) else None
    if at_raw and (at is None or at.tzinfo is None):
        raise CallEventError(_("时间“at”应为带时区的 ISO 8601 时间"), "at")
    direction = _text(raw, "direction") or Call.Direction.INBOUND
    if direction not in Call.Direction.values:
        raise CallEventError(_("方向“direction”应为 inbound 或 outbound"), "direction")
    return CallEventIn(
        event_id=_text(raw, "event_id", required=True),
        call_id=_text(raw, "call_id", required=True),
        kind=kind,
        at=at or now,
        direction=direction,
        caller=_text(raw, "caller"),
        called=_text(raw, "called"),
        agent_no=_text(raw, "agent"),
        queue=_text(raw, "queue"),
        recording_url=_recording(raw),
    )


def _normalized(number: str) -> str:
    try:
        return normalize_phone(number)
    except PhoneNumberError:
        return ""


def candidates_for(caller: str, integration: Integration) -> list[Any]:
    """Merchants of the integration's institution with a contact on this number."""
    from merchants.models import Merchant

    number = _normalized(caller)
    if not number:
        return []
    return list(
        Merchant.objects.filter(
            acquirer_id=integration.institution_id, contacts__phone=number
        ).distinct()[:5]
    )


class _Batch:
    """One request's events, applied with a fixed number of queries whatever their count: the
    events already seen, the calls, the agents, and the callers' merchants with their open
    tickets are read at once; the calls are then moved along in memory and written back with
    one INSERT (new calls, already in their latest state), one INSERT of the events and one
    UPDATE (the calls that existed, `core.bulk.update_rows`)."""

    def __init__(self, integration: Integration, events: list[CallEventIn]) -> None:
        self.integration = integration
        known = set(
            CallEvent.objects.filter(
                integration=integration, event_id__in={e.event_id for e in events}
            ).values_list("event_id", flat=True)
        )
        self.fresh: list[CallEventIn] = []
        for event in events:
            if event.event_id not in known:
                known.add(event.event_id)
                self.fresh.append(event)
        self.duplicates = len(events) - len(self.fresh)
        self.calls: dict[str, Call] = {
            call.external_id: call
            for call in Call.objects.select_for_update().filter(
                integration=integration, external_id__in={e.call_id for e in self.fresh}
            )
        }
        self.existing = set(self.calls)
        agent_nos = {e.agent_no for e in self.fresh if e.agent_no}
        self.agents: dict[str, Any] = {
            str(user.agent_no): user
            for user in User.objects.filter(agent_no__in=agent_nos, is_active=True)
        }

    def _merchants_by_number(self, numbers: set[str]) -> dict[str, tuple[int, int | None]]:
        """Normalised caller number → (merchant, its only open ticket) when exactly one merchant
        of the integration's institution has a contact on that number; one query."""
        from merchants.models import Contact

        numbers = numbers - {""}
        if not numbers:
            return {}
        rows = (
            Contact.objects.filter(
                phone__in=numbers, merchant__acquirer_id=self.integration.institution_id
            )
            .annotate(
                open_ticket=FilteredRelation(
                    "merchant__tickets", condition=Q(merchant__tickets__is_open=True)
                )
            )
            .values_list("phone", "merchant_id", "open_ticket__id")
        )
        owners: dict[str, set[int]] = {}
        open_tickets: dict[int, set[int]] = {}
        for phone, merchant_id, ticket_id in rows:
            owners.setdefault(phone, set()).add(merchant_id)
            tickets = open_tickets.setdefault(merchant_id, set())
            if ticket_id is not None:
                tickets.add(ticket_id)
        matched: dict[str, tuple[int, int | None]] = {}
        for phone, ids in owners.items():
            if len(ids) == 1:
                merchant_id = next(iter(ids))
                tickets = open_tickets[merchant_id]
                matched[phone] = (merchant_id, next(iter(tickets)) if len(tickets) == 1 else None)
        return matched

    def start_new_calls(self) -> None:
        """The calls this batch is the first to report, in memory (written by `apply`)."""
        firsts: dict[str, CallEventIn] = {}
        for event in self.fresh:
            if event.call_id not in self.calls:
                firsts.setdefault(event.call_id, event)
        inbound = {
            e.caller: _normalized(e.caller)
            for e in firsts.values()
            if e.direction == Call.Direction.INBOUND
        }
        matched = self._merchants_by_number(set(inbound.values()))
        for event in firsts.values():
            number = inbound.get(event.caller, "") if event.direction == "inbound" else ""
            merchant_id, ticket_id = matched.get(number, (None, None))
            self.calls[event.call_id] = Call(
                integration=self.integration,
                external_id=event.call_id,
                direction=event.direction,
                caller=event.caller,
                called=event.called,
                state=event.kind if event.kind in ("dialing", "ringing") else "ringing",
                started_at=event.at,
                merchant_id=merchant_id,
                ticket_id=ticket_id,
            )

    def apply(self) -> list[Call]:
        """Move each call along its events and write calls and events; the calls that ended
        in this batch."""
        ended = []
        for event in self.fresh:
            call = self.calls[event.call_id]
            was_live = call.state != Call.State.ENDED
            _apply(call, event, self.agents)
            if was_live and call.state == Call.State.ENDED:
                ended.append(call)
        Call.objects.bulk_create([c for key, c in self.calls.items() if key not in self.existing])
        CallEvent.objects.bulk_create(
            CallEvent(
                integration=self.integration,
                event_id=e.event_id,
                call=self.calls[e.call_id],
                kind=e.kind,
                occurred_at=e.at,
            )
            for e in self.fresh
        )
        moved = {e.call_id for e in self.fresh} & self.existing
        update_rows(Call, [self.calls[key] for key in sorted(moved)], _MOVING_FIELDS)
        return ended


def _apply(call: Call, event: CallEventIn, agents: dict[str, Any]) -> None:
    if call.state == Call.State.ENDED:
        return  # a late event cannot bring an ended call back to life
    if event.queue:
        call.queue = event.queue
    if event.agent_no and event.agent_no != call.agent_no:
        call.agent_no = event.agent_no
        call.agent = agents.get(event.agent_no)
    if event.kind == "answered":
        call.state = Call.State.ANSWERED
        call.answered_at = call.answered_at or event.at
    elif event.kind == "transferred":
        call.state = Call.State.TRANSFERRED
    elif event.kind == "ended":
        call.state = Call.State.ENDED
        call.ended_at = event.at
        call.recording_url = event.recording_url or call.recording_url
    elif event.kind in ("ringing", "dialing") and call.state in ("ringing", "dialing"):
        call.state = event.kind
    call.updated_at = timezone.now()


def _record(integration: Integration, events: list[CallEventIn]) -> tuple[int, int]:
    from channels.tasks import finish_calls

    with transaction.atomic():
        batch = _Batch(integration, events)
        batch.start_new_calls()
        # Only the ended calls that leave a trace go to the worker: an inbound call on a
        # ticket with its agent known, a click-to-dial call. The others wait for the agent
        # to pick a ticket (attach_ticket logs them then).
        ended = [
            call
            for call in batch.apply()
            if call.call_task_id or (call.ticket_id and call.agent_id)
        ]
        if ended:
            # The interactions on the tickets (a full desk write each: status, SLA, the
            # merchant's notice, the ledger) are the task worker's, so that the phone system's
            # events are accepted at its rate. Enqueued inside the transaction: the database
            # queue commits the task with the events, and an RQ worker that starts at once
            # waits on the ended calls' row locks until they are committed.
            finish_calls.enqueue([call.pk for call in ended])
        return len(batch.fresh), batch.duplicates


def finish_ended(call_ids: list[int]) -> int:
    """finish() for each ended call of a batch, each locked against attach_ticket; calls
    already logged are left as they are. The number of calls looked at."""
    done = 0
    for pk in sorted(call_ids):
        with transaction.atomic():
            call = (
                Call.objects.select_for_update(of=("self",))
                .select_related("ticket", "agent", "call_task")
                .filter(pk=pk, state=Call.State.ENDED)
                .first()
            )
            if call is not None:
                finish(call)
                done += 1
    return done


def record_events(integration: Integration, events: list[CallEventIn]) -> tuple[int, int]:
    """Apply a request's events in one transaction; (accepted, duplicates). An event id seen
    before changes nothing. If another request carrying the same calls or events commits
    first, the batch is replayed event by event, and the other request's rows are seen."""
    try:
        return _record(integration, events)
    except IntegrityError:
        if len(events) == 1:
            return _record(integration, events)
        totals = [record_events(integration, [event]) for event in events]
        return sum(t[0] for t in totals), sum(t[1] for t in totals)


def _duration_text(seconds: int | None) -> str:
    if seconds is None:
        return str(_("未接通"))
    return f"{seconds // 60}:{seconds % 60:02d}"


def call_summary(call: Call) -> str:
    """The interaction text: direction, number, duration, agent and recording."""
    with translation.override("zh-hans"):
        parts = [
            str(_("电话呼入") if call.direction == Call.Direction.INBOUND else _("电话呼出")),
            str(lazy_format(_("号码 %(number)s"), number=mask_phone(call.caller or call.called))),
            str(
                lazy_format(_("时长 %(duration)s"), duration=_duration_text(call.duration_seconds))
            ),
            str(lazy_format(_("坐席 %(agent)s"), agent=call.agent_no or "—")),
        ]
        if call.queue:
            parts.append(str(lazy_format(_("队列 %(queue)s"), queue=call.queue)))
        if call.recording_url:
            parts.append(str(lazy_format(_("录音 %(url)s"), url=call.recording_url)))
    return " · ".join(parts)


def finish(call: Call) -> None:
    """An ended call leaves its trace: an interaction on its ticket (inbound), the outcome
    in the contact log (click-to-dial). Safe to call again: it records once."""
    if call.call_task_id:
        from channels.dial import log_outbound

        log_outbound(call)
    if call.interaction_id or call.ticket_id is None or call.agent is None:
        return
    from desk.models import Interaction
    from desk.services import DeskError, add_interaction

    try:
        with transaction.atomic():
            interaction = _log_interaction(call, add_interaction, Interaction)
    except DeskError:
        return  # e.g. the ticket was closed meanwhile: the agent picks another one
    call.interaction = interaction
    call.save(update_fields=["interaction"])


def _log_interaction(call: Call, add_interaction: Any, Interaction: Any) -> Any:  # noqa: N803
    return add_interaction(
        call.ticket,
        by=call.agent,
        body=call_summary(call),
        kind=Interaction.Kind.CALL,
        channel="phone",
        direction=(
            Interaction.Direction.INBOUND
            if call.direction == Call.Direction.INBOUND
            else Interaction.Direction.OUTBOUND
        ),
        outcome=str(_("已接通") if call.answered_at else _("未接通")),
    )


@transaction.atomic
def attach_ticket(call: Call, ticket: Ticket, *, by: User) -> Call:
    """The agent picks the ticket a call belongs to (several open, or a new one)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.interaction_id:
        raise CallEventError(_("这通电话已记录在工单上"))
    if call.merchant_id and ticket.merchant_id != call.merchant_id:
        raise CallEventError(_("所选工单不属于来电商户"))
    call.ticket = ticket
    call.merchant_id = ticket.merchant_id
    if call.agent is None:
        call.agent, call.agent_no = by, by.agent_no or ""
    call.save(update_fields=["ticket", "merchant", "agent", "agent_no"])
    if call.state == Call.State.ENDED:
        finish(call)
    return call


def current_call(agent: User, now: dt.datetime | None = None) -> Call | None:
    """The call on this agent's console: a live one, else one just ended and not logged."""
    now = now or timezone.now()
    return (
        Call.objects.visible_to(agent)
        .filter(agent=agent)
        .filter(
            Q(state__in=Call.LIVE_STATES)
            | Q(state=Call.State.ENDED, interaction__isnull=True, ended_at__gte=now - WRAP_UP)
        )
        .select_related("merchant", "ticket", "integration", "call_task")
        .order_by("-updated_at")
        .first()
    )


def _outages_for(merchant: Merchant | None) -> list[Any]:
    from desk.models import Outage

    if merchant is None:
        return []
    active = Outage.objects.filter(status=Outage.Status.ACTIVE).order_by("-started_at")
    return [o for o in active[:50] if merchant.region_code.startswith(o.region_code or "")][:5]


def _last_contact(merchant: Merchant) -> Interaction | None:
    from desk.models import Interaction

    return (
        Interaction.objects.filter(ticket__merchant=merchant)
        .exclude(kind=Interaction.Kind.NOTE)
        .select_related("ticket")
        .order_by("-created_at")
        .first()
    )


def screen_pop(call: Call, user: User) -> dict[str, Any]:
    """What the agent sees for a call: the merchant's picture, or a search for an unknown
    number; the caller's number masked for roles that do not phone merchants."""
    from desk.models import Commitment, Ticket

    number = call.caller if call.direction == Call.Direction.INBOUND else call.called
    shown = display_phone(_normalized(number) or number)
    context: dict[str, Any] = {
        "call": call,
        "number": shown if user.sees_contact_phones else mask_phone(number),
        "search": "".join(ch for ch in number if ch.isdigit())[-11:],
    }
    merchant = call.merchant
    if merchant is None:
        context["candidates"] = candidates_for(call.caller, call.integration)
        return context
    open_tickets = list(
        Ticket.objects.filter(merchant=merchant, is_open=True)
        .select_related("assignee", "terminal")
        .order_by("-created_at")[:10]
    )
    context.update(
        merchant=merchant,
        open_tickets=open_tickets,
        commitments=list(
            Commitment.objects.pending()
            .filter(ticket__merchant=merchant)
            .select_related("ticket", "owner")
            .order_by("due_at")[:5]
        ),
        outages=_outages_for(merchant),
        last_contact=_last_contact(merchant),
    )
    return context
