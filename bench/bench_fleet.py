"""Fleet benchmarks (PostgreSQL), each in its own fresh database `poscare_bench_fleet`:

1. telemetry ingestion: 200,000 records (20,000 terminals × 10 reports) through
   `fleet.ingest.ingest`, the path the API and `import_telemetry` use — records/s;
2. health evaluation of 100,000 terminals (latest state + 14 daily roll-ups each) with
   `fleet.evaluation.evaluate_fleet` — seconds;
3. transaction-health scan of 1,000,000 transactions (2,000 terminals, 35 days) with
   `fleet.txnhealth.scan_transactions` — seconds;
4. the terminal page with 90 days of telemetry (hourly raw reports and daily roll-ups):
   p50/p95 of 50 requests by an agent through Django's test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/poscare .venv/bin/python bench/bench_fleet.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import fresh_database, peak_rss_mb, setup_django, write_result  # noqa: E402

TERMINALS_HEALTH = 100_000
INGEST_TERMINALS, INGEST_REPORTS = 20_000, 10
TXNS, TXN_TERMINALS, TXN_DAYS = 1_000_000, 2_000, 35


def make_fleet(count: int) -> list[int]:
    from merchants.models import Merchant
    from terminals.models import Terminal, TerminalModel

    model = TerminalModel.objects.first()
    merchants = [
        Merchant(
            merchant_id=f"8984401581{n:05d}",
            name=f"商户{n}",
            mcc="5411",
            region_code=("440106", "310101", "110105", "510107")[n % 4],
        )
        for n in range(count // 10)
    ]
    Merchant.objects.bulk_create(merchants, batch_size=5000)
    pks = list(Merchant.objects.order_by("pk").values_list("pk", flat=True))
    Terminal.objects.bulk_create(
        [
            Terminal(
                terminal_id=f"{n:08d}",
                serial_number=f"SN{n:010d}",
                model=model,
                merchant_id=pks[n // 10],
                comm_type="4g",
                firmware_version=("V1.0", "V1.1", "V2.0")[n % 3],
            )
            for n in range(count)
        ],
        batch_size=5000,
    )
    return list(Terminal.objects.order_by("pk").values_list("pk", flat=True))


def bench_ingest() -> dict:
    from fleet.ingest import ingest

    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    records = (
        (
            i,
            {
                "terminal_id": f"{i % INGEST_TERMINALS:08d}",
                "at": (start + dt.timedelta(hours=i // INGEST_TERMINALS)).isoformat(),
                "battery_pct": 50 + i % 50,
                "charging": i % 2 == 0,
                "battery_cycles": 300 + i % 700,
                "temperature_c": 31.5,
                "signal_dbm": -70 - i % 30,
                "network": "4g",
                "printer": "ok",
                "print_count": 10_000 + i,
                "chip_errors": i % 3,
                "swipe_errors": 0,
                "contactless_errors": 0,
                "reboots": 0,
                "free_storage_mb": 1500,
                "firmware_version": "V1.0",
                "app_version": "3.2.1",
                "last_signin_at": start.isoformat(),
                "signin_ok": True,
                "key_expires_on": "2027-05-01",
            },
        )
        for i in range(INGEST_TERMINALS * INGEST_REPORTS)
    )
    started = time.perf_counter()
    result = ingest(records)
    seconds = time.perf_counter() - started
    return {
        "records": result.received,
        "stored": result.stored,
        "seconds": round(seconds, 2),
        "records_per_second": round(result.received / seconds),
        "goal_records_per_second": 20_000,
    }


def seed_health(pks: list[int]) -> None:
    from django.db import connection

    from fleet.models import TerminalState

    now = dt.datetime.now(dt.UTC)
    TerminalState.objects.all().delete()
    TerminalState.objects.bulk_create(
        [
            TerminalState(
                terminal_id=pk,
                last_seen_at=now - dt.timedelta(hours=1 + (pk % 40 == 0) * 30),
                data={
                    "battery_pct": 60,
                    "battery_cycles": 400 + pk % 900,
                    "network": "4g",
                    "printer": "no_paper" if pk % 50 == 0 else "ok",
                    "signin_ok": pk % 70 != 0,
                    "free_storage_mb": 100 if pk % 90 == 0 else 1500,
                    "firmware_version": "V1.0",
                    "key_expires_on": "2027-05-01",
                },
            )
            for pk in pks
        ],
        batch_size=10_000,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO fleet_telemetrydaily (terminal_id, day, reports, battery_min,
               battery_cycles, signal_avg, printer_faults, reader_errors, reboots,
               free_storage_min, signin_failures, firmware_version)
               SELECT s.terminal_id, current_date - d, 1, 70 - d, 400, -72, 0,
                      CASE WHEN s.terminal_id %% 60 = 0 AND d < 3 THEN 12 ELSE 1 END,
                      0, 1500, 0, 'V1.0'
               FROM fleet_terminalstate s CROSS JOIN generate_series(1, 14) d"""
        )


