"""Writing entries, in the same database transaction as the record they log.

Every save of a record of evidence (`ledger.evidence`) appends an entry when the record is new
or its logged fields changed; the entry of a change names the entry it follows (`previous`, and
its leaf hash inside the entry). A deletion through the application appends a tombstone. Bulk
writers that bypass `save()` (the transaction import, a ticket merge) call `record_ids` or
`append_returned_rows` themselves, inside their transaction.

Entries are written without an index: no lock is taken here, so a request never waits for
another. The sequencer gives them their place in the tree a moment later.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, models
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from ledger import canonical, evidence
from ledger.evidence import EvidenceKind, Row
from ledger.models import LedgerEntry
from poscare_verify.proofs import leaf_hash

_state = threading.local()
CHUNK = 2000


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Log nothing from saves inside the block (the demo loader, which backfills afterwards)."""
    before = getattr(_state, "paused", False)
    _state.paused = True
    try:
        yield
    finally:
        _state.paused = before


def is_paused() -> bool:
    return getattr(_state, "paused", False)


def entry_document(
    kind: EvidenceKind, record_id: int, fields: dict[str, Any] | None, previous: bytes | None, at
) -> bytes:
    """The canonical JSON (RFC 8785) that is hashed into the tree."""
    document = {
        "kind": kind.name,
        "record": record_id,
        "time": evidence.plain(at),
        "fields": fields,
        "previous": previous.hex() if previous else None,
    }
    return canonical.dumps(document)


def stored_fields(entry: LedgerEntry) -> dict[str, Any] | None:
    return json.loads(entry.content)["fields"]


def _new_entry(
    kind: EvidenceKind, row: Row, fields: dict[str, Any] | None, previous: LedgerEntry | None, at
) -> LedgerEntry:
    content = entry_document(
        kind, row["id"], fields, bytes(previous.leaf_hash) if previous else None, at
    )
    entry = LedgerEntry(
        kind=kind.name,
        record_id=row["id"],
        logged_at=at,
        content=content.decode(),
        leaf_hash=leaf_hash(content),
        previous=previous,
    )
    if previous is not None:  # a tombstone is seen by whoever saw the record
        entry.merchant_id = previous.merchant_id
        entry.owner_id = previous.owner_id
        entry.merchant_visible = previous.merchant_visible
    if fields is not None:
        entry.merchant_id = row.get(kind.merchant) if kind.merchant else None
        entry.owner_id = row.get(kind.owner) if kind.owner else None
        entry.merchant_visible = kind.merchant_visible(row)
    return entry


def record_ids(kind: EvidenceKind, ids: Iterable[int], *, new: bool = False) -> int:
    """Append an entry for each of these records that is new or changed; returns how many.
    Call inside the transaction that wrote the records. `new`: just created, so there is no
    earlier entry to look up."""
    written = 0
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = kind.model._base_manager.filter(pk__in=chunk).values(*kind.columns)
        latest = {} if new else LedgerEntry.objects.latest_for(kind.name, chunk)
        now = timezone.now()
        entries = []
        for row in rows:
            if not kind.only(row):
                continue
            fields = evidence.fields_of(kind, row)
            previous = latest.get(row["id"])
            if previous is not None and stored_fields(previous) == fields:
                continue
            entries.append(_new_entry(kind, row, fields, previous, now))
        _insert(entries)
        written += len(entries)
    return written


def _insert(entries: list[LedgerEntry]) -> None:
    """One statement: a save for one entry (a request's), `COPY` for a batch on PostgreSQL
    (≈ 5× faster than an INSERT of many rows through the ORM), bulk_create otherwise."""
    if len(entries) == 1:
        entries[0].save(force_insert=True)  # one statement: no transaction of its own
    elif entries and connection.vendor == "postgresql":
        columns = ", ".join((*COPY_COLUMNS, "previous_id"))
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {LedgerEntry._meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            for entry in entries:
                copy.write_row(
                    (
                        entry.kind,
                        entry.record_id,
                        entry.logged_at,
                        entry.content,
                        entry.leaf_hash,
                        entry.merchant_id,
                        entry.owner_id,
                        entry.merchant_visible,
                        entry.previous_id,
                    )
                )
    elif entries:
        LedgerEntry.objects.bulk_create(entries, batch_size=500)


def record_instance(instance: models.Model, *, new: bool = False) -> int:
    kind = evidence.kind_of(type(instance))
    if kind is None:
        return 0
    return record_ids(kind, [instance.pk], new=new)


def record_deletion(kind: EvidenceKind, record_id: int) -> None:
    previous = LedgerEntry.objects.latest_for(kind.name, [record_id]).get(record_id)
    if previous is None or stored_fields(previous) is None:
        return
    row = {"id": record_id}
    _new_entry(kind, row, None, previous, timezone.now()).save()


def copy_new_rows(cursor: Any, kind: EvidenceKind, rows: Iterable[Row]) -> int:
    """PostgreSQL: entries for records just created (no previous entry), from their values,
    written with COPY on a raw psycopg cursor (the import's writer thread, inside the import's
    transaction). Returns how many."""
    now = timezone.now()
    stamp = evidence.plain(now)
    table = LedgerEntry._meta.db_table
    written = 0
    with cursor.copy(f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            if not kind.only(row):
                continue
            document = {
                "kind": kind.name,
                "record": row["id"],
                "time": stamp,
                "fields": evidence.fields_of(kind, row),
                "previous": None,
            }
            content = canonical.dumps(document)
            copy.write_row(
                (
                    kind.name,
                    row["id"],
                    now,
                    content.decode(),
                    leaf_hash(content),
                    row.get(kind.merchant) if kind.merchant else None,
                    row.get(kind.owner) if kind.owner else None,
                    kind.merchant_visible(row),
                )
            )
            written += 1
    return written


COPY_COLUMNS = (
    "kind",
    "record_id",
    "logged_at",
    "content",
    "leaf_hash",
    "merchant_id",
    "owner_id",
    "merchant_visible",
)


def _saved(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not is_paused() and not kwargs.get("raw"):
        record_instance(instance, new=bool(kwargs.get("created")))


def _deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    kind = evidence.kind_of(sender)
    if kind is not None and not is_paused():
        record_deletion(kind, instance.pk)


def connect_signals() -> None:
    for kind in evidence.KINDS.values():
        post_save.connect(_saved, sender=kind.model, dispatch_uid=f"ledger-save-{kind.name}")
        post_delete.connect(_deleted, sender=kind.model, dispatch_uid=f"ledger-del-{kind.name}")
