"""Load test (issue 10): locust, headless and bounded, against servers on 127.0.0.1 only.

1. production serving — `manage.py serve` (gunicorn + RQ worker + scheduler, DEBUG off) on
   PostgreSQL and Redis with the demo data set: 200 merchant users and 50 agents, signed in,
   with human think times (bench/locustfile.py). Goal: p95 <= 300 ms, 0 errors.
2. the demo — `manage.py run_demo` (Django's server, SQLite, database task queue): 20 users
   (16 merchants, 4 agents). Goal: 0 errors.

The machine is shared, so the load average before and after each run is reported beside the
figures. `python bench/bench_load.py [pg|demo|compare]`; results in bench/results/load.json.
`compare` runs the same app on the same data under gunicorn and then granian with 20 users
(`LOAD_REUSE=1` keeps the database of the previous `pg` run).
"""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, fresh_database, write_result  # noqa: E402
from serving import PY, load_average, manage, server_env, start, stop, wait_http  # noqa: E402

VAR = ROOT / "var" / "bench_load"
RUN_SECONDS = int(os.environ.get("LOAD_SECONDS", "120"))
PG_PORT, DEMO_PORT = 8124, 8125
# Each user waits this long between two actions (bench/locustfile.py reads the same variables):
# 250 people offer 250 / 20 s = 12.5 requests a second.
THINK_MIN = float(os.environ.get("LOAD_THINK_MIN", "10"))
THINK_MAX = float(os.environ.get("LOAD_THINK_MAX", "30"))