def bench_health(pks: list[int]) -> dict:
    from fleet.evaluation import evaluate_fleet

    seed_health(pks)
    started = time.perf_counter()
    counts = evaluate_fleet()
    seconds = time.perf_counter() - started
    again = time.perf_counter()
    evaluate_fleet()  # the steady state: findings refreshed, none new
    return {
        **counts,
        "seconds_first_run": round(seconds, 2),
        "seconds_second_run": round(time.perf_counter() - again, 2),
        "goal_seconds": 60,
    }


def seed_transactions(now: dt.datetime) -> None:
    from django.db import connection

    from payments import partitions

    start = now - dt.timedelta(days=TXN_DAYS)
    partitions.ensure_partitions([start.date(), now.date()])
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO payments_transaction (merchant_id, terminal_id, txn_type, amount,
               currency, pan_masked, card_last4, card_brand, entry_mode, local_time, txn_date,
               stan, batch_no, auth_code, response_code, settlement_date, status, source,
               created_at)
               SELECT t.merchant_id, t.id,
                      CASE WHEN g %% 41 = 0 THEN 'refund' ELSE 'sale' END, 1000,
                      'CNY', '', '', 'unionpay', 'chip', ts,
                      (ts AT TIME ZONE 'Asia/Shanghai')::date,
                      lpad((g %% 1000000)::text, 6, '0'), lpad((g / 1000000)::text, 6, '0'), '',
                      CASE WHEN g %% 23 = 0 THEN '55' WHEN g %% 29 = 0 THEN '51' ELSE '00' END,
                      (ts AT TIME ZONE 'Asia/Shanghai')::date,
                      CASE WHEN g %% 23 = 0 OR g %% 29 = 0 THEN 'declined' ELSE 'approved' END,
                      'file', now()
               FROM generate_series(1, %s) g
               JOIN LATERAL (SELECT %s::timestamptz
                     + ((g * 7919) %% (%s * 86400)) * interval '1 second' AS ts) x ON true
               JOIN terminals_terminal t ON t.id = (SELECT min(id) FROM terminals_terminal)
                     + (g %% %s)""",
            [TXNS, start, TXN_DAYS, TXN_TERMINALS],
        )
        cursor.execute("ANALYZE payments_transaction")


def bench_txn_health() -> dict:
    from django.utils import timezone

    from fleet.txnhealth import scan_transactions

    now = timezone.now()
    seed_transactions(now)
    started = time.perf_counter()
    alerts = scan_transactions(now, notify=False)
    seconds = time.perf_counter() - started
    return {
        "transactions": TXNS,
        "alerts": len(alerts),
        "seconds": round(seconds, 2),
        "goal_seconds": 30,
    }


def bench_terminal_page() -> dict:
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from fleet.ingest import ingest_api
    from fleet.retention import roll_up
    from terminals.models import Terminal

    terminal = Terminal.objects.order_by("pk")[0]
    now = timezone.now()
    records = [
        {
            "terminal_id": terminal.terminal_id,
            "at": (now - dt.timedelta(hours=h)).isoformat(),
            "battery_pct": 40 + h % 60,
            "battery_cycles": 500,
            "printer": "ok",
            "signin_ok": True,
        }
        for h in range(90 * 24)
    ]
    ingest_api(records)
    for back in range(90):
        roll_up(timezone.localdate() - dt.timedelta(days=back))
    agent = User.objects.create(username="bench-agent", role="l1", agent_no="B0001")
    client = Client()
    client.force_login(agent)
    url = f"/terminals/{terminal.terminal_id}/"
    assert client.get(url).status_code == 200
    times = []
    for _ in range(50):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "raw_reports": len(records),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "goal_p95_ms": 150,
    }


def main() -> None:
    setup_django(fresh_database("postgresql", "fleet"))
    pks = make_fleet(TERMINALS_HEALTH)
    results = {
        "ingestion": bench_ingest(),
        "health_evaluation": bench_health(pks),
        "transaction_health": bench_txn_health(),
        "terminal_page": bench_terminal_page(),
    }
    write_result("fleet", {**results, "peak_rss_mb": round(peak_rss_mb())})


if __name__ == "__main__":
    main()
