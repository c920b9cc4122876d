"""Serve the demo: the web server, a task worker and the scheduler, stopped together."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the demo site with its background worker and scheduler."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args: Any, host: str, port: str, **options: Any) -> None:
        helpers = [
            subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload"]),
            subprocess.Popen([sys.executable, "manage.py", "run_scheduler"]),
        ]
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            for process in helpers:
                process.terminate()
            for process in helpers:
                process.wait(timeout=10)
