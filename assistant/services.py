"""Writes of the assistant: starting a conversation and posting a message to it (the
merchant's message, masked; the dialogue's reply; any hand-off), atomically."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from assistant import dialogue
from assistant.intents import INTENT_LABELS
from assistant.models import Article, Conversation, Message, session_digest
from assistant.nlu import Model, SecondOpinion, mask_pans, understand
from assistant.turn import Context, Reply, State
from core.errors import BilingualError, lazy_format
from core.masking import mask_pans_in_text

if TYPE_CHECKING:
    from core.types import Viewer

MAX_MESSAGE_LENGTH = 1000
# A conversation untouched for this long is not resumed; the next message starts a new one.
RESUME_WITHIN = dt.timedelta(hours=12)
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-zA-Z]{2,}")


class AssistantError(BilingualError):
    pass


@dataclass
class Exchange:
    inbound: Message
    # None while an agent holds the conversation: the assistant does not answer, the agent does.
    outbound: Message | None
    reply: Reply | None
    # The message had been sent already (a double tap, a retried request): nothing was stored
    # again and this is the first sending's exchange.
    repeated: bool = False


def mask_message(text: str) -> str:
    """The only form of a merchant's message that is stored: every full card number masked
    (labelled ones even when the checksum fails, then any Luhn-valid 13–19 digits)."""
    return mask_pans_in_text(mask_pans(text))


def reply_language(text: str, default: str, offered: list[str] | None = None) -> str:
    """Answer in the language the merchant wrote in; the conversation's language (the last
    reply's) when the message is a quick reply the assistant offered — a shop's name is Chinese
    in an English chat — or has words of neither language."""
    if text in (offered or []):
        return default
    if _CJK.search(text):
        return "zh-hans"
    if _LATIN.search(text):
        return "en"
    return default


def current_conversation(
    user: Viewer, session_key: str | None, channel: str = Conversation.Channel.PORTAL
) -> Conversation | None:
    """The conversation this user (or anonymous session) is in, if any, to resume it."""
    if isinstance(user, User):
        conversations = Conversation.objects.filter(user=user)
    else:
        conversations = Conversation.objects.of_session(session_key or "")
    return (
        conversations.filter(
            channel=channel,
            updated_at__gte=timezone.now() - RESUME_WITHIN,
        )
        .exclude(status=Conversation.Status.CLOSED)
        .order_by("-updated_at")
        .first()
    )


def start_conversation(
    *, user: Viewer, session_key: str | None, channel: str, language: str = "zh-hans"
) -> Conversation:
    member = user if isinstance(user, User) else None
    if member is None and not session_key:
        raise AssistantError(_("匿名对话需要会话标识"))
    conversation = Conversation(
        user=member,
        session_digest="" if member else session_digest(session_key or ""),
        channel=channel,
        language=language,
    )
    if member is not None and member.is_merchant_user:
        merchants = list(member.merchants.all()[:2])
        if len(merchants) == 1:
            conversation.merchant = merchants[0]
    conversation.save()
    return conversation


def close_conversation(conversation: Conversation) -> None:
    conversation.status = Conversation.Status.CLOSED
    conversation.state = {}
    conversation.save(update_fields=["status", "state", "updated_at"])


def second_opinion() -> SecondOpinion | None:
    """The configured second opinion (``ASSISTANT_SECOND_OPINION_URL``), or None: off."""
    url = getattr(settings, "ASSISTANT_SECOND_OPINION_URL", "")
    if not url:
        return None
    return SecondOpinion(
        url=url,
        model=settings.ASSISTANT_SECOND_OPINION_MODEL,
        timeout_seconds=settings.ASSISTANT_SECOND_OPINION_TIMEOUT_MS / 1000,
        api_key=settings.ASSISTANT_SECOND_OPINION_API_KEY,
    )


def intent_meanings() -> dict[str, str]:
    """Our intents in plain English, for the second opinion's prompt."""
    with translation.override("en"):
        return {intent: str(label) for intent, label in INTENT_LABELS.items()}


