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

Phases, each its own process so that a timed one fits a short hold of the bench lock (the
results merge into `bench/results/ledger.json`):

    python bench/bench_ledger.py appends    # fresh database: 1 and 2, then a checkpoint
    python bench/bench_ledger.py audit      # 3, on the database `appends` left
    python bench/bench_ledger.py pymerkle   # 5, the entries `appends` left
    python bench/bench_ledger.py tiles      # builds the 10M-leaf tiles (untimed: run it niced)
    python bench/bench_ledger.py proofs     # 4, on the tiles `tiles` left

Without an argument (`make bench`) all of them run in that order.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    RESULTS,
    ROOT,
    fresh_database,
    peak_rss_mb,
    setup_django,
    write_result,
)

ROWS = int(os.environ.get("LEDGER_BENCH_ROWS", 1_000_000))
LEAVES = int(os.environ.get("LEDGER_BENCH_LEAVES", 10_000_000))
TERMINALS = 200
INTERACTIONS = 20_000
REQUESTS = 300
PROOFS = 500
PYMERKLE_LEAVES = int(os.environ.get("LEDGER_BENCH_PYMERKLE", 250_000))  # ≈ 1 KB each in pymerkle


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


def bench_sequence() -> dict:
    from ledger import checkpoints, log
    from ledger.models import LedgerEntry

    total = LedgerEntry.objects.count()
    started = time.perf_counter()
    log.sequence_all()
    sequence_seconds = time.perf_counter() - started
    checkpoints.issue(force=True)
    return {
        "entries": total,
        "sequence_seconds": round(sequence_seconds, 1),
        "sequenced_per_second": round(total / sequence_seconds),
    }


def bench_audit() -> dict:
    """`manage.py ledger_audit` as an operator runs it, timed whole: it must pass."""
    import io

    from django.core.management import call_command

    from ledger.models import AuditRun, LedgerEntry

    total = LedgerEntry.objects.count()
    started = time.perf_counter()
    call_command("ledger_audit", stdout=io.StringIO(), stderr=io.StringIO())
    seconds = time.perf_counter() - started
    run = AuditRun.objects.order_by("-started_at").first()
    assert run is not None and run.ok, run and run.summary
    assert run.summary["entries"] == total, (run.summary, total)
    return {
        "command": "manage.py ledger_audit",
        "entries": run.summary["entries"],
        "records": run.summary["records"],
        "checkpoints": run.summary["checkpoints"],
        "seconds": round(seconds, 1),
        "entries_per_second": round(total / seconds),
    }


