"""Fleet benchmarks (PostgreSQL; issue 12, Done-when 5), in a fresh database
`poscare_bench_fleet` holding a fleet of 100,000 terminals (10,000 merchants):

1. telemetry ingestion — 200,000 records (20,000 terminals × 10 reports) written to a JSON
   Lines file first, then read, checked and stored by `fleet.ingest.ingest_file` (what
   `manage.py import_telemetry FILE` runs; the TMS adapters and the API end in the same
   `ingest`); then 100,000 more as 10 API batches of 10,000 (`POST /api/telemetry/`, JSON
   encoded and decoded, DRF, the integration role) — records/s for each; goal ≥ 20,000/s;
2. health evaluation of the 100,000 terminals (latest state + 14 daily roll-ups each,
   planted faults) with `fleet.evaluation.evaluate_fleet` — seconds; goal ≤ 60 s;
3. transaction-health scan of 1,000,000 transactions: every one of them lies in the five
   windows the scan reads (the last 24 h and the same 24 h of the four weeks before;
   10,000 terminals of 1,000 merchants, planted 55 and refund spikes), with
   `fleet.txnhealth.scan_transactions` (each merchant and each terminal against its own
   baseline) — seconds; goal ≤ 30 s;
4. the terminal page with 90 days of telemetry: 300 terminals with hourly raw reports for
   90 days (648,000 rows beside the others), rolled up by `fleet.retention.roll_up` — p50/p95
   of 100 requests by an agent over 20 of those terminals, Django's test client; goal
   p95 ≤ 150 ms.

The failure model's precision is measured by bench_fleet_model.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/poscare .venv/bin/python bench/bench_fleet.py
    (or `bench/run.py bench_fleet`; `--only ingest,health,txn,page`, `--db NAME`)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, fresh_database, peak_rss_mb, setup_django, write_result  # noqa: E402

TERMINALS = 100_000
INGEST_TERMINALS, INGEST_REPORTS = 20_000, 10
API_BATCHES, API_BATCH = 10, 10_000
TXNS, TXN_TERMINALS, TXN_WEEKS = 1_000_000, 10_000, 4
PAGE_TERMINALS, PAGE_DAYS, PAGE_SAMPLE, PAGE_REQUESTS = 300, 90, 20, 100


def load_average() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def cpu(measured: dict) -> float:
    return measured["python_cpu_seconds"] + (measured["db_cpu_seconds"] or 0)


def process_cpu() -> float:
    """This process's CPU time and its finished children's (the ingestion's reader process)."""
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


class Meter:
    """Wall time, this process's CPU time (with its reader process's) and the CPU time of its
    PostgreSQL backend (read from /proc, same machine): on a loaded, shared machine the CPU
    seconds say what the work costs, the wall seconds what this run got."""

    def __init__(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend = cursor.fetchone()[0]
        self.load = load_average()
        self.wall = time.perf_counter()
        self.cpu = process_cpu()
        self.db = self._backend_cpu()

    def _backend_cpu(self) -> float | None:
        try:
            fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> dict:
        wall = time.perf_counter() - self.wall
        db = self._backend_cpu()
        found = {
            "seconds": round(wall, 2),
            "python_cpu_seconds": round(process_cpu() - self.cpu, 2),
            "db_cpu_seconds": round(db - self.db, 2)
            if db is not None and self.db is not None
            else None,
            "load_average_before": self.load,
        }
        return found


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


def telemetry(i: int, terminals: int, start: dt.datetime) -> dict:
    """One report as a TMS sends it (the JSON shape, times with their offset)."""
    return {
        "terminal_id": f"{i % terminals:08d}",
        "at": (start + dt.timedelta(hours=i // terminals)).isoformat(),
        "battery_pct": 50 + i % 50,
        "charging": i % 2 == 0,
        "battery_cycles": 300 + i % 700,
        "temperature_c": 31.5,
        "signal_dbm": -70 - i % 30,
        "network": "4g",
        "printer": "ok" if i % 97 else "no_paper",
        "print_count": 10_000 + i,
        "chip_errors": i % 3,
        "swipe_errors": 0,
        "contactless_errors": i % 2,
        "reboots": 0,
        "free_storage_mb": 1500,
        "firmware_version": "V1.0",
        "app_version": "3.2.1",
        "last_signin_at": start.isoformat(),
        "signin_ok": True,
        "key_expires_on": "2027-05-01",
    }


def bench_ingest() -> dict:
    from rest_framework.test import APIClient

    from accounts.models import User
    from fleet.ingest import ingest_file
    from fleet.models import TelemetryRecord

    start = dt.datetime(2026, 11, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    total = INGEST_TERMINALS * INGEST_REPORTS
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "telemetry.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for i in range(total):
                handle.write(json.dumps(telemetry(i, INGEST_TERMINALS, start)) + "\n")
        size = path.stat().st_size
        meter = Meter()
        result = ingest_file(path)
        core = meter.stop()
    assert result.stored == total, result.as_dict()
    core.update(
        file_mb=round(size / 1e6, 1),
        records=result.received,
        stored=result.stored,
        records_per_second=round(result.received / core["seconds"]),
        records_per_cpu_second=round(result.received / cpu(core)),
    )

    # The HTTP API: batches of 10,000 as JSON, as a TMS posts them (later hours, new rows).
    tms = User.objects.create(username="bench-tms", role="integration")
    client = APIClient()
    client.force_authenticate(tms)
    later = start + dt.timedelta(days=2)
    bodies = [
        json.dumps(
            {
                "records": [
                    telemetry(i, INGEST_TERMINALS, later)
                    for i in range(b * API_BATCH, (b + 1) * API_BATCH)
                ]
            }
        )
        for b in range(API_BATCHES)
    ]
    meter = Meter()
    stored = 0
    for body in bodies:
        answer = client.post("/api/telemetry/", body, content_type="application/json")
        assert answer.status_code == 200, answer.content[:500]
        stored += answer.json()["stored"]
    api = meter.stop()
    assert stored == API_BATCHES * API_BATCH, stored
    # Re-sending one batch adds nothing.
    again = client.post("/api/telemetry/", bodies[0], content_type="application/json").json()
    assert again["stored"] == 0 and again["duplicates"] == API_BATCH, again
    return {
        "ingest": core,
        "api": {
            **api,
            "batches": API_BATCHES,
            "records": stored,
            "records_per_second": round(stored / api["seconds"]),
            "records_per_cpu_second": round(stored / cpu(api)),
            "resend_stored": again["stored"],
        },
        "raw_rows": TelemetryRecord.objects.count(),
        "goal_records_per_second": 20_000,
    }


def seed_health(pks: list[int]) -> None:
    """Latest state + 14 daily roll-ups for every terminal, with faults planted at known
    rates: no paper (1/50), sign-in failing (1/70), low storage (1/90), silent for 31 h
    (1/40), reader errors up in the last 3 days (1/60), a battery wearing out (1/45)."""
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
                    "battery_cycles": 1200 if pk % 45 == 0 else 400 + pk % 500,
                    "signal_dbm": -75,
                    "network": "4g",
                    "printer": "no_paper" if pk % 50 == 0 else "ok",
                    "signin_ok": pk % 70 != 0,
                    "free_storage_mb": 100 if pk % 90 == 0 else 1500,
                    "firmware_version": "V1.0",
                    "app_version": "3.2.1",
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
               SELECT s.terminal_id, current_date - d, 24,
                      CASE WHEN s.terminal_id % 45 = 0 THEN 10 + 3 * d ELSE 70 - d % 3 END,
                      400, -72, 0,
                      CASE WHEN s.terminal_id % 60 = 0 AND d < 3 THEN 12 ELSE 1 END,
                      0, 1500, 0, 'V1.0'
               FROM fleet_terminalstate s CROSS JOIN generate_series(1, 14) d
               ON CONFLICT (terminal_id, day) DO NOTHING"""
        )
        cursor.execute("ANALYZE fleet_telemetrydaily")
        cursor.execute("ANALYZE fleet_terminalstate")


def bench_health(pks: list[int]) -> dict:
    from django.db.models import Count

    from fleet.evaluation import evaluate_fleet
    from fleet.models import Finding

    seed_health(pks)
    meter = Meter()
    counts = evaluate_fleet()
    first = meter.stop()
    by_kind = dict(
        Finding.objects.filter(is_open=True)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    meter = Meter()
    evaluate_fleet()  # the steady state: findings refreshed, none new
    return {
        **counts,
        "findings_by_kind": by_kind,
        "first_run": first,
        "second_run": meter.stop(),
        "goal_seconds": 60,
    }


def seed_transactions(end: dt.datetime) -> None:
    """1,000,000 transactions, all inside the five windows the scan reads: 200,000 in the
    last 24 h and 200,000 in the same 24 h of each of the four weeks before, 20 per terminal
    and window. Mix: ~3% declined (55/51/05), ~1.5% refunds. Planted in the last 24 h: a 55
    spike at every 50th merchant, a refund spike at every 77th, a 96 spike at every 111th."""
    from django.db import connection

    from payments import partitions

    per_window = TXNS // (TXN_WEEKS + 1)
    first = end - dt.timedelta(weeks=TXN_WEEKS, hours=24)
    partitions.ensure_partitions([first.date() - dt.timedelta(days=1), end.date()])
    with connection.cursor() as cursor:
        cursor.execute(
            """WITH base AS (SELECT min(id) AS id FROM terminals_terminal),
               g AS (
                 SELECT g, g / %(per)s AS w, g %% %(per)s AS i,
                        (g %% %(per)s) %% %(terminals)s AS k,
                        ((g::bigint * 2654435761) %% 1000)::int AS h
                 FROM generate_series(0, %(total)s - 1) g),
               x AS (
                 SELECT g.*, (g.k / 10) AS m,
                        %(end)s::timestamptz - g.w * interval '7 days' - interval '24 hours'
                          + ((g.i::bigint * 7919) %% 86400) * interval '1 second' AS ts
                 FROM g)
               INSERT INTO payments_transaction (merchant_id, terminal_id, txn_type, amount,
                 currency, pan_masked, card_last4, card_brand, entry_mode, local_time, txn_date,
                 stan, batch_no, auth_code, response_code, settlement_date, status, source,
                 created_at)
               SELECT t.merchant_id, t.id,
                      CASE WHEN (x.w = 0 AND x.m %% 77 = 0 AND x.h < 250) OR x.h >= 985
                           THEN 'refund' ELSE 'sale' END,
                      1000 + x.h, 'CNY', '', '', 'unionpay', 'chip', x.ts,
                      (x.ts AT TIME ZONE 'Asia/Shanghai')::date,
                      lpad((x.g %% 1000000)::text, 6, '0'), lpad((x.w)::text, 6, '0'), '', rc.code,
                      (x.ts AT TIME ZONE 'Asia/Shanghai')::date,
                      CASE WHEN rc.code = '00' THEN 'approved' ELSE 'declined' END, 'file', now()
               FROM x
               JOIN base ON true
               JOIN terminals_terminal t ON t.id = base.id + x.k
               CROSS JOIN LATERAL (SELECT CASE
                   WHEN x.w = 0 AND x.m %% 50 = 0 AND x.h < 300 THEN '55'
                   WHEN x.w = 0 AND x.m %% 111 = 0 AND x.h < 400 THEN '96'
                   WHEN x.h < 12 THEN '55' WHEN x.h < 24 THEN '51' WHEN x.h < 30 THEN '05'
                   WHEN x.h < 31 THEN '96' ELSE '00' END AS code) rc""",
            {
                "per": per_window,
                "terminals": TXN_TERMINALS,
                "total": TXNS,
                "end": end,
            },
        )
        cursor.execute("ANALYZE payments_transaction")


def bench_txn_health() -> dict:
    from django.db import connection
    from django.utils import timezone

    from fleet.models import TxnAlert
    from fleet.txnhealth import WINDOW, scan_transactions, window_end_for

    now = timezone.now()
    end = window_end_for(now)
    seed_transactions(end)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM payments_transaction WHERE local_time >= %s AND local_time < %s",
            [end - WINDOW, end],
        )
        current = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM payments_transaction")
        total = cursor.fetchone()[0]
    meter = Meter()
    alerts = scan_transactions(now, notify=False)
    first = meter.stop()
    kinds: dict[str, int] = {}
    for alert in alerts:
        key = f"{alert.kind}:{alert.code}" if alert.code else alert.kind
        key = f"{'terminal' if alert.terminal_id else 'merchant'} {key}"
        kinds[key] = kinds.get(key, 0) + 1
    meter = Meter()
    repeat = scan_transactions(now, notify=False)
    return {
        "transactions": total,
        "in_last_24h": current,
        "merchants": TXN_TERMINALS // 10,
        "terminals": TXN_TERMINALS,
        "alerts": len(alerts),
        "merchant_alerts": sum(1 for a in alerts if a.terminal_id is None),
        "terminal_alerts": sum(1 for a in alerts if a.terminal_id is not None),
        "alerts_by_kind": kinds,
        "first_run": first,
        "second_run": meter.stop(),
        "second_run_alerts": len(repeat),
        "alert_rows": TxnAlert.objects.count(),
        "goal_seconds": 30,
    }


def seed_page_telemetry(pks: list[int], now: dt.datetime) -> int:
    """Hourly raw reports for 90 days for these terminals, in bulk (one INSERT … SELECT)."""
    from django.db import connection

    from fleet import partitions

    start = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=PAGE_DAYS)
    partitions.ensure_partitions(
        {start.date() + dt.timedelta(days=d) for d in range(0, PAGE_DAYS + 2)}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO fleet_telemetryrecord (terminal_id, at, battery_pct, charging,
               battery_cycles, temperature_c, signal_dbm, network, printer, print_count,
               chip_errors, swipe_errors, contactless_errors, reboots, free_storage_mb,
               firmware_version, app_version, last_signin_at, signin_ok, key_expires_on, extra)
               SELECT t, %(start)s::timestamptz + h * interval '1 hour',
                      40 + (h * 7 + t) %% 60, h %% 24 < 8, 500 + h / 24, 30 + h %% 10,
                      -70 - (h + t) %% 25, '4g', 'ok', 10000 + h * 3, (h %% 5 = 0)::int, 0, 0, 0,
                      1500 - h / 10, 'V1.0', '3.2.1',
                      %(start)s::timestamptz + (h / 24) * interval '1 day', true,
                      DATE '2027-05-01', '{}'
               FROM unnest(%(pks)s::bigint[]) t CROSS JOIN generate_series(0, %(hours)s - 1) h
               ON CONFLICT (terminal_id, at) DO NOTHING""",
            {"start": start, "pks": pks, "hours": PAGE_DAYS * 24},
        )
        inserted = cursor.rowcount
        cursor.execute("ANALYZE fleet_telemetryrecord")
    return inserted


def bench_terminal_page(pks: list[int]) -> dict:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from fleet.models import TelemetryDaily, TelemetryRecord, TerminalState
    from fleet.retention import roll_up
    from terminals.models import Terminal

    chosen = pks[-PAGE_TERMINALS:]
    now = timezone.now()
    inserted = seed_page_telemetry(chosen, now)
    TerminalState.objects.bulk_create(  # their latest report (kept if the health step ran)
        [
            TerminalState(
                terminal_id=pk,
                last_seen_at=now,
                data={"battery_pct": 60, "printer": "ok", "signin_ok": True},
            )
            for pk in chosen
        ],
        ignore_conflicts=True,
    )
    meter = Meter()
    for back in range(PAGE_DAYS + 1, -1, -1):
        roll_up(timezone.localdate() - dt.timedelta(days=back))
    rolled = meter.stop()
    sample = list(
        Terminal.objects.filter(pk__in=chosen[:: PAGE_TERMINALS // PAGE_SAMPLE]).values_list(
            "terminal_id", flat=True
        )
    )[:PAGE_SAMPLE]
    agent = User.objects.create(username="bench-agent", role="l1", agent_no="B0001")
    client = Client()
    client.force_login(agent)
    urls = [f"/terminals/{tid}/" for tid in sample]
    queries: list[str] = []

    def count(run: Any, sql: str, *rest: Any) -> Any:
        queries.append(sql)
        return run(sql, *rest)

    with connection.execute_wrapper(count):
        first = client.get(urls[0])
    assert first.status_code == 200
    body = first.content.decode()
    assert "fleet-health" in body and "sparkline" in body, "no telemetry panel/chart"
    times, cpu_times = [], []
    meter = Meter()
    for n in range(PAGE_REQUESTS):
        started, started_cpu = time.perf_counter(), time.process_time()
        answer = client.get(urls[n % len(urls)])
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - started_cpu) * 1000)
        assert answer.status_code == 200
    spent = meter.stop()
    times.sort()
    cpu_times.sort()
    return {
        "terminals_with_90_days": len(chosen),
        "raw_reports_inserted": inserted,
        "raw_rows_total": TelemetryRecord.objects.count(),
        "daily_rows_total": TelemetryDaily.objects.count(),
        "roll_up_92_days": rolled,
        "requests": PAGE_REQUESTS,
        "terminals_requested": len(urls),
        "queries_per_page": len(queries),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "max_ms": round(times[-1], 1),
        "python_cpu_p50_ms": round(statistics.median(cpu_times), 1),
        "python_cpu_p95_ms": round(cpu_times[int(len(cpu_times) * 0.95) - 1], 1),
        "db_cpu_mean_ms": round((spent["db_cpu_seconds"] or 0) * 1000 / PAGE_REQUESTS, 1),
        "all_requests": spent,
        "goal_p95_ms": 150,
    }


def main() -> None:
    only = set()
    if "--only" in sys.argv:
        only = set(sys.argv[sys.argv.index("--only") + 1].split(","))
    name = sys.argv[sys.argv.index("--db") + 1] if "--db" in sys.argv else "fleet"
    setup_django(fresh_database("postgresql", name))
    started = time.perf_counter()
    pks = make_fleet(TERMINALS)
    results: dict = {
        "fleet": {"terminals": len(pks), "seconds": round(time.perf_counter() - started)}
    }
    steps = {
        "ingest": ("ingestion", lambda: bench_ingest()),
        "health": ("health_evaluation", lambda: bench_health(pks)),
        "txn": ("transaction_health", lambda: bench_txn_health()),
        "page": ("terminal_page", lambda: bench_terminal_page(pks)),
    }
    for key, (name, run) in steps.items():
        if only and key not in only:
            continue
        before = load_average()
        results[name] = {**run(), "load_average_step": [before, load_average()]}
        print(name, json.dumps(results[name], ensure_ascii=False), flush=True)
    results |= {"load_average_end": load_average(), "peak_rss_mb": round(peak_rss_mb())}
    if only:  # a partial run (the bench lock is held ≤ 10 min): keep the other steps' figures
        earlier = RESULTS / "fleet.json"
        kept = json.loads(earlier.read_text()) if earlier.exists() else {}
        for header in ("benchmark", "machine"):
            kept.pop(header, None)
        results = {**kept, **results}
    write_result("fleet", results)


if __name__ == "__main__":
    main()
