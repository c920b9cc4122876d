"""Serve poscare the way production does: gunicorn, a task worker and the scheduler, started and
stopped together (one foreground command for `make serve`, a container or a quick check).

Production machines may instead run the three as separate systemd units (deploy/); the
commands are the same.
"""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.processes import run_together


def web_command(bind: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:poscare.gunicorn_conf",
        "--bind",
        bind,
        "poscare.wsgi",
    ]


def worker_command() -> list[str]:
    """The task worker for the configured backend: RQ (Redis) in production, else the
    database queue."""
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    if settings.TASK_BACKEND == "rq":
        return [
            *manage,
            "rqworker",
            "default",
            "--job-class",
            "django_tasks_rq.Job",
            "--with-scheduler",
        ]
    return [*manage, "db_worker", "--no-reload"]


def fallback_worker_command() -> list[str]:
    """With RQ: the worker for the database queue that takes tasks while Redis is down
    (core.task_backends); idle otherwise."""
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    return [*manage, "db_worker", "--backend", "fallback", "--no-reload", "--interval", "5"]


def scheduler_command() -> list[str]:
    return [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_scheduler"]


class Command(BaseCommand):
    help = "Run gunicorn, the task worker and the scheduler together; Ctrl-C stops all three."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="host:port for gunicorn")
        parser.add_argument("--workers", type=int, default=1, help="task worker processes")

    def handle(self, *args: Any, bind: str, workers: int, **options: Any) -> None:
        if settings.TASK_BACKEND == "immediate":
            raise CommandError("TASK_BACKEND=immediate runs tasks inside requests: use rq")
        commands = {"web": web_command(bind)}
        for n in range(1, workers + 1):
            commands[f"worker-{n}"] = worker_command()
        if settings.TASK_BACKEND == "rq":
            commands["fallback-worker"] = fallback_worker_command()
        commands["scheduler"] = scheduler_command()
        # Web requests first: when the CPUs are busy, background work waits (the phone
        # system's events and the agents' pages are answered; logging calls on tickets,
        # notices and checks catch up). deploy/systemd gives the workers the same Nice=.
        background = {name: settings.WORKER_NICE for name in commands if name != "web"}
        status = run_together(commands, out=self.stderr, niceness=background)
        if status:
            raise SystemExit(status)
