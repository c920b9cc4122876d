from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    address: str  # e-mail address or E.164 phone number
    subject: str
    body: str
    link: str = ""
    # E-mail only: where replies go (a ticket's signed reply address, so a reply lands on it).
    reply_to: str = ""


class TransportError(Exception):
    pass


class Transport:
    """Deliver one message; return the provider's reference, raise TransportError on failure."""

    channel = ""

    def send(self, message: Message) -> str:
        raise NotImplementedError
