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

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ledger import checkpoints, evidence, log, merkle
from ledger.evidence import EvidenceKind
from ledger.models import AuditRun, LedgerCheckpoint, LedgerEntry
from poscare_verify.note import Checkpoint, NoteError, Verifier, open_note
from poscare_verify.proofs import ProofError, verify_consistency

CHUNK = 10_000
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


def _latest_entries(kind: EvidenceKind) -> Iterator[tuple[int, int | None, str]]:
    """(record id, index, content) of each record's newest entry, by record id."""
    rows = _stream(
        f"SELECT record_id, {_INDEX}, content FROM {_ENTRIES} "  # noqa: S608 (constants)
        "WHERE kind = %s ORDER BY record_id, id",
        [kind.name],
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


def _check_records(kind: EvidenceKind, result: AuditResult) -> None:
    """Merge the live records (by id) with their newest entries (by record id); a record whose
    fields differ from the ones logged is named with each field that differs."""
    live_rows = kind.model._base_manager.order_by("pk").values(*kind.columns).iterator(CHUNK)
    entries = _latest_entries(kind)
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


def run(progress: Callable[[str], None] | None = None) -> AuditResult:
    """The whole audit in one read-only transaction: one snapshot of entries, tiles,
    checkpoints and records (REPEATABLE READ on PostgreSQL), streamed."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _run(progress or (lambda text: None))


def _run(say: Callable[[str], None]) -> AuditResult:
    result = AuditResult()
    tree = _rebuild_tree(result)
    say(f"entries: {result.entries}")
    size = log.tree_size()
    if size != tree.size:
        result.add(Finding("tree", detail=f"head says {size} entries, {tree.size} found"))
    elif size and log.root(size) != tree.root():
        result.add(Finding("tree", detail="stored tiles give another root than the entries"))
    _check_checkpoints(tree, result)
    say(f"checkpoints: {result.checkpoints}")
    result.pending = LedgerEntry.objects.filter(index__isnull=True).count()
    for kind in evidence.KINDS.values():
        _check_records(kind, result)
        say(f"records ({kind.name}): {result.records}")
    return result


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
