"""The ledger on PostgreSQL.

1. Appends in the same transactions as their records: transactions imported through the
   payments import (records and entries COPYed in one transaction per batch), and
   interactions bulk-created with their entries, 1,000 a transaction. Goal ≥ 5,000/s.
   Also the latency a request pays: one save in its own transaction, with and without entry.
2. The sequencer: entries placed in the tree and tiles written, per second.
3. `ledger_audit` over all those entries and records. Goal ≤ 60 s at 1,000,000.
4. Inclusion proofs at 10,000,000 leaves from stored tiles (built synthetically: random
   leaf hashes, real tile hashes above them). Goal ≤ 5 ms.
5. pymerkle side by side on the same leaves in memory: equal roots, proof times.

LEDGER_BENCH_ROWS (default 1,000,000) and LEDGER_BENCH_LEAVES (default 10,000,000) scale it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, fresh_database, peak_rss_mb, setup_django, write_result  # noqa: E402

ROWS = int(os.environ.get("LEDGER_BENCH_ROWS", 1_000_000))
LEAVES = int(os.environ.get("LEDGER_BENCH_LEAVES", 10_000_000))
TERMINALS = 200
INTERACTIONS = 20_000
REQUESTS = 300
PROOFS = 500


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def make_transactions(path: Path) -> None:
    start = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["merchant_id", "terminal_id", "txn_type", "amount", "currency", "pan",
             "entry_mode", "local_time", "stan", "batch_no", "rrn", "auth_code", "response_code"]
        )  # fmt: skip
        for n in range(ROWS):
            terminal = n % TERMINALS
            sequence = n // TERMINALS
            writer.writerow(
                [
                    f"898440158{terminal:06d}",
                    f"{70000000 + terminal:08d}",
                    "sale",
                    f"{n % 9000 + 1}.00",
                    "CNY",
                    "",
                    "qr",
                    (start + dt.timedelta(seconds=sequence * 7)).isoformat(),
                    f"{sequence % 999_999 + 1:06d}",
                    f"{sequence // 999_999 + 1:06d}",
                    f"{n + 1:012d}",
                    "A1B2C3",
                    "00",
                ]
            )


def setup_fleet() -> None:
    from merchants.models import Merchant
    from terminals.models import Terminal, TerminalModel

    model, _ = TerminalModel.objects.get_or_create(
        manufacturer="百富 PAX", name="A920", defaults={"kind": "smart", "comm_types": ["4g"]}
    )
    for n in range(TERMINALS):
        merchant = Merchant.objects.create(
            merchant_id=f"898440158{n:06d}", name=f"商户{n}", mcc="5411", region_code="440106"
        )
        Terminal.objects.create(
            terminal_id=f"{70000000 + n:08d}",
            serial_number=f"LEDGER{n:06d}",
            model=model,
            merchant=merchant,
            comm_type="4g",
        )


def bench_appends() -> dict:
    from django.db import transaction

    from accounts.models import User
    from desk.models import Interaction
    from desk.services import open_ticket
    from ledger import services as ledger
    from ledger.models import LedgerEntry
    from ledger.recorder import paused
    from merchants.models import Merchant
    from payments.ingest import ingest_file

    path = ROOT / "var" / f"bench_ledger_{ROWS}.csv"
    if not path.exists():
        make_transactions(path)
    started = time.perf_counter()
    result = ingest_file(path)
    import_seconds = time.perf_counter() - started
    assert result.created == ROWS, (result.created, result.error_rows)
    assert LedgerEntry.objects.filter(kind="transaction").count() == ROWS

    agent = User.objects.create(username="bench-agent", role="l1", agent_no="A1001")
    merchant = Merchant.objects.order_by("pk").first()
    assert merchant is not None
    ticket = open_ticket(
        merchant=merchant, category="other", description="bench", channel="phone", opened_by=agent
    )

    def call(n: int) -> Interaction:
        return Interaction(
            ticket=ticket, kind="call", channel="phone", direction="inbound",
            author=agent, agent_no="A1001", body=f"来电 {n}",
        )  # fmt: skip

    def saves(count: int) -> float:
        """ms per save, each in its own transaction as a request's service writes it."""
        started = time.perf_counter()
        for n in range(count):
            with transaction.atomic():
                call(n).save()
        return (time.perf_counter() - started) / count * 1000

    with paused():
        unlogged_ms = saves(REQUESTS)
    ledger.backfill()  # log those too, as a deployment that predates the ledger would
    logged_ms = saves(REQUESTS)
    before = LedgerEntry.objects.count()
    started = time.perf_counter()
    for _ in range(INTERACTIONS // 1000):  # a batch job: 1,000 records and entries a transaction
        with transaction.atomic():
            created = Interaction.objects.bulk_create([call(n) for n in range(1000)])
            ledger.record("interaction", [item.pk for item in created], new=True)
    batch_seconds = time.perf_counter() - started
    assert LedgerEntry.objects.count() - before == INTERACTIONS
    return {
        "import_records": ROWS,
        "import_seconds": round(import_seconds, 1),
        "import_records_and_entries_per_second": round(ROWS / import_seconds),
        "batched_orm_records": INTERACTIONS,
        "batched_orm_records_and_entries_per_second": round(INTERACTIONS / batch_seconds),
        "request_save_ms_without_ledger": round(unlogged_ms, 2),
        "request_save_ms_with_entry": round(logged_ms, 2),
    }


def bench_sequence_and_audit() -> dict:
    from ledger import audit, checkpoints, log
    from ledger.models import LedgerEntry

    total = LedgerEntry.objects.count()
    started = time.perf_counter()
    log.sequence_all()
    sequence_seconds = time.perf_counter() - started
    checkpoints.issue(force=True)
    started = time.perf_counter()
    result = audit.run()
    audit_seconds = time.perf_counter() - started
    assert result.ok, result.counts
    assert result.entries == total
    return {
        "entries": total,
        "sequence_seconds": round(sequence_seconds, 1),
        "sequenced_per_second": round(total / sequence_seconds),
        "audit_seconds": round(audit_seconds, 1),
        "audit_entries_per_second": round(total / audit_seconds),
    }


def build_synthetic_tiles(leaves: int) -> bytes:
    """Stored tiles of a tree of `leaves` random leaf hashes; returns the root (computed in
    memory from the same tiles)."""
    from django.db import connection

    from ledger import merkle
    from ledger.models import LedgerTile, LogHead

    LedgerTile.objects.all().delete()
    rng = random.Random(9162)
    level_hashes: list[bytes] = []  # the hashes of the level above, as tiles complete
    tree = merkle.MemoryTiles()  # upper levels only (level ≥ 1), for the root
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy("COPY ledger_ledgertile (level, number, hashes) FROM STDIN") as copy:
            for number in range((leaves + merkle.TILE_WIDTH - 1) // merkle.TILE_WIDTH):
                width = min(merkle.TILE_WIDTH, leaves - number * merkle.TILE_WIDTH)
                data = rng.randbytes(width * merkle.HASH_SIZE)
                copy.write_row((0, number, data))
                if width == merkle.TILE_WIDTH:
                    level_hashes.append(merkle._reduce(data))
    # Upper levels: the same append as the sequencer, on a tree of tile roots.
    tree.append(level_hashes)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy("COPY ledger_ledgertile (level, number, hashes) FROM STDIN") as copy:
            for (level, number), data in tree.tiles.items():
                copy.write_row((level + 1, number, data))
    LogHead.objects.update_or_create(pk=1, defaults={"size": leaves})
    from ledger import log

    return log.root(leaves)


def bench_proofs() -> dict:
    from ledger import log, merkle

    started = time.perf_counter()
    root = build_synthetic_tiles(LEAVES)
    build_seconds = time.perf_counter() - started
    rng = random.Random(1)
    timings = []
    for _ in range(PROOFS):
        index = rng.randrange(LEAVES)
        began = time.perf_counter()
        proof = log.inclusion_proof(index, LEAVES)
        timings.append((time.perf_counter() - began) * 1000)
        tile = log.read_tiles({(0, index // merkle.TILE_WIDTH)})[(0, index // merkle.TILE_WIDTH)]
        offset = (index % merkle.TILE_WIDTH) * merkle.HASH_SIZE
        merkle.verify_inclusion(index, LEAVES, tile[offset : offset + 32], proof, root)
    return {
        "leaves": LEAVES,
        "tiles_build_seconds": round(build_seconds, 1),
        "inclusion_proof_ms_median": round(statistics.median(timings), 2),
        "inclusion_proof_ms_p95": round(percentile(timings, 0.95), 2),
        "inclusion_proof_ms_max": round(max(timings), 2),
    }


def bench_pymerkle(count: int = 100_000) -> dict:
    from pymerkle import InmemoryTree

    from ledger import merkle

    entries = [hashlib.sha256(str(n).encode()).digest() for n in range(count)]
    ours = merkle.MemoryTiles()
    started = time.perf_counter()
    ours.append([merkle.leaf_hash(entry) for entry in entries])
    ours_build = time.perf_counter() - started
    theirs = InmemoryTree(algorithm="sha256")
    started = time.perf_counter()
    for entry in entries:
        theirs.append_entry(entry)
    theirs_build = time.perf_counter() - started
    their_root = (getattr(theirs, "get_root", None) or theirs.get_state)()
    assert ours.root() == their_root, "the roots differ"
    rng = random.Random(2)
    indexes = [rng.randrange(count) for _ in range(PROOFS)]
    started = time.perf_counter()
    for index in indexes:
        ours.inclusion_proof(index)
    ours_proof = (time.perf_counter() - started) / PROOFS * 1000
    started = time.perf_counter()
    for index in indexes:
        theirs.prove_inclusion(index + 1, count)  # pymerkle counts leaves from 1
    theirs_proof = (time.perf_counter() - started) / PROOFS * 1000
    return {
        "leaves": count,
        "roots_equal": True,
        "ours_build_seconds": round(ours_build, 2),
        "pymerkle_build_seconds": round(theirs_build, 2),
        "ours_inclusion_proof_ms": round(ours_proof, 3),
        "pymerkle_inclusion_proof_ms": round(theirs_proof, 3),
    }


def main() -> None:
    setup_django(fresh_database("postgresql", "ledger"))
    setup_fleet()
    appends = bench_appends()
    print(appends, flush=True)
    audit = bench_sequence_and_audit()
    print(audit, flush=True)
    proofs = bench_proofs()
    print(proofs, flush=True)
    side_by_side = bench_pymerkle()
    write_result(
        "ledger",
        {
            "backend": "postgresql",
            "appends": appends,
            "sequencer_and_audit": audit,
            "proofs_from_tiles": proofs,
            "pymerkle": side_by_side,
            "peak_rss_mb": round(peak_rss_mb()),
            "goals": {
                "appends_per_second": 5000,
                "inclusion_proof_ms_at_10m": 5,
                "audit_seconds_at_1m": 60,
            },
        },
    )


if __name__ == "__main__":
    main()
