"""Scale out, tested locally (README "Scale out"): two gunicorn instances and two RQ workers
over one PostgreSQL and one Redis, behind one address (bench/serving.py's round-robin proxy,
standing for nginx's upstream), and one scheduler.

Checks: every request through the one address answers 200 and both web instances serve a
share; 300 notification deliveries enqueued at once are each processed exactly once (one
Delivery row per task, none missing, none twice) and both workers take a share.
`python bench/bench_scale_out.py`; results in bench/results/scale_out.json. 127.0.0.1 only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, fresh_database, write_result  # noqa: E402
from serving import PY, load_average, manage, server_env, start, stop, wait_http  # noqa: E402

WEB_PORTS, PROXY_PORT = (8124, 8125), 8126
REQUESTS, TASKS = 600, 300
VAR = ROOT / "var" / "bench_scale_out"


def main() -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    env = server_env(fresh_database("postgresql", "scale_out"), WEB_CONCURRENCY="1")
    subprocess.run(
        ["redis-cli", "-u", env["REDIS_URL"], "flushdb"], check=False, capture_output=True
    )
    manage(["migrate", "--noinput", "-v0"], env)
    manage(["collectstatic", "--noinput", "-v0"], env)
    gunicorn = [PY, "-m", "gunicorn", "--config", "python:poscare.gunicorn_conf", "poscare.wsgi"]
    worker = [PY, "manage.py", "rqworker", "default", "--job-class", "django_tasks_rq.Job"]
    processes = {
        "web-1": start([*gunicorn, "--bind", f"127.0.0.1:{WEB_PORTS[0]}"], env, VAR / "web-1.log"),
        "web-2": start([*gunicorn, "--bind", f"127.0.0.1:{WEB_PORTS[1]}"], env, VAR / "web-2.log"),
        "worker-1": start([*worker, "--name", "bench-1"], env, VAR / "worker-1.log"),
        "worker-2": start([*worker, "--name", "bench-2"], env, VAR / "worker-2.log"),
        "scheduler": start([PY, "manage.py", "run_scheduler"], env, VAR / "scheduler.log"),
        "proxy": start(
            [PY, "bench/serving.py", "proxy", f"127.0.0.1:{PROXY_PORT}"]
            + [f"127.0.0.1:{port}" for port in WEB_PORTS],
            env,
            VAR / "proxy.log",
        ),
    }
    before = load_average()
    try:
        for port in (*WEB_PORTS, PROXY_PORT):
            wait_http(f"http://127.0.0.1:{port}/accounts/login/")
        web = requests_through_one_address()
        tasks = tasks_exactly_once(env)
    finally:
        stop(*processes.values())
    served = {
        name: (VAR / f"{name}.log")
        .read_text(errors="replace")
        .count('"GET /accounts/login/?bench=')
        for name in ("web-1", "web-2")
    }
    took = {
        name: (VAR / f"{name}.log")
        .read_text(errors="replace")
        .count("Successfully completed notifications.services.deliver(")
        for name in ("worker-1", "worker-2")
    }
    result = {
        "web": {**web, "served_by_instance": served},
        "tasks": {**tasks, "taken_by_worker": took},
        "load_average_before": before,
        "load_average_after": load_average(),
    }
    write_result("scale_out", result)
    ok = (
        web["ok"] == REQUESTS
        and all(served.values())
        and tasks["missing"] == 0
        and tasks["doubled"] == 0
        and all(took.values())
    )
    raise SystemExit(0 if ok else 1)


def requests_through_one_address() -> dict[str, float | int]:
    def get(n: int) -> int:
        url = f"http://127.0.0.1:{PROXY_PORT}/accounts/login/?bench={n}"
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (127.0.0.1)
            return response.status

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(get, range(REQUESTS)))
    seconds = time.monotonic() - started
    return {
        "requests": REQUESTS,
        "ok": statuses.count(200),
        "requests_per_second": round(REQUESTS / seconds, 1),
    }


def tasks_exactly_once(env: dict[str, str]) -> dict[str, float | int]:
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "TASK_BACKEND")})
    os.environ.update({"DEBUG": env["DEBUG"], "SECRET_KEY": env["SECRET_KEY"]})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poscare.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import Count

    from notifications.models import Delivery
    from notifications.services import deliver

    addresses = [f"scale-out-{n}@example.cn" for n in range(TASKS)]
    started = time.monotonic()
    for address in addresses:
        payload = {"merchant_id": None, "event": "bench_scale_out", "subject": "s", "body": "b"}
        deliver.enqueue(
            {**payload, "link": "", "targets": [{"channel": "email", "address": address}]}
        )
    rows = Delivery.objects.filter(event="bench_scale_out")
    deadline = time.monotonic() + 300
    while rows.count() < TASKS and time.monotonic() < deadline:
        time.sleep(0.5)
    seconds = time.monotonic() - started
    time.sleep(3)  # a task run twice would show up late
    counts = dict(rows.values_list("address").annotate(n=Count("id")))
    return {
        "enqueued": TASKS,
        "missing": sum(1 for a in addresses if a not in counts),
        "doubled": sum(1 for n in counts.values() if n > 1),
        "seconds_to_drain": round(seconds, 1),
    }


if __name__ == "__main__":
    main()
