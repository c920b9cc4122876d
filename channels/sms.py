"""Two-way SMS: what merchants text back to our number. Each provider's webhook format is one
small parser to the same `Incoming` shape; routing is shared: 退订 / TD / STOP changes the
merchant's outreach preferences at once, a reply to an open ticket lands on it, anything
else goes to the assistant and its answer is returned for the provider to send back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from channels import calls
from channels.models import InboundSms, Integration
from core.errors import BilingualError, lazy_format
from core.masking import mask_pans_in_text

if TYPE_CHECKING:
    from desk.models import Ticket
    from merchants.models import Merchant

STOP_WORDS = frozenset({"退订", "TD", "T", "STOP", "UNSUBSCRIBE", "N"})
TICKET_REPLY_WITHIN = dt.timedelta(days=7)
MAX_MESSAGES = 100


class SmsError(BilingualError):
    pass


@dataclass(frozen=True)
class Incoming:
    message_id: str
    sender: str
    text: str
    received_at: dt.datetime


def _required(item: dict[str, Any], name: str, limit: int) -> str:
    value = item.get(name)
    if not isinstance(value, str | int) or not str(value).strip():
        raise SmsError(lazy_format(_("缺少字段“%(field)s”"), field=name))
    if len(str(value)) > limit:
        raise SmsError(
            lazy_format(_("字段“%(field)s”太长：最多 %(limit)s 个字符"), field=name, limit=limit)
        )
    return str(value).strip()


def _time(raw: Any, now: dt.datetime) -> dt.datetime:
    at = parse_datetime(raw) if isinstance(raw, str) else None
    if at is not None and at.tzinfo is None:
        at = timezone.make_aware(at)  # providers in China send local time without a zone
    return at or now


def parse_generic(payload: Any, now: dt.datetime) -> list[Incoming]:
    """`{"messages": [{"id", "from", "text", "received_at"?}]}`"""
    items = payload.get("messages") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        raise SmsError(_("请求应包含 messages 列表"))
    return [
        Incoming(
            _required(item, "id", 80),
            _required(item, "from", 32),
            mask_pans_in_text(_required(item, "text", 500)),
            _time(item.get("received_at"), now),
        )
        for item in _objects(items)
    ]


def parse_aliyun(payload: Any, now: dt.datetime) -> list[Incoming]:
    """Aliyun SMS up-link report (SmsUp): a JSON list of
    `{"phone_number", "content", "send_time", "sequence_id", "sign_name", "dest_code"}`."""
    if not isinstance(payload, list):
        raise SmsError(_("请求应为 JSON 列表"))
    return [
        Incoming(
            _required(item, "sequence_id", 80),
            _required(item, "phone_number", 32),
            mask_pans_in_text(_required(item, "content", 500)),
            _time(item.get("send_time"), now),
        )
        for item in _objects(payload)
    ]


def _objects(items: list[Any]) -> list[dict[str, Any]]:
    if not items:
        raise SmsError(_("请求中没有短信"))
    if len(items) > MAX_MESSAGES:
        raise SmsError(lazy_format(_("一次最多 %(limit)s 条短信"), limit=MAX_MESSAGES))
    if not all(isinstance(item, dict) for item in items):
        raise SmsError(_("每条短信应为 JSON 对象"))
    return items


PARSERS: dict[str, Callable[[Any, dt.datetime], list[Incoming]]] = {
    "generic": parse_generic,
    "aliyun": parse_aliyun,
}


def is_stop(text: str) -> bool:
    return text.strip().strip("。.!！").upper() in STOP_WORDS


def _unsubscribe(merchant: Merchant) -> str:
    from outreach.models import ContactPreference
    from outreach.services import update_preferences

    current = ContactPreference.objects.filter(merchant=merchant).first()
    channels = current.channels if current else ["inbox", "email", "sms", "voice", "phone"]
    update_preferences(
        merchant,
        user=None,
        channels=[c for c in channels if c != "sms"],
        marketing_opt_in=False,
    )
    return str(_("您已退订短信通知，之后只通过站内消息、邮件或电话联系您。"))


def _open_ticket_for(merchant: Merchant, now: dt.datetime) -> Ticket | None:
    from desk.models import Ticket

    return (
        Ticket.objects.filter(
            merchant=merchant, is_open=True, updated_at__gte=now - TICKET_REPLY_WITHIN
        )
        .order_by("-updated_at")
        .first()
    )


def _to_assistant(merchant: Merchant, text: str) -> str:
    from assistant import services as assistant
    from assistant.models import Conversation

    user = merchant.members.filter(is_active=True).order_by("pk").first()
    if user is None:
        return ""
    conversation = assistant.current_conversation(user, None, Conversation.Channel.API)
    if conversation is None:
        conversation = assistant.start_conversation(
            user=user, session_key=None, channel=Conversation.Channel.API
        )
    exchange = assistant.post_message(conversation, text, user=user)
    return exchange.outbound.text if exchange.outbound is not None else ""


def _route(sms: InboundSms, integration: Integration, now: dt.datetime) -> None:
    from desk.services import add_interaction

    found = calls.candidates_for(sms.sender, integration)
    if len(found) != 1:
        sms.route = InboundSms.Route.UNMATCHED
        return
    merchant = sms.merchant = found[0]
    if is_stop(sms.text):
        sms.route, sms.reply = InboundSms.Route.UNSUBSCRIBE, _unsubscribe(merchant)
        return
    ticket = _open_ticket_for(merchant, now)
    author = merchant.members.filter(is_active=True).order_by("pk").first()
    if ticket is not None and author is not None:
        # The desk has no SMS channel of its own: a text comes from the merchant's phone.
        body = str(_("【短信】%(text)s")) % {"text": sms.text}
        add_interaction(ticket, by=author, body=body, channel="phone")
        sms.route, sms.ticket = InboundSms.Route.TICKET, ticket
        return
    sms.route, sms.reply = InboundSms.Route.ASSISTANT, _to_assistant(merchant, sms.text)


def receive(
    integration: Integration, message: Incoming, now: dt.datetime
) -> tuple[InboundSms, bool]:
    """Record and route one text; (existing, False) when the provider resent it."""
    existing = InboundSms.objects.filter(integration=integration, message_id=message.message_id)
    if found := existing.first():
        return found, False
    sms = InboundSms(
        integration=integration,
        message_id=message.message_id,
        sender=message.sender,
        text=message.text,
        received_at=message.received_at,
    )
    try:
        with transaction.atomic():
            _route(sms, integration, now)
            sms.save()
    except IntegrityError:
        return existing.get(), False
    return sms, True
