"""Where a load-test request spends its time: every request of bench/locustfile.py's mix, run
single-user through Django's test client on the load test's own data (the demo data set on
PostgreSQL, the same 200 merchant users and 50 agents), with the server-side CPU time, wall
time and the number of SQL queries of each.

CPU time is the process's (user + system) while the request runs, so it is far less sensitive
to other work on a shared machine than wall time; PostgreSQL's own CPU is not in it (it is in
the wall time). `python bench/bench_load_profile.py [ROUNDS]`; results in
bench/results/load_profile.json. With `PROFILE_REUSE=1` the database of a previous run is kept
(bench_load's too: `PROFILE_DB=load`).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, fresh_database, write_result  # noqa: E402

# As bench_load's server runs (serving.server_env): the sessions are signed with this key.
SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "HTTPS_ONLY": "0",  # plain HTTP on 127.0.0.1, as bench_load's server (else: redirects)
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    # DEBUG off needs a ledger signing key (load_demo seals the ledger): a bench-only one in var/.
    "LEDGER_CREATE_KEY": "1",
}
QUESTIONS = ["钱什么时候到账", "打印机不出纸", "刷卡提示51是什么意思", "When will my money arrive?"]


def prepare(url: str) -> dict[str, Any]:
    env = dict(os.environ, **SERVER_ENV, DATABASE_URL=url, TASK_BACKEND="database")
    py = sys.executable
    out = ROOT / "var" / "bench_load" / "profile-users.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("PROFILE_REUSE") or not out.exists():
        for args in (["migrate", "--noinput", "-v0"], ["load_demo", "--if-empty"]):
            subprocess.run([py, "manage.py", *args], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
        subprocess.run([py, "manage.py", "assistant_train", "--if-missing"], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        subprocess.run([py, "bench/load_users.py", str(out), "200", "50"], cwd=ROOT, env=env,
                       check=True)  # fmt: skip
    if not (ROOT / "var" / "static" / "staticfiles.json").exists():  # DEBUG off: hashed names
        subprocess.run([py, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                       check=True)  # fmt: skip
    return json.loads(out.read_text())


def requests(users: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """(who, name, method, target): target is a URL or a callable giving (url, body)."""
    rnd = random.Random(7)
    mids = users["merchant_ids"]
    tickets = users["tickets"]

    def mine(path: str) -> Any:
        return lambda me: path.replace("[id]", me["merchant_id"])

    def pick_mid(_me: Any) -> str:
        return f"/console/merchants/{rnd.choice(mids)}/"

    def search(_me: Any) -> str:
        q = rnd.choice([rnd.choice(mids), rnd.choice(mids)[:9], "超市", "便利店"])
        return f"/console/?q={q}"

    def ticket(_me: Any) -> str:
        return f"/console/desk/tickets/{rnd.choice(tickets)}/"

    def create(me: Any) -> tuple[str, Any]:
        body = {"merchant_id": me["merchant_id"], "category": "printer_paper",
                "description": "负载测试：终端问题 / load test: terminal problem"}  # fmt: skip
        return "/api/tickets/", body

    def note(_me: Any) -> tuple[str, Any]:
        body = {"body": "已电话联系商户 / called the merchant", "is_public": False}
        return f"/api/tickets/{rnd.choice(tickets)}/interactions/", body

    def ask(_me: Any) -> tuple[str, Any]:
        return "/api/assistant/messages", {"text": rnd.choice(QUESTIONS)}

    return [
        ("merchant", "/portal/", "get", mine("/portal/")),
        ("merchant", "/portal/merchants/[id]/", "get", mine("/portal/merchants/[id]/")),
        ("merchant", "/portal/transactions/", "get", mine("/portal/transactions/")),
        ("merchant", "/payouts/", "get", mine("/payouts/")),
        ("merchant", "/portal/tickets/", "get", mine("/portal/tickets/")),
        ("merchant", "/api/assistant/messages", "post", ask),
        ("merchant", "/api/tickets/ (create)", "post", create),
        ("agent", "/console/", "get", lambda _me: "/console/"),
        ("agent", "/console/?q=[search]", "get", search),
        ("agent", "/console/merchants/[id]/", "get", pick_mid),
        ("agent", "/console/desk/", "get", lambda _me: "/console/desk/"),
        ("agent", "/console/desk/tickets/[n]/", "get", ticket),
        ("agent", "/console/transactions/", "get", lambda _me: "/console/transactions/"),
        ("agent", "/api/tickets/[n]/interactions/ (note)", "post", note),
    ]


def main(rounds: int) -> None:
    name = os.environ.get("PROFILE_DB", "loadprof")
    url = fresh_database("postgresql", name, keep=bool(os.environ.get("PROFILE_REUSE")))
    users = prepare(url)
    os.environ.update(SERVER_ENV, DATABASE_URL=url, TASK_BACKEND="immediate")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poscare.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients: dict[str, list[tuple[Client, dict[str, Any]]]] = {"merchant": [], "agent": []}
    for who, key in (("merchant", "merchants"), ("agent", "agents")):
        for me in users[key][:rounds]:
            client = Client(HTTP_HOST="127.0.0.1")
            client.cookies["sessionid"] = me["session"]
            clients[who].append((client, me))
    rows = []
    for who, name_, method, target in requests(users):
        cpu: list[float] = []
        wall: list[float] = []
        queries: list[int] = []
        for n, (client, me) in enumerate(clients[who]):
            auth = {"Authorization": f"Token {me['token']}"}
            made = target(me)
            with CaptureQueriesContext(connection) as captured:
                c0, w0 = time.process_time(), time.perf_counter()
                if method == "get":
                    response = client.get(made, follow=True)  # as locust does
                else:
                    path, body = made
                    response = client.post(
                        path, body, content_type="application/json", headers=auth
                    )
                c1, w1 = time.process_time(), time.perf_counter()
            if response.status_code not in (200, 201):
                raise SystemExit(f"{name_}: {response.status_code}")
            if n == 0:  # the first of each is the warm-up (imports, templates, models)
                first = (c1 - c0) * 1000
                continue
            cpu.append((c1 - c0) * 1000)
            wall.append((w1 - w0) * 1000)
            queries.append(len(captured))
        rows.append({
            "request": name_,
            "cpu_ms_median": round(statistics.median(cpu), 1),
            "cpu_ms_max": round(max(cpu), 1),
            "wall_ms_median": round(statistics.median(wall), 1),
            "queries_median": int(statistics.median(queries)),
            "queries_max": max(queries),
            "first_cpu_ms": round(first, 1),
        })  # fmt: skip
        print(f"{name_:45} cpu {rows[-1]['cpu_ms_median']:8.1f} ms  wall "
              f"{rows[-1]['wall_ms_median']:8.1f} ms  queries {rows[-1]['queries_median']}"
              f"  (first: cpu {first:.0f} ms)",
              flush=True)  # fmt: skip
    write_result("load_profile", {
        "rounds": rounds - 1, "load_average": [round(x, 2) for x in os.getloadavg()],
        "requests": rows,
    })  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 11)
