"""The audit: recompute everything the ledger claims, from the entries and the live records.

1. Every sequenced entry: its leaf hash is recomputed from its canonical JSON, indexes run
   0…n-1 without a gap, and the tree is rebuilt in memory from the recomputed hashes.
2. The stored tiles give the same root as the rebuilt tree.
3. Every checkpoint: signed by a trusted key (the configured ones and
   `LEDGER_PAST_VERIFIER_KEYS`), its root is the rebuilt tree's root at its size, and it is
   consistent with the next checkpoint (RFC 9162 consistency proof, verified).
4. Every record of evidence against its newest entry, kind by kind (a merge join on the record
   id, streaming): a field that differs ("modified after recording"), a record deleted without a
   tombstone, a record without any entry.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from core.processes import detach_inherited_connections
from ledger import checkpoints, evidence, log, merkle
from ledger.evidence import EvidenceKind
from ledger.models import AuditRun, LedgerCheckpoint, LedgerEntry
from poscare_verify.note import Checkpoint, NoteError, Verifier, open_note
from poscare_verify.proofs import ProofError, verify_consistency

CHUNK = 10_000
SHARD_IDS = 200_000  # record ids per part of the audit (a part is one worker's job)
MAX_FINDINGS = 1000


@dataclass
class Finding:
    problem: str  # modified, deleted, unlogged, entry, tree, checkpoint
    kind: str = ""
    record: int | None = None
    field: str = ""
    logged_at: str = ""
    index: int | None = None
    detail: str = ""


@dataclass
class AuditResult:
    entries: int = 0
    records: int = 0
    checkpoints: int = 0
    pending: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.counts[finding.problem] = self.counts.get(finding.problem, 0) + 1
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(finding)

    @property
    def ok(self) -> bool:
        return not self.counts


def _stream(sql: str, params: list[Any] | None = None) -> Iterator[tuple[Any, ...]]:
    """Rows of one query as they come, CHUNK at a time: a server-side cursor on PostgreSQL
    (inside the audit's transaction, so it streams rather than materialising the result)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params or [])
        while rows := cursor.fetchmany(CHUNK):
            yield from rows


_ENTRIES = LedgerEntry._meta.db_table
_INDEX = connection.ops.quote_name("index")


def _rebuild_tree(result: AuditResult) -> merkle.MemoryTiles:
    tree = merkle.MemoryTiles()
    batch: list[bytes] = []
    sha256 = hashlib.sha256
    rows = _stream(
        f"SELECT {_INDEX}, content, leaf_hash, kind, record_id FROM {_ENTRIES} "  # noqa: S608
        f"WHERE {_INDEX} IS NOT NULL ORDER BY {_INDEX}"
    )
    for index, content, stored, kind, record in rows:
        expected = result.entries
        if index != expected:
            result.add(Finding("entry", kind, record, index=index, detail=f"expected {expected}"))
        computed = sha256(b"\x00" + content.encode()).digest()  # leaf_hash, inlined
        if computed != stored:
            result.add(Finding("entry", kind, record, index=index, detail="leaf hash differs"))
        batch.append(computed)
        result.entries += 1
        if len(batch) == CHUNK:
            tree.append(batch)
            batch = []
    tree.append(batch)
    return tree


def _trusted_keys() -> list[Verifier]:
    keys = [*checkpoints.current_verifier_keys(), *settings.LEDGER_PAST_VERIFIER_KEYS]
    verifiers = []
    for key in keys:
        try:
            verifiers.append(Verifier.parse(key))
        except NoteError:
            continue
    return verifiers


def _checkpoint_root(stored: LedgerCheckpoint, trusted: list[Verifier]) -> bytes | None:
    for verifier in trusted:
        try:
            parsed = Checkpoint.parse(open_note(stored.note, verifier))
        except NoteError:
            continue
        if parsed.size == stored.size:
            return parsed.root
    return None


def _check_checkpoints(tree: merkle.MemoryTiles, result: AuditResult) -> None:
    trusted = _trusted_keys()
    previous: tuple[int, bytes] | None = None
    for stored in LedgerCheckpoint.objects.order_by("size"):
        result.checkpoints += 1
        root = _checkpoint_root(stored, trusted)
        where = f"checkpoint {stored.size}"
        if root is None:
            result.add(Finding("checkpoint", detail=f"{where}: no trusted signature"))
            continue
        if stored.size > tree.size or tree.root(stored.size) != root:
            result.add(Finding("checkpoint", detail=f"{where}: root differs from the entries"))
        if previous is not None:
            size1, root1 = previous
            try:
                proof = (
                    tree.consistency_proof(size1, stored.size) if stored.size <= tree.size else []
                )
                verify_consistency(size1, stored.size, proof, root1, root)
            except ProofError as error:
                result.add(Finding("checkpoint", detail=f"{where} vs {size1}: {error}"))
        previous = (stored.size, root)


def _latest_entries(
    kind: EvidenceKind, low: int, high: int
) -> Iterator[tuple[int, int | None, str]]:
    """(record id, index, content) of each record's newest entry, by record id."""
    rows = _stream(
        f"SELECT record_id, {_INDEX}, content FROM {_ENTRIES} "  # noqa: S608 (constants)
        "WHERE kind = %s AND record_id >= %s AND record_id < %s ORDER BY record_id, id",
        [kind.name, low, high],
    )
    current = None
    for row in rows:
        if current is not None and current[0] != row[0]:
            yield current
        current = row
    if current is not None:
        yield current


def _logged(content: str) -> tuple[dict[str, Any] | None, str]:
    """The fields an entry logged and when it was logged (the time inside the entry)."""
    document = json.loads(content)
    return document["fields"], document["time"]


def _check_records(kind: EvidenceKind, low: int, high: int, result: AuditResult) -> None:
    """Merge the live records (by id) with their newest entries (by record id), for record ids
    in [low, high); a record whose fields differ from the ones logged is named with each field
    that differs."""
    live_rows = (
        kind.model._base_manager.filter(pk__gte=low, pk__lt=high)
        .order_by("pk")
        .values(*kind.columns)
        .iterator(CHUNK)
    )
    entries = _latest_entries(kind, low, high)
    row = next(live_rows, None)
    entry = next(entries, None)
    while row is not None or entry is not None:
        if entry is None or (row is not None and row["id"] < entry[0]):
            assert row is not None
            result.records += 1
            if kind.only(row):
                result.add(Finding("unlogged", kind.name, row["id"], detail="no entry"))
            row = next(live_rows, None)
            continue
        record, index, content = entry
        if row is None or row["id"] > record:
            logged, when = _logged(content)
            if logged is not None:
                result.add(Finding("deleted", kind.name, record, logged_at=when, index=index))
            entry = next(entries, None)
            continue
        result.records += 1
        live = evidence.fields_of(kind, row)
        logged, when = _logged(content)
        if logged != live:
            for name in kind.fields:
                if logged is None or logged.get(name) != live[name]:
                    result.add(Finding("modified", kind.name, record, name, when, index))
        row = next(live_rows, None)
        entry = next(entries, None)


@dataclass(frozen=True)
class Part:
    """One independent piece of the audit: the entries, tree and checkpoints (no kind), or the
    records of one kind whose ids are in [low, high)."""

    kind: str = ""
    low: int = 0
    high: int = 0


def _parts() -> list[Part]:
    """The tree first, then each kind in id ranges of SHARD_IDS (the big kinds in several)."""
    parts = [Part()]
    for kind in evidence.KINDS.values():
        live = kind.model._base_manager.aggregate(low=Min("pk"), high=Max("pk"))
        logged = LedgerEntry.objects.filter(kind=kind.name).aggregate(
            low=Min("record_id"), high=Max("record_id")
        )
        lows = [value for value in (live["low"], logged["low"]) if value is not None]
        highs = [value for value in (live["high"], logged["high"]) if value is not None]
        if not lows:
            continue
        end = max(highs) + 1
        for start in range(min(lows), end, SHARD_IDS):
            parts.append(Part(kind.name, start, min(start + SHARD_IDS, end)))
    return parts


def _audit_part(part: Part) -> AuditResult:
    result = AuditResult()
    if part.kind:
        _check_records(evidence.KINDS[part.kind], part.low, part.high, result)
        return result
    tree = _rebuild_tree(result)
    size = log.tree_size()
    if size != tree.size:
        result.add(Finding("tree", detail=f"head says {size} entries, {tree.size} found"))
    elif size and log.root(size) != tree.root():
        result.add(Finding("tree", detail="stored tiles give another root than the entries"))
    _check_checkpoints(tree, result)
    result.pending = LedgerEntry.objects.filter(index__isnull=True).count()
    return result


def _merge(parts: Iterable[tuple[Part, AuditResult]], say: Callable[[str], None]) -> AuditResult:
    total = AuditResult()
    for part, result in parts:
        total.entries += result.entries
        total.records += result.records
        total.checkpoints += result.checkpoints
        total.pending += result.pending
        for problem, count in result.counts.items():
            total.counts[problem] = total.counts.get(problem, 0) + count
        total.findings.extend(result.findings[: MAX_FINDINGS - len(total.findings)])
        if part.kind:
            say(f"records ({part.kind} {part.low}…{part.high - 1}): {total.records}")
        else:
            say(f"entries: {total.entries}, checkpoints: {total.checkpoints}")
    return total


def _in_snapshot(snapshot: str, part: Part) -> AuditResult:
    """A worker: one part in the parent's snapshot, on the worker's own connection."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
        return _audit_part(part)


def run(progress: Callable[[str], None] | None = None, workers: int | None = None) -> AuditResult:
    """The whole audit in one read-only snapshot of entries, tiles, checkpoints and records.

    On PostgreSQL, outside any other transaction, the parts run in `workers` forked processes
    (default: one per CPU) that import this one's snapshot (`pg_export_snapshot`): hashing and
    comparing use every core while each part sees exactly the same database. Otherwise
    (SQLite, or inside a transaction as in tests) they run here in turn."""
    say = progress or (lambda text: None)
    workers = workers or os.cpu_count() or 1
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        with transaction.atomic():
            return _merge(((part, _audit_part(part)) for part in _parts()), say)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        parts = _parts()
        if workers < 2:
            return _merge(((part, _audit_part(part)) for part in parts), say)
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=detach_inherited_connections) as pool:
            results = pool.imap(functools.partial(_in_snapshot, snapshot), parts)
            return _merge(zip(parts, results, strict=True), say)


def run_and_store(progress: Callable[[str], None] | None = None) -> AuditRun:
    started = timezone.now()
    result = run(progress)
    return AuditRun.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        ok=result.ok,
        summary={
            "entries": result.entries,
            "records": result.records,
            "checkpoints": result.checkpoints,
            "pending": result.pending,
            "counts": result.counts,
        },
        findings=[asdict(finding) for finding in result.findings],
    )
