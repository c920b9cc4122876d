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
    """A send that failed. `transient`: the provider certainly did not send it and may later
    (unreachable, or busy), so notifications.services.deliver tries it again.
    `outcome_unknown`: the provider got it but did not answer — perhaps delivered, never tried
    again. `unreachable`: this channel cannot reach the recipient now (the notice goes by
    another channel where there is one)."""

    def __init__(
        self,
        message: str,
        *,
        transient: bool = False,
        outcome_unknown: bool = False,
        unreachable: bool = False,
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.outcome_unknown = outcome_unknown
        self.unreachable = unreachable


class Transport:
    """Deliver one message; return the provider's reference, raise TransportError on failure."""

    channel = ""

    def send(self, message: Message) -> str:
        raise NotImplementedError
