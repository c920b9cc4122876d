"""The desk's SMTP receiver (aiosmtpd): a mail server in front of poscare forwards the desk's
mailbox here (`manage.py receive_mail --port 8025`), and each mail goes to `channels.mail`.
Mail over 10 MB is refused at the SMTP level, so the sender's server tells the sender."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async

from channels import mail


class DeskMailHandler:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd API
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        if len(raw) > mail.MAX_MAIL_BYTES:
            return "552 Message too large"
        await sync_to_async(mail.receive, thread_sensitive=True)(raw, list(envelope.rcpt_tos))
        return "250 OK"
