"""Handing a conversation to a person: gather only the facts the desk still needs, open the
ticket with the facts and the transcript, tell the merchant the number and when to expect
contact — and outside staffed hours, say so and record a call-back commitment."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistant import backends
from assistant.intents import INTENT_LABELS, desk_category
from assistant.models import Conversation, HandOff
from assistant.turn import (
    HUMAN,
    NOT_TOPICS,
    Context,
    Flow,
    Reply,
    State,
    asks_something_else,
    merchant_choices,
)
from core.errors import lazy_format
from core.money import yuan
from core.types import member_or_none

# What a merchant types when they do not know the answer to a question we asked.
if TYPE_CHECKING:
    from terminals.models import Terminal


_SKIP = re.compile(r"不知道|不清楚|不记得|忘了|跳过|没有|\bskip\b|don'?t know|not sure|unknown")
# A hand-off reason that means "a person, now": no further questions before the ticket.
IMMEDIATE = frozenset({"requested", "complaint", "out_of_scope"})
# Facts the merchant can name by tapping one of their terminals.
_DEVICE_FACTS = ("terminal_model", "serial_number")


def start(
    ctx: Context,
    *,
    reason: str,
    intent: str,
    symptom: str = "",
    tried: str = "",
    seed: dict[str, Any] | None = None,
) -> Reply:
    conversation = ctx.conversation
    recent = _recent_ticket_number(conversation, ctx.now)
    if recent:
        return Reply(
            text=_(
                "您的问题已经转给客服，工单号 %(number)s，客服会尽快联系您。"
                "还有别的情况可以继续告诉我。"
            )
            % {"number": recent},
            action="handoff",
            intent=ctx.understanding.intent,
            ticket_number=recent,
        )
    handoff = HandOff.objects.create(
        conversation=conversation,
        sequence=_next_sequence(conversation),
        reason=reason,
        intent=intent if intent != HUMAN or reason == "requested" else "",
        category=desk_category(intent),
        facts=_initial_facts(ctx, intent, symptom, tried, seed or {}),
    )
    if not ctx.is_merchant_user or not ctx.merchants:
        return _no_ticket(ctx, handoff)
    if ctx.merchant is None:
        return _ask_merchant(ctx, handoff)
    if reason in IMMEDIATE:
        return finish(ctx, handoff)
    return _next_question(ctx, handoff)


def continue_collecting(ctx: Context) -> Reply | None:
    """The answer to the fact asked for — or None when the message is a new question."""
    if ctx.state.handoff is None:
        return None
    handoff = HandOff.objects.filter(pk=ctx.state.handoff, conversation=ctx.conversation).first()
    if handoff is None:
        return None
    asking = ctx.state.asking
    understanding = ctx.understanding
    if asking == "merchant":
        # A merchant ID or terminal the merchant named, or a shop name they tapped.
        merchant = ctx.merchant or ctx.merchant_named()
        if merchant is None:
            return None if asks_something_else(ctx) else _ask_merchant(ctx, handoff)
        if handoff.reason in IMMEDIATE:
            return finish(ctx, handoff)
        return _next_question(ctx, handoff)
    if _is_new_question(ctx, handoff):
        return None
    _keep_answer(ctx, handoff, asking)
    if understanding.intent == HUMAN and understanding.action == "handoff":
        return finish(ctx, handoff)  # "just get me a person": stop asking
    return _next_question(ctx, handoff)


# A message this clearly about another topic, while a fact is being asked, is a new question.
NEW_QUESTION_CONFIDENCE = 0.8


def _is_new_question(ctx: Context, handoff: HandOff) -> bool:
    understanding = ctx.understanding
    return (
        understanding.action == "answer"
        and understanding.intent not in NOT_TOPICS
        and understanding.intent != handoff.intent
        and understanding.confidence >= NEW_QUESTION_CONFIDENCE
        and not _SKIP.search(ctx.text.lower())
    )


def _keep_answer(ctx: Context, handoff: HandOff, asking: str) -> None:
    """Store what the merchant said as the fact asked for (and any fact the words name)."""
    facts = dict(handoff.facts)
    facts.update(_facts_from_entities(ctx))
    if asking == "terminal" or asking in _DEVICE_FACTS:
        terminal = ctx.terminal or _terminal_by_choice(ctx)
        if terminal is None and not _SKIP.search(ctx.text.lower()):
            facts["serial_number" if asking == "terminal" else asking] = ctx.text.strip()
    elif asking and asking not in facts:
        facts[asking] = _("不清楚") if _SKIP.search(ctx.text.lower()) else ctx.text.strip()
    handoff.facts = facts
    handoff.save(update_fields=["facts"])


def _next_question(ctx: Context, handoff: HandOff) -> Reply:
    merchant, terminal = ctx.merchant, ctx.terminal
    missing = backends.missing_facts(
        handoff.category, merchant, terminal, handoff.facts, ctx.language
    )
    asked = set(ctx.state.asked) if ctx.state.flow == Flow.COLLECT else set()
    # A fact asked once and still blank (the merchant skipped it) is not asked again.
    missing = [question for question in missing if question.key not in asked]
    if not missing:
        return finish(ctx, handoff)
    question = missing[0]
    terminals = backends.terminals_of(ctx.user, merchant) if merchant is not None else []
    # Model and serial number both come from the terminal record: one tap names the terminal.
    by_terminal = question.key in _DEVICE_FACTS and bool(terminals)
    keys = set(_DEVICE_FACTS) if by_terminal else {question.key}
    state = State(
        flow=Flow.COLLECT,
        topic=handoff.intent,
        handoff=handoff.pk,
        asking="terminal" if by_terminal else question.key,
        asked=sorted(asked | keys),
    )
    count = len(missing) - (1 if by_terminal and len({q.key for q in missing} & keys) > 1 else 0)
    intro = ""
    if not asked:
        intro = (
            # English names no count: "1 more detail(s)" reads as a form, not a person.
            _("我来帮您转给客服。为了让客服直接处理，还需要 %(count)s 项信息。") % {"count": count}
            + "\n"
        )
    if by_terminal:
        text = intro + _("是哪一台终端？请点选终端号，或告诉我机身背面标签上的序列号 (SN)。")
        quick = [t.terminal_id for t in terminals[:6]] + [_("不清楚")]
    else:
        text = intro + _("请问%(label)s？") % {"label": question.label}
        if question.hint:
            text += _("（%(hint)s）") % {"hint": question.hint}
        quick = [_("不清楚")]
    return Reply(
        text=text, action="ask", intent=handoff.intent or HUMAN, quick_replies=quick, state=state
    )


def finish(ctx: Context, handoff: HandOff) -> Reply:
    """Open the ticket and tell the merchant what happens next."""
    conversation = ctx.conversation
    merchant, terminal = ctx.merchant, ctx.terminal
    assert merchant is not None, "a hand-off is finished only once the merchant is known"
    transcript = [
        {
            "at": message.created_at.isoformat(),
            "from": "merchant" if message.direction == "in" else "assistant",
            "text": message.text,
            "intent": message.intent,
        }
        for message in conversation.messages.order_by("created_at", "id")
    ]
    # Worded by the system: the desk keeps it in Chinese and English, whichever language the
    # chat was in (the merchant's symptom as they wrote it).
    description = lazy_format(
        gettext_lazy("智能助手转人工（%(reason)s）：%(topic)s。%(symptom)s"),
        reason=HandOff.Reason(handoff.reason).label,
        topic=INTENT_LABELS.get(handoff.intent or HUMAN, handoff.intent or HUMAN),
        symptom=handoff.facts.get("symptom", ""),
    )
    ticket = backends.open_ticket(
        merchant=merchant,
        category=handoff.category,
        description=description,
        facts=handoff.facts,
        terminal=terminal,
        transcript=transcript,
        idempotency_key=f"assistant:{conversation.pk}:{handoff.sequence}",
        opened_by=member_or_none(ctx.user),
    )
    staffing = backends.ticket_staffing(ticket, ctx.now)
    handoff.ticket_id = ticket.pk
    handoff.status = HandOff.Status.TICKET_OPENED
    handoff.completed_at = timezone.now()
    handoff.outside_hours = not staffing.staffed
    conversation.status = Conversation.Status.HANDED_OFF
    conversation.staffed_hours = staffing.hours
    conversation.outside_staffed_hours = not staffing.staffed
    text = _(
        "已为您创建工单 %(number)s（%(category)s），您提供的信息和这段对话已一并转给客服。"
    ) % {
        "number": ticket.number,
        "category": ticket.category,
    }
    if staffing.staffed:
        if ticket.first_response_due_at:
            text += "\n" + _("客服会在 %(when)s 前联系您。") % {
                "when": _local(ticket.first_response_due_at)
            }
        else:
            text += "\n" + _("客服会在值班时间内尽快联系您。")
    else:
        due = staffing.next_open_at + dt.timedelta(hours=1)
        handoff.callback_due_at = due
        # Lazy: the desk keeps the promise in Chinese and English.
        promise = lazy_format(gettext_lazy("回电商户，跟进工单 %(number)s"), number=ticket.number)
        backends.add_callback_commitment(ticket, due_at=due, promise=promise, recorded_by=ctx.user)
        text += "\n" + _(
            "现在不在人工值班时间（%(hours)s）。我们已记录回电承诺：%(when)s 前给您回电。"
        ) % {"hours": staffing.hours, "when": _local(due)}
    handoff.save()
    return Reply(
        text=text,
        action="handoff",
        intent=handoff.intent or HUMAN,
        ticket_number=ticket.number,
    )


def _no_ticket(ctx: Context, handoff: HandOff) -> Reply:
    """No merchant to file a ticket for (a visitor, or a user without a merchant): the
    official hotlines are the way to a person."""
    handoff.status = HandOff.Status.NO_TICKET
    handoff.completed_at = timezone.now()
    handoff.save(update_fields=["status", "completed_at"])
    ctx.conversation.status = Conversation.Status.HANDED_OFF
    lines = [
        f"· {line.institution} {line.number}" for line in backends.hotlines(None, ctx.language)
    ]
    text = _("请拨打官方客服热线，由人工为您处理：") + "\n" + "\n".join(lines)
    if not ctx.is_merchant_user:
        text += "\n" + _("登录商户门户后，我可以直接为您创建工单，客服会主动联系您。")
    return Reply(text=text, action="handoff", intent=handoff.intent or HUMAN)


def _ask_merchant(ctx: Context, handoff: HandOff) -> Reply:
    return Reply(
        text=_("您名下有多个商户，请问是哪一个？"),
        action="ask",
        intent=handoff.intent or HUMAN,
        quick_replies=merchant_choices(ctx.merchants),
        state=State(flow=Flow.COLLECT, topic=handoff.intent, handoff=handoff.pk, asking="merchant"),
    )


def _terminal_by_choice(ctx: Context) -> Terminal | None:
    merchant = ctx.merchant
    terminal = backends.find_terminal(ctx.user, ctx.text)
    if terminal is not None and merchant is not None and terminal.merchant_id == merchant.pk:
        ctx.conversation.terminal = terminal
        return terminal
    return None


def _initial_facts(
    ctx: Context, intent: str, symptom: str, tried: str, seed: dict[str, Any]
) -> dict[str, str]:
    facts = _facts_from_entities(ctx, seed)
    if not symptom:
        symptom = _earlier_symptom(ctx)
    if symptom:
        facts["symptom"] = symptom
    if tried:
        facts["tried"] = _("已按智能助手指引尝试：%(steps)s") % {"steps": tried}
    return facts


def _earlier_symptom(ctx: Context) -> str:
    """What the merchant said about the problem before asking for a person."""
    said = [
        message.text
        for message in ctx.conversation.messages.filter(direction="in").order_by("-id")[:6]
        if message.intent not in ("", HUMAN, "greeting")
    ]
    return said[0] if said else ""


def _facts_from_entities(ctx: Context, seed: dict[str, Any] | None = None) -> dict[str, str]:
    entities = {**(seed or {}), **{k: v for k, v in ctx.entities.items() if v}}
    facts: dict[str, str] = {}
    if entities.get("response_codes"):
        facts["error_code"] = ", ".join(entities["response_codes"])
    dates = entities.get("datetimes") or []
    if entities.get("rrn"):
        facts["recent_transaction"] = _("参考号 %(rrn)s") % {"rrn": entities["rrn"][0]}
    elif entities.get("amounts_fen") and dates:
        facts["recent_transaction"] = (
            f"{dates[0]['text']} {yuan(entities['amounts_fen'][0], grouping=False)}"
        )
    if dates and ctx.state.asking == "started_at":
        facts["started_at"] = dates[0]["text"]
    return facts


def _recent_ticket_number(conversation: Conversation, now: dt.datetime) -> str | None:
    """The number of the ticket this conversation opened in the last two hours, if any."""
    return (
        conversation.handoffs.filter(
            status=HandOff.Status.TICKET_OPENED,
            completed_at__gte=now - dt.timedelta(hours=2),
            ticket__isnull=False,
        )
        .order_by("-completed_at")
        .values_list("ticket__number", flat=True)
        .first()
    )


def _next_sequence(conversation: Conversation) -> int:
    current = conversation.handoffs.aggregate(top=Max("sequence"))["top"] or 0
    return current + 1


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
