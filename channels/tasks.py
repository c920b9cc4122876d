"""Background work of the phone-system integration."""

from __future__ import annotations

from django_tasks import task

from channels import calls


@task()
def finish_calls(call_ids: list[int]) -> int:
    """Log the calls a batch of events ended on their tickets (see calls.record_events)."""
    return calls.finish_ended(call_ids)
