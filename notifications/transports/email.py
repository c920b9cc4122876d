from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from notifications.transports.base import Message, Transport, TransportError


class EmailTransport(Transport):
    """E-mail through Django's configured backend (SMTP in production, console in the demo)."""

    channel = "email"

    def send(self, message: Message) -> str:
        body = message.body
        if message.link:
            body += f"\n\n{settings.SITE_URL.rstrip('/')}{message.link}"
        reply_to = [message.reply_to] if message.reply_to else None
        email = EmailMessage(message.subject, body, to=[message.address], reply_to=reply_to)
        try:
            email.send(fail_silently=False)
        except (smtplib.SMTPException, OSError) as error:
            raise TransportError(str(error)) from error
        return email.extra_headers.get("Message-ID", "")