def prepare(env: dict[str, str], merchants: int, agents: int) -> Path:
    manage(["migrate", "--noinput", "-v0"], env)
    manage(["load_demo", "--if-empty"], env, stdout=subprocess.DEVNULL)
    manage(["assistant_train", "--if-missing"], env, stdout=subprocess.DEVNULL)
    users = VAR / "users.json"
    subprocess.run(
        [PY, "bench/load_users.py", str(users), str(merchants), str(agents)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return users


def analyze(url: str) -> None:
    """Planner statistics for the freshly loaded data, as autovacuum keeps them on a server that
    has been running: without them PostgreSQL guesses a tenth of the rows and picks bad plans."""
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")


def settle(env: dict[str, str], host: str, users: Path, timeout: float = 300) -> dict[str, Any]:
    """Before measuring, the steady state of a server that has been up for a while: the jobs
    the scheduler enqueues when it first starts (the daily ledger audit, the fleet model's
    predictions) have run, and every web worker has loaded the assistant's model and its
    templates (a few requests of each kind). Returns how long that took."""
    started = time.monotonic()
    redis = ["redis-cli", "-u", env["REDIS_URL"]]
    quiet = 0
    while time.monotonic() - started < timeout and quiet < 3:
        queued = subprocess.run(
            [*redis, "llen", "rq:queue:default"], capture_output=True, text=True
        )
        running = subprocess.run(
            [*redis, "zcard", "rq:wip:default"], capture_output=True, text=True
        )
        idle = queued.stdout.strip() in ("0", "") and running.stdout.strip() in ("0", "")
        quiet = quiet + 1 if idle else 0
        time.sleep(2)
    jobs_seconds = time.monotonic() - started
    people = json.loads(users.read_text())
    for n in range(3 * int(env.get("WEB_CONCURRENCY", "4"))):
        merchant, agent = people["merchants"][n], people["agents"][n]
        for who, path in (
            (merchant, "/portal/"),
            (merchant, f"/portal/merchants/{merchant['merchant_id']}/"),
            (merchant, "/portal/transactions/"),
            (agent, "/console/"),
            (agent, f"/console/desk/tickets/{people['tickets'][n]}/"),
            (agent, "/console/transactions/"),
        ):
            request = urllib.request.Request(
                host + path, headers={"Cookie": f"sessionid={who['session']}"}
            )
            urllib.request.urlopen(request, timeout=60).read()  # noqa: S310 (127.0.0.1)
        request = urllib.request.Request(
            host + "/api/assistant/messages",
            data=json.dumps({"text": "钱什么时候到账"}).encode(),
            headers={"Authorization": f"Token {merchant['token']}",
                     "Content-Type": "application/json"},
        )  # fmt: skip
        urllib.request.urlopen(request, timeout=60).read()  # noqa: S310 (127.0.0.1)
    return {
        "startup_jobs_seconds": round(jobs_seconds),
        "warm_up_seconds": round(time.monotonic() - started - jobs_seconds),
    }


def cpu_seconds(root: int) -> float:
    """CPU time used so far by a process and all its descendants (the server: `manage.py
    serve`, its gunicorn, workers and scheduler, which run in sessions of their own), the
    ended ones included: a parent's waited-for children (RQ's work-horses, replaced gunicorn
    workers) are in its cutime/cstime."""
    stats: dict[int, tuple[int, int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        # after the name: state, ppid, …; utime, stime, cutime, cstime are fields 14–17
        stats[int(stat.parent.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    children: dict[int, list[int]] = {}
    for pid, (ppid, _ticks) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
            todo.extend(children.get(pid, []))
    return total / os.sysconf("SC_CLK_TCK")


def run_locust(host: str, users: Path, merchants: int, agents: int, tag: str,
               server: subprocess.Popen[bytes] | None = None) -> dict[str, Any]:  # fmt: skip
    env = dict(os.environ, LOAD_USERS=str(users), LOAD_MERCHANTS=str(merchants))
    env["LOAD_AGENTS"] = str(agents)
    prefix = VAR / tag
    before = load_average()
    server_cpu = cpu_seconds(server.pid) if server else 0.0
    locust_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [
            PY, "-m", "locust", "-f", "bench/locustfile.py", "--headless",
            "--host", host,
            "--users", str(merchants + agents),
            "--spawn-rate", str(max(1, (merchants + agents) // 20)),
            "--run-time", f"{RUN_SECONDS}s",
            "--stop-timeout", "20",
            "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        ],
        cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    after = load_average()
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    locust_cpu_s = used.ru_utime + used.ru_stime - locust_cpu.ru_utime - locust_cpu.ru_stime
    server_cpu = cpu_seconds(server.pid) - server_cpu if server else 0.0
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))  # noqa: SIM115
    total = next(r for r in rows if r["Name"] == "Aggregated")
    failures = list(csv.DictReader(open(f"{prefix}_failures.csv", encoding="utf-8")))  # noqa: SIM115
    return {
        "users": {"merchants": merchants, "agents": agents},
        "seconds": RUN_SECONDS,
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "requests_per_second": round(float(total["Requests/s"]), 1),
        "median_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "max_ms": round(float(total["Max Response Time"])),
        "offered_requests_per_second": round(
            (merchants + agents) / ((THINK_MIN + THINK_MAX) / 2), 1
        ),
        "think_seconds": [THINK_MIN, THINK_MAX],
        "locust_cpu_seconds": round(locust_cpu_s, 1),
        # web + task worker + scheduler (not PostgreSQL's or Redis's own processes)
        "server_cpu_seconds": round(server_cpu, 1),
        "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, int(total["Request Count"]))),
        "load_average_before": before,
        "load_average_after": after,
        "by_endpoint_p95_ms": {
            r["Name"]: float(r["95%"]) for r in rows if r["Name"] != "Aggregated"
        },
        "failures": [{k: f[k] for k in ("Name", "Error", "Occurrences")} for f in failures][:20],
    }


def production(server: str = "gunicorn", merchants: int = 200, agents: int = 50) -> dict[str, Any]:
    # LOAD_REUSE=1: the database a previous run filled (each step below is a no-op then).
    env = server_env(fresh_database("postgresql", "load", keep=bool(os.environ.get("LOAD_REUSE"))))
    subprocess.run(["redis-cli", "-u", env["REDIS_URL"], "flushdb"], capture_output=True)
    users = prepare(env, 200, 50)
    analyze(env["DATABASE_URL"])
    if not (ROOT / "var" / "static" / "staticfiles.json").exists():  # compressing takes minutes
        manage(["collectstatic", "--noinput", "-v0"], env)
    log = VAR / f"serve-{server}.log"
    bind = f"127.0.0.1:{PG_PORT}"
    if server == "serve":  # production: gunicorn, RQ worker, scheduler
        command = [PY, "manage.py", "serve", "--bind", bind]
    elif server == "gunicorn":  # the web server alone, for the comparison with granian
        command = [PY, "-m", "gunicorn", "--config", "python:poscare.gunicorn_conf"]
        command += ["--bind", bind, "poscare.wsgi"]
    else:  # the same app under granian (WSGI), same process and thread counts as gunicorn's
        workers = os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1)))
        command = [
            PY, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
            "--port", str(PG_PORT), "--workers", workers, "--blocking-threads", "4",
            "poscare.wsgi:application",
        ]  # fmt: skip
    process = start(command, env, log)
    try:
        wait_http(f"http://{bind}/accounts/login/")
        settled = settle(env, f"http://{bind}", users)
        result = run_locust(f"http://{bind}", users, merchants, agents, f"pg-{server}", process)
        result.update(settled)
    finally:
        stop(process)
    name = "gunicorn (manage.py serve)" if server == "serve" else server
    return {"server": name, "database": "postgresql", "tasks": "rq", **result}


def demo() -> dict[str, Any]:
    url = fresh_database("sqlite", "load_demo")
    env = server_env(url, DEBUG="1", TASK_BACKEND="database", DB_CONN_MAX_AGE="0")
    users = prepare(env, 16, 4)
    process = start([PY, "manage.py", "run_demo", "--port", str(DEMO_PORT)], env, VAR / "demo.log")
    try:
        wait_http(f"http://127.0.0.1:{DEMO_PORT}/accounts/login/")
        result = run_locust(f"http://127.0.0.1:{DEMO_PORT}", users, 16, 4, "demo")
    finally:
        stop(process)
    return {"server": "runserver (make demo)", "database": "sqlite", "tasks": "database", **result}


def main(selected: list[str]) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    path = ROOT / "bench" / "results" / "load.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    results = {k: v for k, v in previous.items() if k in ("pg", "demo", "compare")}
    started = time.monotonic()
    for name in selected or ["pg", "demo"]:
        if name == "pg":
            results["pg"] = production("serve")
        elif name == "compare":  # gunicorn vs granian, same app and database, 20 users
            results["compare"] = {
                server: production(server, 16, 4) for server in ("gunicorn", "granian")
            }
        elif name == "demo":
            results["demo"] = demo()
    goals = {
        "pg": "p95 <= 300 ms, 0 errors (200 merchants, 50 agents)",
        "demo": "0 errors (20 users)",
    }
    write_result(
        "load", {"goals": goals, **results, "wall_seconds": round(time.monotonic() - started)}
    )
    pg, dm = results.get("pg"), results.get("demo")
    ok = (not pg or (pg["errors"] == 0 and pg["p95_ms"] <= 300)) and (not dm or dm["errors"] == 0)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
