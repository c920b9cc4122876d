from __future__ import annotations

import signal
import time
from typing import Any

from django.core.cache import cache
from django.core.management.base import BaseCommand

from core.scheduler import periodic_jobs

# When each job is next due (wall-clock seconds), kept in the cache (Redis in production) so
# that a restart or a deploy does not enqueue every daily job (the ledger audit, the fleet
# model's predictions) again at once, under the users' traffic.
NEXT_RUN_KEY = "scheduler:next-run:{}"


def _due_times(names: list[str]) -> dict[str, float]:
    stored = cache.get_many([NEXT_RUN_KEY.format(name) for name in names])
    return {name: float(stored.get(NEXT_RUN_KEY.format(name), 0.0)) for name in names}


class Command(BaseCommand):
    help = "Enqueue the registered periodic tasks when they are due; stops cleanly on SIGTERM."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue every job once and exit.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        running = True

        def stop(signum: int, frame: Any) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        jobs = periodic_jobs()
        next_run = {job.name: 0.0 for job in jobs} if once else _due_times([j.name for j in jobs])
        while running:
            now = time.time()
            for job in periodic_jobs():
                if now >= next_run.get(job.name, 0.0):
                    job.task.enqueue()
                    next_run[job.name] = now + job.every_seconds
                    cache.set(NEXT_RUN_KEY.format(job.name), next_run[job.name], job.every_seconds)
            if once:
                return
            time.sleep(1)
