from __future__ import annotations

from django_tasks import task

from payments import partitions


@task()
def prepare_transaction_partitions() -> list[str]:
    """Create the monthly partitions of the transactions table for the next months."""
    return partitions.ensure_upcoming(months_ahead=3)
