"""`manage.py serve` keeps web, worker and scheduler together: one stops, all stop."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from core.management.commands.serve import worker_command
from core.processes import run_together

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it has stopped all the same.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_one_process_exiting_stops_the_others_and_fails():
    out = io.StringIO()
    started = time.monotonic()
    status = run_together(
        {"web": SLEEPER, "worker": [sys.executable, "-c", "raise SystemExit(3)"]},
        grace_seconds=5,
        out=out,
    )
    assert status == 3
    assert time.monotonic() - started < 30
    assert "worker exited with 3" in out.getvalue()


def test_a_clean_exit_of_one_is_still_a_failure_of_the_whole():
    status = run_together(
        {"web": SLEEPER, "scheduler": [sys.executable, "-c", "pass"]},
        grace_seconds=5,
        out=io.StringIO(),
    )
    assert status == 1


def test_sigterm_stops_every_child_and_exits_cleanly(tmp_path):
    pids = tmp_path / "pids"
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        from core.processes import run_together
        sleeper = [sys.executable, "-c", "import os, time; "
                   "open({str(pids)!r}, 'a').write(str(os.getpid()) + chr(10)); time.sleep(60)"]
        raise SystemExit(run_together({{"a": sleeper, "b": sleeper}}, grace_seconds=5))
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if pids.exists() and len(pids.read_text().split()) == 2:
            break
        time.sleep(0.1)
    children = [int(pid) for pid in pids.read_text().split()]
    parent.send_signal(signal.SIGTERM)
    _, stderr = parent.communicate(timeout=30)
    assert parent.returncode == 0, stderr
    assert not any(_alive(pid) for pid in children)


def test_a_child_that_ignores_sigterm_is_killed_after_the_grace_period():
    stubborn = [
        sys.executable,
        "-c",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)",
    ]
    out = io.StringIO()
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        status = run_together({"web": stubborn}, grace_seconds=1, out=out)
    finally:
        timer.cancel()
    assert status == 0
    assert "did not stop" in out.getvalue()


def test_the_worker_is_rq_in_production_and_the_database_queue_otherwise(settings):
    settings.TASK_BACKEND = "rq"
    assert worker_command()[2:4] == ["rqworker", "default"]
    assert "django_tasks_rq.Job" in worker_command()
    settings.TASK_BACKEND = "database"
    assert worker_command()[2] == "db_worker"


def test_background_commands_run_at_a_lower_cpu_priority():
    """`niceness` (serve: WORKER_NICE for the workers and the scheduler) lowers a child's
    priority; the web server keeps the parent's."""
    report = [sys.executable, "-c", "import os; raise SystemExit(os.nice(0))"]
    base = os.nice(0)
    worker = run_together(
        {"worker": report}, grace_seconds=5, out=io.StringIO(), niceness={"worker": 3}
    )
    web = run_together({"web": report}, grace_seconds=5, out=io.StringIO(), niceness={"worker": 3})
    assert worker == min(19, base + 3) and web == (base or 1)
