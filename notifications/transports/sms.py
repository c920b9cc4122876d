"""SMS through a provider adapter. The demo uses LoggingSmsProvider; a real provider is a class
with `send_sms(number, text) -> reference` named in the SMS_PROVIDER setting."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.utils.module_loading import import_string

from notifications.transports.base import Message, Transport, TransportError

logger = logging.getLogger("poscare.sms")


class SmsProvider:
    def send_sms(self, number: str, text: str) -> str:
        raise NotImplementedError


class LoggingSmsProvider(SmsProvider):
    """Writes the message to the log instead of a carrier (demo and tests)."""

    sent: list[tuple[str, str]] = []

    def send_sms(self, number: str, text: str) -> str:
        reference = uuid.uuid4().hex[:12]
        logger.info("SMS to %s: %s", number, text)
        LoggingSmsProvider.sent.append((number, text))
        return reference


def sms_provider() -> SmsProvider:
    path = getattr(settings, "SMS_PROVIDER", "notifications.transports.sms.LoggingSmsProvider")
    return import_string(path)()


class SmsTransport(Transport):
    channel = "sms"

    def send(self, message: Message) -> str:
        text = f"{message.subject}：{message.body}"[:300]
        try:
            return sms_provider().send_sms(message.address, text)
        except Exception as error:  # noqa: BLE001 - any provider failure is recorded, not raised
            raise TransportError(str(error)) from error
