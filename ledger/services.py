"""Ledger actions other apps call: log records written in bulk, backfill, seal."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from ledger import checkpoints, evidence, log, recorder
from ledger.models import LedgerEntry


def record(kind_name: str, record_ids: Iterable[int], *, new: bool = False) -> int:
    """Log these records (new or changed ones) in the caller's transaction; for writes that
    bypass save() (QuerySet.update, bulk_create). `new`: created just now."""
    return recorder.record_ids(evidence.KINDS[kind_name], record_ids, new=new)


def backfill() -> int:
    """Log every record of evidence that has no entry; one transaction per chunk."""
    written = 0
    for kind in evidence.KINDS.values():
        logged = LedgerEntry.objects.filter(kind=kind.name).values("record_id")
        missing = list(
            kind.model._base_manager.exclude(pk__in=logged)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(missing), recorder.CHUNK):
            with transaction.atomic():
                chunk = missing[start : start + recorder.CHUNK]
                written += recorder.record_ids(kind, chunk, new=True)
    return written


def seal() -> int:
    """Sequence everything pending and sign a checkpoint now (tests, demo, backfill)."""
    log.sequence_all()
    checkpoints.issue(force=True)
    return log.tree_size()


def copy_new_rows(cursor: Any, kind_name: str, columns: Sequence[str], rows: list[tuple]) -> int:
    """PostgreSQL bulk writers on a raw psycopg cursor: entries for records just inserted
    (`rows` as returned by INSERT … RETURNING `columns`), written with COPY in the same
    transaction."""
    kind = evidence.KINDS[kind_name]
    return recorder.copy_new_rows(
        cursor, kind, (dict(zip(columns, row, strict=True)) for row in rows)
    )
