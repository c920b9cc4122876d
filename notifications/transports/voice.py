"""Automated voice calls (text-to-speech notices) through a provider adapter; agents' own
calls are logged by the desk and outreach apps, not here."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.utils.module_loading import import_string

from notifications.transports.base import Message, Transport, TransportError

logger = logging.getLogger("poscare.voice")


class VoiceProvider:
    def call(self, number: str, script: str) -> str:
        raise NotImplementedError


class LoggingVoiceProvider(VoiceProvider):
    placed: list[tuple[str, str]] = []

    def call(self, number: str, script: str) -> str:
        logger.info("Voice call to %s: %s", number, script)
        LoggingVoiceProvider.placed.append((number, script))
        return uuid.uuid4().hex[:12]


def voice_provider() -> VoiceProvider:
    path = getattr(
        settings, "VOICE_PROVIDER", "notifications.transports.voice.LoggingVoiceProvider"
    )
    return import_string(path)()


class VoiceTransport(Transport):
    channel = "voice"

    def send(self, message: Message) -> str:
        try:
            return voice_provider().call(message.address, f"{message.subject}。{message.body}")
        except Exception as error:  # noqa: BLE001
            raise TransportError(str(error)) from error
