"""Faults (issue 10): PostgreSQL connections dropped under traffic, and Redis down.

- A view that loses its database or Redis connection answers 503 in Chinese and English with
  Retry-After (`core.middleware.OutageMiddleware`), never a 500.
- PostgreSQL: a real gunicorn on the test database with kept connections; every backend of
  that database is terminated (`pg_terminate_backend`, the server itself keeps running) while
  requests run: each answers 200 or 503, and requests after it succeed without a restart
  (connection health checks).
- Redis down (a closed port): a task is kept in the database queue instead of being lost, and
  an endpoint that needs Redis (the verify-contact rate limit) answers 503 in both languages.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_lost_database_in_a_page_is_a_bilingual_503(client, agent, monkeypatch):
    from core import views

    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "render", broken)
    client.force_login(agent)
    response = client.get("/console/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    text = response.content.decode()
    assert "服务暂时不可用" in text and "Service temporarily unavailable" in text


@pytest.mark.django_db
def test_redis_down_keeps_the_task_in_the_database_queue(caplog):
    from django_tasks_db.models import DBTaskResult

    from notifications.services import deliver

    tasks = {
        "default": {"BACKEND": "core.task_backends.ResilientRQBackend", "QUEUES": ["default"]},
        "fallback": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    redis_down = {"default": {"URL": f"redis://127.0.0.1:{closed_port()}/0"}}
    with override_settings(TASKS=tasks, RQ_QUEUES=redis_down):
        payload = {"merchant_id": None, "event": "redis_down", "subject": "s", "body": "b"}
        result = deliver.enqueue({**payload, "link": "", "targets": []})
    assert result.backend == "fallback"
    kept = DBTaskResult.objects.get(id=result.id)
    assert kept.task_path == "notifications.services.deliver"
    assert kept.args_kwargs["args"][0]["event"] == "redis_down"
    assert "Redis unreachable" in caplog.text


def test_redis_down_under_a_rate_limited_endpoint_is_a_bilingual_503(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    response = client.post(
        "/api/verify-contact", {"number": "01056710000"}, content_type="application/json"
    )
    assert response.status_code == 503
    body = response.json()
    assert "服务暂时不可用" in body["zh"] and "temporarily unavailable" in body["en"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a database server to drop from")
def test_postgres_backends_terminated_under_traffic_fail_cleanly_and_recover(agent, tmp_path):
    import psycopg
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(agent)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    port = closed_port()
    env = dict(
        os.environ,
        DATABASE_URL=url,
        DB_CONN_MAX_AGE="600",
        DB_CONN_HEALTH_CHECKS="1",
        WEB_CONCURRENCY="1",
        WEB_THREADS="4",
        TASK_BACKEND="immediate",
        WEB_ACCESS_LOG="-",
    )
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "python:poscare.gunicorn_conf"]
        + ["--bind", f"127.0.0.1:{port}", "poscare.wsgi"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip

    def get() -> int:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/console/?q=898110")
        request.add_header("Cookie", cookie)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0

    def terminate_backends() -> int:
        with psycopg.connect(url.replace(f"/{s['NAME']}", "/postgres"), autocommit=True) as admin:
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [s["NAME"]],
            ).fetchall()
        return len(rows)

    try:
        deadline = time.monotonic() + 60
        while get() != 200:
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        statuses: list[int] = []
        stop = threading.Event()

        def traffic() -> None:
            while not stop.is_set():
                statuses.append(get())

        threads = [threading.Thread(target=traffic) for _ in range(4)]
        for thread in threads:
            thread.start()
        terminated = 0
        for _ in range(5):
            time.sleep(0.5)
            connection.close()  # the test's own connection is one of the dropped ones
            terminated += terminate_backends()
        stop.set()
        for thread in threads:
            thread.join()
        after = [get() for _ in range(10)]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert terminated >= 5, "no poscare connection was dropped"
    assert statuses and set(statuses) <= {200, 503}, sorted(set(statuses))
    assert after == [200] * 10
    assert "Traceback" not in (tmp_path / "gunicorn.log").read_text(errors="replace")
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
