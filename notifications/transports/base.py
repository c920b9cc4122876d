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


class TransportError(Exception):
    pass


class Transport:
    """Deliver one message; return the provider's reference, raise TransportError on failure."""

    channel = ""

    def send(self, message: Message) -> str:
        raise NotImplementedError