@transaction.atomic
def post_message(
    conversation: Conversation,
    text: str,
    *,
    user: Viewer,
    now: dt.datetime | None = None,
    model: Model | None = None,
    after: int | None = None,
) -> Exchange:
    """Store the merchant's message (masked), answer it, store the answer.

    ``after`` is the last message the sender had seen (the page's, or the API's ``message``):
    the same text sent again after the same message is the same message sent twice and is
    answered by the first sending's exchange, creating nothing."""
    text = (text or "").strip()
    if not text:
        raise AssistantError(_("请输入您的问题"))
    if len(text) > MAX_MESSAGE_LENGTH:
        raise AssistantError(
            lazy_format(_("消息太长：最多 %(limit)s 个字"), limit=MAX_MESSAGE_LENGTH)
        )
    now = timezone.localtime(now or timezone.now())
    # Understood before the lock: a second opinion may take a moment.
    understanding = understand(
        text, now=now, model=model, second_opinion=second_opinion(), meanings=intent_meanings()
    )
    # Lock the conversation: two messages sent at once must not both move its state.
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    masked = mask_message(text)
    if after is not None and (repeated := _sent_already(conversation, masked, after)):
        return repeated
    if conversation.agent_id is not None:
        # An agent has taken the conversation over: keep the message for them, say nothing.
        inbound = Message.objects.create(
            conversation=conversation, direction=Message.Direction.IN, text=masked
        )
        conversation.save(update_fields=["updated_at"])
        return Exchange(inbound=inbound, outbound=None, reply=None)
    inbound = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.IN,
        text=masked,
        intent=understanding.intent,
        confidence=understanding.confidence,
        action=understanding.action,
        entities=understanding.entities,
        second_opinion=understanding.second_opinion,
    )
    last = conversation.messages.filter(direction=Message.Direction.OUT).last()
    language = reply_language(text, conversation.language, last.quick_replies if last else [])
    with translation.override(language):
        ctx = Context(
            user=user,
            conversation=conversation,
            understanding=understanding,
            text=masked,
            now=now,
            language="en" if language == "en" else "zh",
            state=State.from_json(conversation.state),
        )
        reply = dialogue.respond(ctx)
        conversation.state = reply.state.to_json()
        reply.text = mask_pans_in_text(reply.text)
        reply.quick_replies = [str(label) for label in reply.quick_replies]
    outbound = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.OUT,
        text=reply.text,
        intent=reply.intent,
        action=reply.action,
        quick_replies=reply.quick_replies,
    )
    if reply.unanswered or reply.action == Message.Action.CLARIFY:
        inbound.unanswered = True
        inbound.save(update_fields=["unanswered"])
    conversation.last_intent = understanding.intent
    conversation.language = language  # the next quick reply tapped is answered in it too
    conversation.save()
    return Exchange(inbound=inbound, outbound=outbound, reply=reply)


def _sent_already(conversation: Conversation, masked: str, after: int) -> Exchange | None:
    """The exchange of this text sent already after message ``after`` of the conversation."""
    messages = conversation.messages.filter(pk__gt=after)
    inbound = messages.filter(direction=Message.Direction.IN, text=masked).first()
    if inbound is None:
        return None
    outbound = messages.filter(pk__gt=inbound.pk, direction=Message.Direction.OUT).first()
    return Exchange(inbound=inbound, outbound=outbound, reply=None, repeated=True)


@transaction.atomic
def converse(
    conversation: Conversation | None,
    text: str,
    *,
    user: Viewer,
    session_key: str | None,
    channel: str,
    language: str = "zh-hans",
    after: int | None = None,
) -> Exchange:
    """Post a message, starting the conversation first when there is none — in one
    transaction, so a message that fails (bad input, a busy database) leaves no empty
    conversation behind."""
    if conversation is None:
        conversation = start_conversation(
            user=user, session_key=session_key, channel=channel, language=language
        )
    return post_message(conversation, text, user=user, after=after)


@transaction.atomic
def save_article(article: Article, *, by: User) -> Article:
    article.updated_by = by
    article.save()
    return article
