"""One Transport per channel, each in its own module; every attempt becomes a Delivery row."""

from __future__ import annotations

from notifications.transports.base import Transport
from notifications.transports.email import EmailTransport
from notifications.transports.sms import SmsTransport
from notifications.transports.voice import VoiceTransport
from notifications.transports.wechat import WeChatTransport

TRANSPORTS: dict[str, type[Transport]] = {
    "email": EmailTransport,
    "sms": SmsTransport,
    "voice": VoiceTransport,
    "wechat": WeChatTransport,
}
