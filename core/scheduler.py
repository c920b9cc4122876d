"""Periodic work (SLA checks, reminders, detection runs, digests), driven by one loop.

Apps register a task and an interval from their AppConfig.ready(); `manage.py run_scheduler`
enqueues each task when it is due. The tasks themselves run on the task workers, so the
scheduler stays a tiny, single process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Periodic:
    name: str
    every_seconds: int
    task: Any  # a django_tasks Task


_periodic: dict[str, Periodic] = {}


def register_periodic(name: str, every_seconds: int, task: Any) -> None:
    _periodic[name] = Periodic(name, every_seconds, task)


def periodic_jobs() -> list[Periodic]:
    return sorted(_periodic.values(), key=lambda p: p.name)
