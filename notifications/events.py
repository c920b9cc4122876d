"""The kinds of notification apps send, so people can choose what they receive.

Apps register their events at import time (from AppConfig.ready()); the preferences page lists
them. Unregistered events still send, with the default channels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import User

INBOX, EMAIL, SMS, VOICE, WECHAT = "inbox", "email", "sms", "voice", "wechat"
CHANNELS = (INBOX, EMAIL, SMS, VOICE, WECHAT)
CHANNEL_LABELS = {
    INBOX: _("站内消息"),
    EMAIL: _("邮件"),
    SMS: _("短信"),
    VOICE: _("电话"),
    WECHAT: _("微信"),
}


@dataclass(frozen=True)
class Event:
    key: str
    label: Any  # lazy translation
    audience: str  # "merchant", "staff" or "both"
    default_channels: tuple[str, ...] = (INBOX, EMAIL)
    # A line in a conversation the recipient is having with us (an agent's reply): WeChat
    # sends it as a chat message while its customer-service window is open.
    in_conversation: bool = False


_events: dict[str, Event] = {}


def register_event(
    key: str,
    label: Any,
    audience: str = "both",
    default_channels: tuple[str, ...] = (INBOX, EMAIL),
    *,
    in_conversation: bool = False,
) -> None:
    _events[key] = Event(key, label, audience, default_channels, in_conversation)


def get_event(key: str) -> Event:
    return _events.get(key) or Event(key, key, "both")


def events_for(user: User) -> list[Event]:
    audience = "staff" if getattr(user, "is_agent", False) else "merchant"
    return [
        e for e in sorted(_events.values(), key=lambda e: e.key) if e.audience in (audience, "both")
    ]
