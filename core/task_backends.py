"""Background work that survives a Redis outage.

`ResilientRQBackend` is RQ (django-tasks-rq) as long as Redis answers. When it cannot be
reached, the task goes to the database queue instead (django-tasks-db, the `fallback` backend
in settings) and a warning is logged: the ticket the user just saved still gets its
notification, later. `manage.py serve` and the deploy units run a database worker for that
queue beside the RQ workers (`db_worker --backend fallback`); it is idle while Redis is up.
"""

from __future__ import annotations

import logging
from typing import Any

from django_tasks_rq.backend import RQBackend
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

FALLBACK_BACKEND = "fallback"


class ResilientRQBackend(RQBackend):
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        try:
            return super().enqueue(task, args, kwargs)
        except (RedisConnectionError, RedisTimeoutError) as error:
            fallback = self.options.get("FALLBACK", FALLBACK_BACKEND)
            logger.warning(
                "Redis unreachable (%s): %s kept in the %r task queue", error, task.name, fallback
            )
            return task.using(backend=fallback).enqueue(*args, **kwargs)
