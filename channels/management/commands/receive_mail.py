"""Run the desk's SMTP receiver until stopped:
`manage.py receive_mail --host 127.0.0.1 --port 8025`."""

from __future__ import annotations

import signal
import threading
from typing import Any

from aiosmtpd.controller import Controller
from django.core.management.base import BaseCommand, CommandParser

from channels.mail import MAX_MAIL_BYTES
from channels.smtp import DeskMailHandler


class Command(BaseCommand):
    help = "Receive mail for the desk over SMTP and turn it into tickets and replies"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8025)

    def handle(self, *args: Any, **options: Any) -> None:
        controller = Controller(
            DeskMailHandler(),
            hostname=options["host"],
            port=options["port"],
            data_size_limit=MAX_MAIL_BYTES,
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        controller.start()
        self.stdout.write(f"receiving mail on {options['host']}:{options['port']}")
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
