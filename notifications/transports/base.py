from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    address: str  # e-mail address, E.164 phone number, or <integration>:<openid> (WeChat)
    subject: str
    body: str
    link: str = ""
    # E-mail only: where replies go (a ticket's signed reply address, so a reply lands on it).
    reply_to: str = ""
    # The English text where the notice has one (WeChat sends it to followers who bound in
    # English); e-mail, SMS and voice go out in Chinese.
    subject_en: str = ""
    body_en: str = ""
    # A line in a conversation (notifications.events.Event.in_conversation).
    in_conversation: bool = False


class TransportError(Exception):
    """A send that failed. `transient`: the provider did not answer or was busy, so the same
    send may succeed later (notifications.services.deliver tries it again)."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class Transport:
    """Deliver one message; return the provider's reference, raise TransportError on failure."""

    channel = ""

    def send(self, message: Message) -> str:
        raise NotImplementedError
