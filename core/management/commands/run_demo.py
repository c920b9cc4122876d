"""Serve the demo: the web server, a task worker and the scheduler, stopped together.

The demo runs with DEBUG off unless the environment says otherwise (`DEBUG=1 make demo`): a
visitor who mistypes a merchant ID or a ticket number sees poscare's 404 page, not Django's
debug page with the settings and URL patterns. Static files are then collected first and
served by WhiteNoise, as in production; the secret key is made once and kept in
`var/demo-secret-key`.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def demo_secret_key(var_dir: Path) -> str:
    """The demo's secret key, the same on every start (so sessions survive a restart)."""
    path = var_dir / "demo-secret-key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def demo_environment(environ: Mapping[str, str], var_dir: Path) -> dict[str, str]:
    """The environment of the demo's processes: DEBUG off (unless set), with a secret key."""
    env = dict(environ)
    env.setdefault("DEBUG", "0")
    # The demo is plain HTTP on 127.0.0.1: no redirect to HTTPS, no secure-only cookies.
    env.setdefault("HTTPS_ONLY", "0")
    if env["DEBUG"].lower() in ("0", "false", "no", "off") and "SECRET_KEY" not in env:
        env["SECRET_KEY"] = demo_secret_key(var_dir)
    return env


def demo_commands(host: str, port: str) -> list[list[str]]:
    """collectstatic (first, to the end), a task worker and the scheduler, the web server (last,
    in the foreground)."""
    manage = [sys.executable, "manage.py"]
    return [
        # With DEBUG off the static files carry hashed names (settings.STORAGES): WhiteNoise
        # serves them from STATIC_ROOT once collected.
        [*manage, "collectstatic", "--noinput", "-v0"],
        [*manage, "db_worker", "--no-reload"],
        [*manage, "run_scheduler"],
        [*manage, "runserver", f"{host}:{port}", "--noreload"],
    ]


class Command(BaseCommand):
    help = "Run the demo site with its background worker and scheduler."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args: Any, host: str, port: str, **options: Any) -> None:
        env = demo_environment(os.environ, Path(settings.BASE_DIR) / "var")
        # `kill` (SIGTERM) stops the worker and the scheduler too, as Ctrl-C does.
        signal.signal(signal.SIGTERM, _stop)
        collect, *helper_commands, server_command = demo_commands(host, port)
        subprocess.run(collect, env=env, check=True)  # noqa: S603 - our own argv
        helpers = [subprocess.Popen(command, env=env) for command in helper_commands]
        try:
            subprocess.run(server_command, env=env, check=False)  # noqa: S603 - our own argv
        except KeyboardInterrupt:
            pass
        finally:
            for process in helpers:
                process.terminate()
            for process in helpers:
                process.wait(timeout=10)
