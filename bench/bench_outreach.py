"""Contact-policy benchmark: 1,000,000 simulated contact requests through outreach.policy.

A seeded stream of requests (random merchants, purposes, urgencies, channels, de-duplication
keys and expiries) over 60 simulated days, for 20,000 merchants with random preferences
(quiet hours, channels, opt-ins, call caps, time zones). Each decision is timed on its own
(decide + book into the merchant's history); the JSON reports decisions per second and the
latency percentiles. Pure Python: no database.

    .venv/bin/python bench/bench_outreach.py [--requests N] [--merchants M]

Writes bench/results/outreach.json and prints it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import write_result  # noqa: E402

from outreach.policy import (  # noqa: E402
    DECISION_KINDS,
    ContactRequest,
    History,
    Policy,
    Preferences,
    book,
)
from outreach.quiet import DayBook  # noqa: E402
from outreach.vocabulary import CHANNELS  # noqa: E402

SEED = 20261124
START = dt.datetime(2026, 9, 1, 0, 0, tzinfo=dt.UTC)  # crosses the National Day holiday
DAYS = 60
PURPOSES = {
    "service_followup": 25,
    "system_update": 20,
    "transaction_anomaly": 20,
    "security_verification": 5,
    "risk_alert": 5,
    "survey": 10,
    "marketing": 15,
}
URGENCY = {"normal": 70, "high": 25, "urgent": 5}
ZONES = ["Asia/Shanghai"] * 18 + ["Asia/Urumqi", "Asia/Hong_Kong"]
CHANNEL_SETS = [
    ("inbox", "sms"),
    ("inbox", "sms", "phone"),
    ("inbox", "email"),
    ("inbox",),
    ("sms", "voice", "phone"),
    ("inbox", "email", "sms", "voice", "phone"),
]


def random_preferences(rng: random.Random) -> Preferences:
    if rng.random() < 0.6:
        return Preferences(timezone=rng.choice(ZONES), marketing_opt_in=rng.random() < 0.4)
    channels = frozenset(c for c in CHANNELS if rng.random() < 0.7)
    start, end = rng.choice([(21, 9), (22, 8), (20, 10), (12, 14), (0, 0)])
    return Preferences(
        channels=channels,
        quiet_start=dt.time(start),
        quiet_end=dt.time(end),
        marketing_opt_in=rng.random() < 0.5,
        survey_opt_in=rng.random() < 0.8,
        call_cap_per_week=rng.choice([None, None, 0, 1, 2, 3]),
        fewer_contacts=rng.random() < 0.05,
        timezone=rng.choice(ZONES),
    )


def percentile(sorted_values: list[int], q: float) -> int:
    index = min(len(sorted_values) - 1, int(round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--merchants", type=int, default=20_000)
    args = parser.parse_args()

    rng = random.Random(SEED)
    policy = Policy(days=DayBook())
    prefs = [random_preferences(rng) for _ in range(args.merchants)]
    histories = [History() for _ in range(args.merchants)]
    purposes, purpose_weights = list(PURPOSES), list(PURPOSES.values())
    urgencies, urgency_weights = list(URGENCY), list(URGENCY.values())
    step = DAYS * 86400 / args.requests

    # The stream is generated up front so only the policy is timed.
    stream = []
    recent: list[tuple] = []  # keyed requests that other systems may send again
    for n in range(args.requests):
        offset = n * step
        if recent and rng.random() < 0.08:
            # A second system reports the same incident a little later.
            merchant, purpose, urgency, channels, key, expires_h, _ = rng.choice(recent)
            stream.append((merchant, purpose, urgency, channels, key, expires_h, offset))
            continue
        merchant = rng.randrange(args.merchants)
        purpose = rng.choices(purposes, purpose_weights)[0]
        key = f"{purpose}-{merchant}-{n}" if rng.random() < 0.3 else None
        item = (
            merchant,
            purpose,
            rng.choices(urgencies, urgency_weights)[0],
            rng.choice(CHANNEL_SETS),
            key,
            rng.choice([None, None, 2, 24, 72]),
            offset,
        )
        stream.append(item)
        if key:
            recent.append(item)
            if len(recent) > 500:
                recent.pop(0)

    latencies = [0] * args.requests
    # The pre-built stream is millions of long-lived objects; freezing them keeps the cyclic
    # garbage collector from rescanning them during the timed loop (the policy itself
    # allocates little and creates no cycles).
    gc.collect()
    gc.freeze()
    kinds = dict.fromkeys(DECISION_KINDS, 0)
    overrides = 0
    clock = time.perf_counter_ns
    wall_start = time.perf_counter()
    for n, (merchant, purpose, urgency, channels, key, expires_h, offset) in enumerate(stream):
        now = START + dt.timedelta(seconds=offset)
        history = histories[merchant]
        if len(history) > 48:
            history.prune(now.timestamp() - 31 * 86400)
        request = ContactRequest(
            n,
            merchant,
            purpose,
            urgency,
            channels,
            now,
            dedupe_key=key,
            expires_at=now + dt.timedelta(hours=expires_h) if expires_h else None,
        )
        t0 = clock()
        decision = policy.decide(request, prefs[merchant], history, now)
        book(history, request, decision, now)
        latencies[n] = clock() - t0
        kinds[decision.kind] += 1
        overrides += decision.override
    wall = time.perf_counter() - wall_start

    latencies.sort()
    decision_seconds = sum(latencies) / 1e9
    write_result(
        "outreach",
        {
            "what": "contact policy decisions (decide + book), pure Python, no database",
            "command": "python bench/bench_outreach.py",
            "requests": args.requests,
            "merchants": args.merchants,
            "simulated_days": DAYS,
            "decisions_per_second": round(args.requests / decision_seconds),
            "loop_decisions_per_second": round(args.requests / wall),
            "latency_us": {
                "p50": round(percentile(latencies, 0.50) / 1000, 1),
                "p90": round(percentile(latencies, 0.90) / 1000, 1),
                "p99": round(percentile(latencies, 0.99) / 1000, 1),
                "p999": round(percentile(latencies, 0.999) / 1000, 1),
                "max": round(latencies[-1] / 1000, 1),
            },
            "p99_goal_us": 1000,
            "p99_within_goal": percentile(latencies, 0.99) <= 1_000_000,
            "decisions": kinds,
            "audited_overrides": overrides,
            "load_average_1min": round(os.getloadavg()[0], 2),
            "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        },
    )


if __name__ == "__main__":
    main()
