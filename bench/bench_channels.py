"""Phone system load: call events at 1,000 a second into `POST /api/calls/events` (signed
batches, as a phone system's event forwarder sends them) while agents' consoles poll the
screen pop every 500 ms, as the htmx page does. Measured: events accepted per second, and the
screen-pop latency — from sending a ringing event to the first poll that shows the caller's
merchant — median / p95 under that load. In-process (Django test client in threads: routing,
middleware, signature check, queries, rendering), PostgreSQL; the goal is p95 <= 1 s."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_database, peak_rss_mb, setup_django, write_result  # noqa: E402

RATE = 1_000  # events a second, the goal
SECONDS = 20
BATCH = 50  # events a request: 20 requests a second
MERCHANTS = 500
AGENTS = 40
WATCHED = 4  # agents whose consoles poll the screen pop
POLL = 0.5
GOAL_P95 = 1.0


def populate() -> tuple[Any, list[Any], list[str]]:
    from accounts.models import User
    from channels.models import Integration
    from desk.defaults import ensure_defaults
    from desk.services import open_ticket
    from directory.models import Institution
    from merchants.models import Contact, Merchant

    ensure_defaults()
    institution = Institution.objects.create(code="bench", name="基准收单", kind="acquirer")
    system = Integration.objects.create(
        key="bench-pbx", name="bench", kind="phone_system", institution=institution
    )
    merchants = Merchant.objects.bulk_create(
        Merchant(
            merchant_id=f"898440158{n:06d}",
            name=f"基准商户{n}",
            mcc="5411",
            region_code="440106",
            acquirer=institution,
        )
        for n in range(MERCHANTS)
    )
    Contact.objects.bulk_create(
        Contact(merchant=m, name="店主", phone=f"+86138{n:08d}") for n, m in enumerate(merchants)
    )
    for merchant in merchants[::5]:
        open_ticket(merchant=merchant, category="other", description="基准", channel="phone")
    agents = []
    for n in range(AGENTS):
        agent = User(username=f"pbx{n}", role="l1", agent_no=f"A7{n:03d}")
        agent.set_password("x")
        agent.save()
        agents.append(agent)
    phones = [f"138{n:08d}" for n in range(MERCHANTS)]
    return system, agents, phones


class Load:
    """The phone system: every call rings, is answered and ends (three events); calls to the
    watched agents are remembered with the moment their ringing event was sent."""

    def __init__(self, system: Any, agents: list[Any], phones: list[str]) -> None:
        from django.test import Client

        from channels.simulator import SimulatedPhoneSystem

        client = Client()

        def post(path: str, body: bytes, headers: dict[str, str]) -> Any:
            return client.post(path, body, content_type="application/json", headers=headers)

        self.pbx = SimulatedPhoneSystem(post, system.key, system.secret)
        self.agents, self.phones = agents, phones
        self.sent_at: dict[str, float] = {}
        self.accepted = self.requests = 0
        self.request_ms: list[float] = []
        self.pending: list[tuple[str, str]] = []  # (call_id, next kind)
        self.calls = 0

    def _events(self) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        watched_call = None
        while len(events) < BATCH:
            if self.pending and len(self.pending) > BATCH:
                call_id, kind = self.pending.pop(0)
                events.append(self.pbx.event(kind, call_id))
                if kind == "answered":
                    self.pending.append((call_id, "ended"))
                continue
            n = self.calls
            self.calls += 1
            agent = self.agents[n % len(self.agents)]
            call_id = f"b{n}"
            if watched_call is None and n % len(self.agents) < WATCHED:
                watched_call = call_id
            caller = self.phones[(n * 7) % len(self.phones)]
            events.append(self.pbx.event("ringing", call_id, caller=caller, agent=agent.agent_no))
            self.pending.append((call_id, "answered"))
        if watched_call:
            self.sent_at[watched_call] = time.monotonic()
        return events

    def run(self, stop: threading.Event) -> None:
        interval = BATCH / RATE
        next_at = time.monotonic()
        while not stop.is_set():
            events = self._events()
            started = time.monotonic()
            response = self.pbx.send("/api/calls/events", {"events": events})
            self.request_ms.append((time.monotonic() - started) * 1000)
            self.requests += 1
            self.accepted += response.json()["accepted"]
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))


def poll(agent: Any, load: Load, seen: dict[str, float], stop: threading.Event) -> None:
    from django.test import Client

    client = Client()
    client.force_login(agent)
    while not stop.is_set():
        started = time.monotonic()
        page = client.get("/console/calls/pop/").content.decode()
        marker = page.find('data-call="')
        if marker >= 0:
            call_id = page[marker + 11 : page.index('"', marker + 11)]
            if call_id in load.sent_at and call_id not in seen and "基准商户" in page:
                seen[call_id] = time.monotonic() - load.sent_at[call_id]
        time.sleep(max(0.0, POLL - (time.monotonic() - started)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    setup_django(fresh_database("postgres", "channels"))
    system, agents, phones = populate()
    load = Load(system, agents, phones)
    seen: dict[str, float] = {}
    stop = threading.Event()
    threads = [threading.Thread(target=load.run, args=(stop,))]
    threads += [
        threading.Thread(target=poll, args=(agent, load, seen, stop)) for agent in agents[:WATCHED]
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = list(seen.values())
    rate = load.accepted / elapsed
    result: dict[str, Any] = {
        "goal": {"events_per_second": RATE, "screen_pop_p95_seconds": GOAL_P95},
        "seconds": round(elapsed, 1),
        "events_accepted": load.accepted,
        "events_per_second": round(rate),
        "batch_size": BATCH,
        "request_ms_median": round(statistics.median(load.request_ms), 1),
        "request_ms_p95": round(percentile(load.request_ms, 0.95), 1),
        "screen_pops_measured": len(latencies),
        "screen_pops_sent": len(load.sent_at),
        "screen_pop_s_median": round(statistics.median(latencies), 3) if latencies else None,
        "screen_pop_s_p95": round(percentile(latencies, 0.95), 3) if latencies else None,
        "poll_interval_s": POLL,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "load_average_1min_at_end": round(os.getloadavg()[0], 1),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    result["goal_met"] = bool(rate >= RATE and latencies and result["screen_pop_s_p95"] <= GOAL_P95)
    write_result("channels", result)


if __name__ == "__main__":
    main()
