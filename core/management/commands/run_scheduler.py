from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.scheduler import periodic_jobs


class Command(BaseCommand):
    help = "Enqueue the registered periodic tasks when they are due; stops cleanly on SIGTERM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue every job once and exit.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        running = True

        def stop(signum: int, frame: Any) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        next_run = {job.name: 0.0 for job in periodic_jobs()}
        while running:
            now = time.monotonic()
            for job in periodic_jobs():
                if now >= next_run.get(job.name, 0.0):
                    job.task.enqueue()
                    next_run[job.name] = now + job.every_seconds
            if once:
                return
            time.sleep(1)
