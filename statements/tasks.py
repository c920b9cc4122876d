"""Periodic money notices, enqueued by the scheduler (see statements/apps.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def payout_notices() -> int:
    from statements.notices import notify_recent_payouts

    return notify_recent_payouts()
