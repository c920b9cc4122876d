"""Helpers for the benchmarks that run poscare as a server (bench_load.py, bench_scale_out.py):
start and stop processes, wait for a port, read the load average, and a tiny round-robin TCP
proxy that puts several gunicorn instances behind one address (127.0.0.1 only).

`python bench/serving.py proxy 127.0.0.1:8126 127.0.0.1:8124 127.0.0.1:8125` runs the proxy.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production-like settings: DEBUG off, RQ on the bench's own Redis database."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "HTTPS_ONLY": "0",  # plain HTTP on 127.0.0.1
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
            "TASK_BACKEND": "rq",
            "DB_CONN_MAX_AGE": "60",
            "LOGIN_THROTTLING": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            # DEBUG off needs a ledger signing key (load_demo and the scheduler's checkpoints
            # sign): a bench-only one, made once in var/ledger-signing.key.
            "LEDGER_CREATE_KEY": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def manage(args: Sequence[str], env: dict[str, str], **kwargs: object) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)  # type: ignore[call-overload]


def start(command: Sequence[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start a process in its own session (so that stop() reaches its children)."""
    handle = log.open("ab")
    return subprocess.Popen(
        list(command),
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(*processes: subprocess.Popen[bytes], timeout: float = 40) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_http(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (127.0.0.1)
                if response.status < 500:
                    return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer in {timeout:.0f}s")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def _proxy(listen: str, backends: list[str]) -> None:
    turn = itertools.cycle(backends)

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        host, port = next(turn).rsplit(":", 1)
        try:
            server_r, server_w = await asyncio.open_connection(host, int(port))
        except OSError:
            client_w.close()
            return
        await asyncio.gather(_pipe(client_r, server_w), _pipe(server_r, client_w))

    host, port = listen.rsplit(":", 1)
    assert host.startswith("127."), "the bench proxy listens on the loopback only"
    server = await asyncio.start_server(handle, host, int(port))
    async with server:
        await server.serve_forever()


def main(argv: list[str]) -> None:
    if len(argv) >= 3 and argv[0] == "proxy":
        asyncio.run(_proxy(argv[1], argv[2:]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
