from typing import Any

from django_tasks import task

from notifications.services import deliver_now


@task()
def deliver(payload: dict[str, Any]) -> int:
    return len(deliver_now(payload))
