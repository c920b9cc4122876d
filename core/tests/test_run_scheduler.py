"""run_scheduler remembers when each job is next due: a restart does not enqueue every daily
job again at once."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command

from core import scheduler
from core.management.commands import run_scheduler


class _Task:
    def __init__(self) -> None:
        self.enqueued = 0

    def enqueue(self) -> None:
        self.enqueued += 1


@pytest.fixture
def jobs(monkeypatch):
    daily, minutely = _Task(), _Task()
    monkeypatch.setattr(scheduler, "_periodic", {})
    scheduler.register_periodic("test.daily", 24 * 3600, daily)
    scheduler.register_periodic("test.minutely", 60, minutely)
    cache.clear()
    yield daily, minutely
    cache.clear()


def _run_for_a_moment() -> None:
    """The scheduler's loop for about a second, then SIGTERM as systemd sends it."""
    handlers: dict[int, Any] = {}
    with mock.patch.object(signal, "signal", lambda sig, h: handlers.__setitem__(sig, h)):
        timer = threading.Timer(1.2, lambda: handlers[signal.SIGTERM](signal.SIGTERM, None))
        timer.start()
        call_command("run_scheduler")
        timer.join()


def test_a_restart_does_not_enqueue_the_daily_jobs_again(jobs):
    daily, minutely = jobs
    _run_for_a_moment()
    assert (daily.enqueued, minutely.enqueued) == (1, 1)
    _run_for_a_moment()  # restarted a moment later: nothing is due yet
    assert (daily.enqueued, minutely.enqueued) == (1, 1)
    due = cache.get(run_scheduler.NEXT_RUN_KEY.format("test.daily"))
    assert due == pytest.approx(time.time() + 24 * 3600, abs=60)


def test_once_enqueues_every_job(jobs):
    daily, minutely = jobs
    call_command("run_scheduler", "--once")
    call_command("run_scheduler", "--once")
    assert (daily.enqueued, minutely.enqueued) == (2, 2)
