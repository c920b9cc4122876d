"""Periodic ledger work, enqueued by the scheduler (`ledger.apps`)."""

from __future__ import annotations

import logging

from django_tasks import task

from ledger import audit, checkpoints, log

logger = logging.getLogger(__name__)


@task()
def sequence_entries() -> int:
    return log.sequence_all()


@task()
def issue_checkpoint() -> int | None:
    log.sequence_all()
    try:
        issued = checkpoints.issue()
    except checkpoints.SigningKeyMissing as error:
        logger.error("ledger: %s", error)
        return None
    return issued.size if issued else None


@task()
def audit_ledger() -> bool:
    return audit.run_and_store().ok
