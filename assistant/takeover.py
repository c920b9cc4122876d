"""Live chat take-over: an agent joins a merchant's conversation with the assistant (portal,
WeChat or SMS) and answers in person.

- Only staff take over, reply and release (`check_staff`; the views turn the refusal into a
  403). One agent holds a conversation at a time; another agent cannot reply in it until it is
  released (a supervisor may release anyone's).
- While an agent holds it, `services.post_message` keeps the merchant's messages and the
  assistant says nothing; the agent's messages carry the agent number, which is what the
  merchant sees (never a name).
- Release returns the conversation to the assistant. Each step leaves a line in the
  conversation that the merchant reads ("坐席 A1001 已接入").
- Conversations outside the portal (WeChat, SMS: channel "api") get the agent's words through
  `deliver_to_merchant`, which sends them as a notification to the merchant user (inbox, and
  WeChat when the user follows the account — the notifications app's WeChat transport: a
  customer-service message within 48 hours of the follower's last message, a template
  message after that; a send that got no answer is tried again by the notifications task).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import check_staff, check_supervisor
from assistant.models import Conversation, Message
from assistant.services import MAX_MESSAGE_LENGTH, AssistantError, mask_message
from core.errors import PermissionDeniedError, lazy_format

HELD_BY_OTHER = _("另一位坐席正在处理这段对话")
NOT_HOLDING = _("请先接管这段对话")


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def _note(conversation: Conversation, text: Any, agent_no: str = "") -> Message:
    """A line the merchant reads in the conversation (joined, left), in its language."""
    from django.utils import translation

    with translation.override(conversation.language or "zh-hans"):
        body = str(text)
    return Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.AGENT,
        text=body,
        agent_no=agent_no,
        action=Message.Action.HANDOFF,
    )


@transaction.atomic
def take_over(conversation: Conversation, *, by: Any) -> Conversation:
    """The agent joins; the assistant stops answering. Taking over one's own is a no-op."""
    agent = check_staff(by)
    conversation = _locked(conversation)
    if conversation.agent_id == agent.pk:
        return conversation
    if conversation.agent_id is not None:
        raise PermissionDeniedError(HELD_BY_OTHER)
    if conversation.status == Conversation.Status.CLOSED:
        raise AssistantError(_("对话已结束"))
    conversation.agent = agent
    conversation.taken_over_at = timezone.now()
    conversation.save(update_fields=["agent", "taken_over_at", "updated_at"])
    agent_no = agent.agent_no or ""
    note = _note(
        conversation,
        lazy_format(_("坐席 %(agent_no)s 已接入，接下来由人工为您服务。"), agent_no=agent_no),
        agent_no,
    )
    deliver_to_merchant(conversation, note)
    return conversation


@transaction.atomic
def agent_reply(conversation: Conversation, text: str, *, by: Any) -> Message:
    """The holding agent's answer, masked like every message, signed with the agent number."""
    agent = check_staff(by)
    conversation = _locked(conversation)
    if conversation.agent_id != agent.pk:
        raise PermissionDeniedError(NOT_HOLDING if conversation.agent_id is None else HELD_BY_OTHER)
    text = (text or "").strip()
    if not text:
        raise AssistantError(_("请输入回复内容"))
    if len(text) > MAX_MESSAGE_LENGTH:
        raise AssistantError(
            lazy_format(_("消息太长：最多 %(limit)s 个字"), limit=MAX_MESSAGE_LENGTH)
        )
    message = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.AGENT,
        text=mask_message(text),
        agent_no=agent.agent_no or "",
    )
    conversation.save(update_fields=["updated_at"])
    deliver_to_merchant(conversation, message)
    return message


@transaction.atomic
def release(conversation: Conversation, *, by: Any) -> Conversation:
    """Hand the conversation back to the assistant: the holder, or a supervisor for anyone."""
    agent = check_staff(by)
    conversation = _locked(conversation)
    if conversation.agent_id is None:
        return conversation
    if conversation.agent_id != agent.pk:
        check_supervisor(agent, HELD_BY_OTHER)
    conversation.agent = None
    conversation.taken_over_at = None
    conversation.save(update_fields=["agent", "taken_over_at", "updated_at"])
    note = _note(conversation, _("人工服务已结束，智能助手继续为您服务。"))
    deliver_to_merchant(conversation, note)
    return conversation


def new_agent_messages(conversation: Conversation, after: int) -> list[Message]:
    """The agent's lines after message `after`, for the merchant's chat to show as they come
    (the merchant's own messages and the assistant's answers arrive with each send)."""
    return list(
        conversation.messages.filter(direction=Message.Direction.AGENT, pk__gt=after).order_by("pk")
    )


def deliver_to_merchant(conversation: Conversation, message: Message) -> None:
    """The portal chat shows agent lines by itself (it polls). A conversation from WeChat or
    SMS has no page to poll: the line goes to the merchant user as a notification (its
    e-mail, SMS or WeChat part leaves after the commit)."""
    if conversation.channel == Conversation.Channel.PORTAL or conversation.user is None:
        return
    from notifications.services import notify

    notify(
        conversation.user,
        event="assistant.agent_reply",
        subject=lazy_format(_("坐席 %(agent_no)s 的回复"), agent_no=message.agent_no or "—"),
        body=message.text,
    )
