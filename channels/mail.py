"""E-mail to ticket: a mail from a merchant contact opens a ticket; a reply to a ticket's
signed reply address lands on that ticket, with its attachments. Automatic mail, mail from
our own mailbox and senders writing too often are recorded and ignored (no loops); every
Message-ID is processed once; card numbers are masked before anything is stored."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from channels import mail_rules
from channels.models import InboundMail
from core.masking import mask_pans_in_text

if TYPE_CHECKING:
    from accounts.models import User
    from desk.models import Ticket
    from merchants.models import Merchant

MAX_MAIL_BYTES = 10 * 1024 * 1024
MAX_BODY_CHARS = 20_000
MAX_ATTACHMENTS = 5
SENDER_LIMIT_PER_HOUR = 20


def mailbox() -> str:
    return str(settings.DESK_MAILBOX)


def reply_address(ticket: Ticket) -> str:
    """Where a merchant replies to reach this ticket (put in Reply-To of mail we send)."""
    return mail_rules.reply_address(ticket.number or "", settings.SECRET_KEY, mailbox())


@dataclass(frozen=True)
class Parsed:
    message_id: str
    sender: str
    subject: str
    body: str
    headers: dict[str, str]
    attachments: list[tuple[str, bytes]]


def parse(raw: bytes) -> Parsed:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    sender = parseaddr(str(message.get("From", "")))[1].strip().lower()[:200]
    message_id = str(message.get("Message-ID", "")).strip()[:200]
    if not message_id:  # no id: the content identifies it, so a resend is still one mail
        message_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    part = message.get_body(preferencelist=("plain", "html"))
    body = part.get_content() if part is not None else ""
    attachments = []
    for attachment in list(message.iter_attachments())[:MAX_ATTACHMENTS]:
        content = attachment.get_payload(decode=True)
        if isinstance(content, bytes):
            attachments.append((attachment.get_filename() or "attachment", content))
    return Parsed(
        message_id=message_id,
        sender=sender,
        subject=mask_pans_in_text(str(message.get("Subject", "")))[:200],
        body=mask_pans_in_text(body.strip())[:MAX_BODY_CHARS],
        headers={name: str(value) for name, value in message.items()},
        attachments=attachments,
    )


def _merchants_of(sender: str) -> list[Any]:
    from merchants.models import Merchant

    return list(Merchant.objects.filter(contacts__email__iexact=sender).distinct()[:2])


def _author(merchant: Merchant) -> User | None:
    return merchant.members.filter(is_active=True).order_by("pk").first()


def _attach_all(ticket: Ticket, mail: Parsed, by: User | None) -> None:
    from desk.services import DeskError, attach_file

    for name, content in mail.attachments:
        try:
            attach_file(ticket, SimpleUploadedFile(name[:100], content), by=by)
        except DeskError:
            continue  # not a receipt photo or PDF, or too large: the mail itself is kept


def _reply(mail: Parsed, number: str, merchants: list[Any]) -> tuple[str, Any]:
    from desk.models import Ticket
    from desk.services import DeskError, add_interaction

    ticket = Ticket.objects.filter(number=number, merchant__in=merchants).first()
    author = _author(ticket.merchant) if ticket else None
    if ticket is None or author is None:
        return InboundMail.Outcome.UNMATCHED, None
    try:
        add_interaction(ticket, by=author, body=mail.body or mail.subject, channel="email")
    except DeskError:  # closed: the reply opens a new ticket instead
        return _open(mail, ticket.merchant)
    _attach_all(ticket, mail, author)
    return InboundMail.Outcome.REPLIED, ticket


def _open(mail: Parsed, merchant: Merchant) -> tuple[str, Any]:
    from desk.services import open_ticket

    ticket = open_ticket(
        merchant=merchant,
        category="other",
        description=f"{mail.subject}\n\n{mail.body}".strip() or gettext_lazy("（空邮件）"),
        channel="email",
        opened_by=_author(merchant),
        idempotency_key=f"mail:{hashlib.sha256(mail.message_id.encode()).hexdigest()[:60]}",
    )
    _attach_all(ticket, mail, _author(merchant))
    return InboundMail.Outcome.OPENED, ticket


def _decide(mail: Parsed, recipients: list[str], now: dt.datetime) -> tuple[str, Any]:
    own = mailbox().lower().partition("@")[2]
    if mail_rules.is_automatic(mail.headers, mail.sender) or mail.sender.endswith("@" + own):
        return InboundMail.Outcome.AUTOMATIC, None
    recent = InboundMail.objects.filter(
        sender=mail.sender, received_at__gte=now - dt.timedelta(hours=1)
    )
    if recent.count() >= SENDER_LIMIT_PER_HOUR:
        return InboundMail.Outcome.THROTTLED, None
    merchants = _merchants_of(mail.sender)
    if not merchants:
        return InboundMail.Outcome.UNMATCHED, None
    for address in recipients:
        if number := mail_rules.ticket_number(address, settings.SECRET_KEY):
            return _reply(mail, number, merchants)
    if len(merchants) != 1:
        return InboundMail.Outcome.UNMATCHED, None
    return _open(mail, merchants[0])


def receive(
    raw: bytes, recipients: list[str] | None = None, now: dt.datetime | None = None
) -> InboundMail:
    """Take one mail as received (SMTP envelope recipients, else its To and Cc)."""
    now = now or timezone.now()
    if len(raw) > MAX_MAIL_BYTES:
        raise ValueError("mail too large")
    mail = parse(raw)
    if found := InboundMail.objects.filter(message_id=mail.message_id).first():
        return found
    if not recipients:
        recipients = [
            a for _n, a in getaddresses([mail.headers.get("To", ""), mail.headers.get("Cc", "")])
        ]
    try:
        with transaction.atomic():
            outcome, ticket = _decide(mail, recipients, now)
            return InboundMail.objects.create(
                message_id=mail.message_id,
                sender=mail.sender,
                subject=mail.subject,
                outcome=outcome,
                ticket=ticket,
                received_at=now,
            )
    except IntegrityError:
        return InboundMail.objects.get(message_id=mail.message_id)
