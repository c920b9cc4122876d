"""The failure model against "oldest terminals first" on a later period (PostgreSQL; issue 12,
Done-when 5), through the code `manage.py fleet_train` runs.

8,000 terminals of the 16 catalogue models (each model with its own repair factor; ages 30
days to 5 years) live through 280 days of the documented wear process (`fleet/wear.py`). Each
day becomes a daily telemetry roll-up (`TelemetryDaily`, COPY'd in bulk: 2.24 million rows)
and every simulated failure a `FailureEvent`. Then `fleet.predictive.train()` — the body of
`fleet_train` — builds weekly snapshots of the earlier period (features from the roll-ups,
label: a failure within 30 days), fits the gradient boosting of `fleet.riskmodel`, and
evaluates it on the later snapshot whose 30-day label window ends on the last day with data
(a period no training label reaches). Reported: precision among the top 100 by predicted
risk and among the 100 oldest terminals; goal: at least twice the baseline.

    .venv/bin/python bench/run.py bench_fleet_model     # DATABASE_URL as for `make bench`
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import fresh_database, peak_rss_mb, setup_django, write_result  # noqa: E402

TERMINALS, DAYS = 8_000, 280
GOAL_RATIO = 2.0


def load_average() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def make_fleet(rng: random.Random, first_day: dt.date) -> tuple[list, list]:
    """Terminals with a model and an install date; returns (terminals, the wear units)."""
    from fleet import wear
    from merchants.models import Merchant
    from terminals.models import Terminal, TerminalModel

    models = list(TerminalModel.objects.order_by("pk"))
    factors = {m.pk: rng.uniform(0.5, 2.0) for m in models}
    Merchant.objects.bulk_create(
        [
            Merchant(merchant_id=f"8984402581{n:05d}", name=f"商户{n}", mcc="5411")
            for n in range(TERMINALS // 4)
        ],
        batch_size=5000,
    )
    merchants = list(Merchant.objects.order_by("pk").values_list("pk", flat=True))
    units, terminals = [], []
    for n in range(TERMINALS):
        model = models[rng.randrange(len(models))]
        age = rng.randint(30, 5 * 365)
        units.append(wear.new_unit(rng, age, factors[model.pk]))
        terminals.append(
            Terminal(
                terminal_id=f"{n:08d}",
                serial_number=f"SN{n:010d}",
                model=model,
                merchant_id=merchants[n // 4],
                comm_type="4g",
                install_date=first_day - dt.timedelta(days=age),
                firmware_version="V1.0",
            )
        )
    Terminal.objects.bulk_create(terminals, batch_size=5000)
    saved = list(Terminal.objects.order_by("terminal_id"))
    return saved, units


def simulate_and_store(rng: random.Random, first_day: dt.date) -> dict:
    """Run the wear process day by day; COPY each day's roll-ups; record the failures."""
    from django.db import connection, transaction

    from fleet import retention, wear
    from fleet.models import FailureEvent

    terminals, units = make_fleet(rng, first_day)
    failures = []
    rows = 0
    columns = ", ".join(retention.DAILY_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        for day in range(DAYS):
            date = first_day + dt.timedelta(days=day)
            with cursor.cursor.copy(f"COPY fleet_telemetrydaily ({columns}) FROM STDIN") as copy:
                for index, terminal in enumerate(terminals):
                    r = wear.step(units[index], rng, day)
                    if r["failed"]:
                        failures.append(
                            FailureEvent(
                                terminal=terminal,
                                failed_on=date,
                                part=r["failed_part"],
                                source=FailureEvent.Source.DEMO,
                            )
                        )
                    reader = r["chip_errors"] + r["swipe_errors"] + r["contactless_errors"]
                    copy.write_row(
                        (terminal.pk, date, 1, r["battery_pct"], r["battery_cycles"])
                        + (r["temperature_c"], r["signal_dbm"], r["print_count"])
                        + (int(r["printer"] != "ok"), reader, r["reboots"])
                        + (r["free_storage_mb"], 0, terminal.firmware_version)
                    )
                    rows += 1
        FailureEvent.objects.bulk_create(failures, batch_size=5000)
        cursor.execute("ANALYZE fleet_telemetrydaily")
    return {"terminals": len(terminals), "daily_rows": rows, "failures": len(failures)}


def main() -> None:
    setup_django(fresh_database("postgresql", "fleet_model"))
    from django.utils import timezone

    from fleet.predictive import train

    rng = random.Random(2026)
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=DAYS)
    started = time.perf_counter()
    data = simulate_and_store(rng, first_day)
    simulated = time.perf_counter() - started
    load = load_average()
    trained = time.perf_counter()
    bundle = train()  # what `manage.py fleet_train` runs
    train_seconds = time.perf_counter() - trained
    metrics = bundle.metrics
    ratio = metrics["ratio"]
    write_result(
        "fleet_model",
        {
            **data,
            "days": DAYS,
            "train_snapshots": metrics["train_snapshots"],
            "train_rows": metrics["train_rows"],
            "train_failures": metrics["train_failures"],
            "test_snapshot": metrics["test_snapshot"],
            "test_terminals": metrics["test_terminals"],
            "test_failures": metrics["test_failures"],
            "horizon_days": metrics["horizon_days"],
            "top": metrics["top"],
            "precision_top_model": metrics["precision_top_model"],
            "precision_top_oldest_first": metrics["precision_top_oldest_first"],
            "ratio": ratio,
            "goal_ratio": GOAL_RATIO,
            "goal_met": ratio is not None and ratio >= GOAL_RATIO,
            "simulate_and_store_seconds": round(simulated, 1),
            "train_seconds": round(train_seconds, 1),
            "load_average_before_training": load,
            "peak_rss_mb": round(peak_rss_mb()),
        },
    )


if __name__ == "__main__":
    main()
