"""Run a few long-lived processes as one: the web server, the task worker and the scheduler.

`run_together` starts every command, then waits. SIGINT (Ctrl-C) or SIGTERM (systemd, a
container runtime) stops them all; so does any one of them exiting, because a poscare without
its worker or scheduler must not look healthy. Each child gets SIGTERM first, then SIGKILL
after a grace period. Used by `manage.py serve`.

`detach_inherited_connections` is for a process forked to share a Python-heavy job (the
import's reader, the ledger audit's workers): it opens its own database connections.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

GRACE_SECONDS = 30.0
_inherited: list[Any] = []  # the parent's connections, kept alive and untouched in the child


def detach_inherited_connections() -> None:
    """In a forked child: forget the parent's database connections, and the parent's
    transaction state with them, so that the next query opens a connection of the child's own
    with a clean state. The inherited connections are kept, never used and never closed
    (closing would end the parent's session on the shared socket; psycopg does not close a
    connection inherited through fork)."""
    from django.db import connections

    for alias in list(connections):
        wrapper = connections[alias]
        if wrapper.connection is not None:
            _inherited.append(wrapper.connection)
            wrapper.connection = None
        del connections[alias]  # the next use makes a fresh wrapper (not in any atomic block)


def run_together(
    commands: Mapping[str, Sequence[str]],
    *,
    grace_seconds: float = GRACE_SECONDS,
    out: Any = sys.stderr,  # a text stream, or a command's OutputWrapper
    niceness: Mapping[str, int] | None = None,
) -> int:
    """Start every command, stop them all when one exits or on a signal. Returns the exit
    status: the first child's that exited on its own (1 if that was 0), 0 on a signal.
    `niceness` lowers the CPU priority of the named commands (os.nice increments)."""
    stopping: list[int] = []

    def on_signal(signum: int, frame: Any) -> None:
        stopping.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    children: dict[str, subprocess.Popen[bytes]] = {}
    status = 0
    try:
        for name, command in commands.items():
            increment = (niceness or {}).get(name, 0)
            children[name] = subprocess.Popen(
                list(command),
                start_new_session=True,
                preexec_fn=(lambda n=increment: _lower_priority(n)) if increment else None,  # noqa: PLW1509 - only os.nice, no locks
            )
            out.write(f"poscare: started {name} (pid {children[name].pid})\n")
        while not stopping:
            exited = [(name, p) for name, p in children.items() if p.poll() is not None]
            if exited:
                name, process = exited[0]
                out.write(f"poscare: {name} exited with {process.returncode}; stopping the rest\n")
                status = process.returncode or 1
                break
            time.sleep(0.2)
    finally:
        _stop_all(children, grace_seconds, out)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status


def _lower_priority(increment: int) -> None:
    os.nice(increment)


def _stop_all(
    children: Mapping[str, subprocess.Popen[bytes]], grace_seconds: float, out: Any
) -> None:
    for process in children.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace_seconds
    for name, process in children.items():
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            out.write(f"poscare: {name} did not stop in {grace_seconds:.0f}s; killed\n")
            process.kill()
            process.wait()