def build_synthetic_tiles(leaves: int) -> bytes:
    """Stored tiles of a tree of `leaves` random leaf hashes, written the way the sequencer
    writes them. Returns the root computed in memory from the leaf hashes themselves (not read
    back from the tiles), which the proofs are then verified against."""
    from django.db import connection

    from ledger import merkle
    from ledger.models import LedgerTile, LogHead

    LedgerTile.objects.all().delete()
    rng = random.Random(9162)
    tile_roots: list[bytes] = []  # level 8 of the tree: the root of each full level-0 tile
    last = b""  # the partly filled last level-0 tile
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy("COPY ledger_ledgertile (level, number, hashes) FROM STDIN") as copy:
            for number in range((leaves + merkle.TILE_WIDTH - 1) // merkle.TILE_WIDTH):
                width = min(merkle.TILE_WIDTH, leaves - number * merkle.TILE_WIDTH)
                data = rng.randbytes(width * merkle.HASH_SIZE)
                copy.write_row((0, number, data))
                if width == merkle.TILE_WIDTH:
                    tile_roots.append(merkle._reduce(data))
                else:
                    last = data
    # Upper levels: the same append as the sequencer, on the tree of tile roots.
    upper = merkle.MemoryTiles()
    upper.append(tile_roots)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy("COPY ledger_ledgertile (level, number, hashes) FROM STDIN") as copy:
            for (level, number), data in upper.tiles.items():
                copy.write_row((level + 1, number, data))
    LogHead.objects.update_or_create(pk=1, defaults={"size": leaves})
    # RFC 9162 MTH(D[0:leaves]) as its complete subtrees, each reduced from the leaf hashes.
    full = len(tile_roots) * merkle.TILE_WIDTH
    values = []
    for level, index in merkle._range_fold(0, leaves):
        first, count = index << level, 1 << level
        if first < full:
            above = level - merkle.TILE_HEIGHT
            roots = tile_roots[index << above : (index + 1) << above]
            values.append(merkle._reduce(b"".join(roots)))
        else:
            offset = (first - full) * merkle.HASH_SIZE
            values.append(merkle._reduce(last[offset : offset + count * merkle.HASH_SIZE]))
    root = values[-1]
    for value in reversed(values[:-1]):
        root = merkle.node_hash(value, root)
    return root


def bench_tiles() -> dict:
    from ledger import log

    started = time.perf_counter()
    root = build_synthetic_tiles(LEAVES)
    seconds = time.perf_counter() - started
    assert log.root(LEAVES) == root, "the stored tiles give another root"
    return {"leaves": LEAVES, "build_seconds": round(seconds, 1), "root": root.hex()}


def bench_proofs(expected_root: bytes) -> dict:
    """Random inclusion proofs from the stored tiles, each verified against the root computed
    from the leaves when the tiles were built."""
    from ledger import log, merkle

    size = log.tree_size()
    rng = random.Random(1)
    timings = []
    for _ in range(PROOFS):
        index = rng.randrange(size)
        began = time.perf_counter()
        proof = log.inclusion_proof(index, size)
        timings.append((time.perf_counter() - began) * 1000)
        key = (0, index // merkle.TILE_WIDTH)
        offset = (index % merkle.TILE_WIDTH) * merkle.HASH_SIZE
        leaf = log.read_tiles({key})[key][offset : offset + merkle.HASH_SIZE]
        merkle.verify_inclusion(index, size, leaf, proof, expected_root)
    return {
        "leaves": size,
        "proofs": PROOFS,
        "queries_per_proof": 1,
        "inclusion_proof_ms_median": round(statistics.median(timings), 2),
        "inclusion_proof_ms_p95": round(percentile(timings, 0.95), 2),
        "inclusion_proof_ms_max": round(max(timings), 2),
    }


def bench_pymerkle() -> dict:
    """The ledger's own first PYMERKLE_LEAVES entries, streamed from PostgreSQL in index order,
    through our tree and pymerkle's: both roots equal the stored tree's root at that size;
    then the same random inclusion proofs from each (ours also from the stored tiles)."""
    from django.db import connection, transaction
    from pymerkle import InmemoryTree

    from ledger import log, merkle

    count = min(PYMERKLE_LEAVES, log.tree_size())
    ours = merkle.MemoryTiles()
    theirs = InmemoryTree(algorithm="sha256")
    ours_build = theirs_build = 0.0
    with transaction.atomic(), connection.cursor() as cursor:  # a named cursor needs one
        raw = cursor.connection.cursor(name="ledger-bench-entries")
        raw.execute(
            "SELECT convert_to(content, 'UTF8') FROM ledger_ledgerentry "
            "WHERE index < %s ORDER BY index",
            [count],
        )
        while rows := raw.fetchmany(20_000):
            entries = [bytes(content) for (content,) in rows]
            started = time.perf_counter()
            ours.append([merkle.leaf_hash(entry) for entry in entries])
            ours_build += time.perf_counter() - started
            started = time.perf_counter()
            for entry in entries:
                theirs.append_entry(entry)
            theirs_build += time.perf_counter() - started
        raw.close()
    stored_root = log.root(count)
    assert ours.size == count == theirs.get_size()
    assert ours.root() == stored_root, "our in-memory root differs from the stored tree's"
    assert theirs.get_state() == stored_root, "pymerkle's root differs from the stored tree's"
    rng = random.Random(2)
    indexes = [rng.randrange(count) for _ in range(PROOFS)]

    def per_proof_ms(prove) -> float:
        started = time.perf_counter()
        for index in indexes:
            prove(index)
        return (time.perf_counter() - started) / PROOFS * 1000

    theirs_ms = per_proof_ms(lambda index: theirs.prove_inclusion(index + 1, count))  # 1-based
    ours_memory_ms = per_proof_ms(lambda index: ours.inclusion_proof(index, count))
    ours_stored_ms = per_proof_ms(lambda index: log.inclusion_proof(index, count))
    for index in indexes[:50]:  # the proofs are the same hashes
        path = theirs.prove_inclusion(index + 1, count).serialize()["path"]  # leaf, siblings…
        assert [bytes.fromhex(value) for value in path[1:]] == ours.inclusion_proof(index, count)
    return {
        "leaves": count,
        "leaves_are": "the ledger's first entries (canonical JSON), in index order",
        "roots_equal": True,
        "root": stored_root.hex(),
        "ours_build_seconds": round(ours_build, 2),
        "pymerkle_build_seconds": round(theirs_build, 2),
        "ours_inclusion_proof_ms_from_postgresql_tiles": round(ours_stored_ms, 3),
        "ours_inclusion_proof_ms_in_memory": round(ours_memory_ms, 3),
        "pymerkle_inclusion_proof_ms_in_memory": round(theirs_ms, 3),
    }


def phase_appends() -> dict:
    setup_django(fresh_database("postgresql", "ledger"))
    setup_fleet()
    appends = bench_appends()
    print(appends, flush=True)
    sequencer = bench_sequence()
    return {"appends": appends, "sequencer": sequencer}


def phase_audit() -> dict:
    setup_django(fresh_database("postgresql", "ledger", keep=True))
    return {"audit": bench_audit()}


def phase_pymerkle() -> dict:
    setup_django(fresh_database("postgresql", "ledger", keep=True))
    return {"pymerkle": bench_pymerkle()}


def phase_tiles() -> dict:
    setup_django(fresh_database("postgresql", "ledger_tiles"))
    return {"tiles": bench_tiles()}


def phase_proofs() -> dict:
    setup_django(fresh_database("postgresql", "ledger_tiles", keep=True))
    built = json.loads((RESULTS / "ledger.json").read_text())["tiles"]
    return {"proofs_from_tiles": bench_proofs(bytes.fromhex(built["root"]))}


PHASES = {
    "appends": phase_appends,
    "audit": phase_audit,
    "pymerkle": phase_pymerkle,
    "tiles": phase_tiles,
    "proofs": phase_proofs,
}


def main(selected: list[str]) -> None:
    if not selected:  # make bench: every phase, each in its own process
        for name in PHASES:
            subprocess.run([sys.executable, __file__, name], check=True)
        return
    previous = RESULTS / "ledger.json"
    results = json.loads(previous.read_text()) if previous.exists() else {}
    for name in selected:
        started = time.perf_counter()
        part = PHASES[name]()
        part[f"{name}_phase"] = {
            "seconds": round(time.perf_counter() - started, 1),
            "peak_rss_mb": round(peak_rss_mb()),
            "load_average": [round(value, 2) for value in os.getloadavg()],
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        results.update(part)
    results.pop("benchmark", None)
    results.pop("machine", None)
    results.update(
        backend="postgresql",
        goals={
            "appends_per_second": 5000,
            "inclusion_proof_ms_at_10m": 5,
            "audit_seconds_at_1m": 60,
        },
    )
    write_result("ledger", results)


if __name__ == "__main__":
    main(sys.argv[1:])
