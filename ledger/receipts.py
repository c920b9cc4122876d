"""Receipts and marks: what a record's page shows about its entry in the ledger.

A receipt is one JSON file (`poscare_verify.receipt.FORMAT`): the entry's canonical JSON, its
index, the inclusion proof and the newest signed checkpoint that holds it. `python -m
poscare_verify receipt.json --key VKEY` checks it without us. The record is looked up through
its model's `visible_to(user)`, so a merchant only gets receipts for its own records.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ledger import checkpoints, evidence, log
from ledger.models import LedgerEntry
from ledger.recorder import stored_fields
from poscare_verify.receipt import FORMAT

if TYPE_CHECKING:
    from accounts.models import User


class ReceiptPending(Exception):
    """The entry is not in a signed checkpoint yet (one is signed at most once a minute)."""


def visible_entry(user: User, kind_name: str, record_id: int) -> LedgerEntry | None:
    """The newest entry of a record the user may see, or None (unknown, hidden or unlogged)."""
    kind = evidence.KINDS.get(kind_name)
    if kind is None:
        return None
    if not kind.model.objects.visible_to(user).filter(pk=record_id).exists():  # type: ignore[attr-defined]
        return None
    return LedgerEntry.objects.latest_for(kind.name, [record_id]).get(record_id)


def build_receipt(entry: LedgerEntry) -> dict[str, Any]:
    if entry.index is None:
        log.sequence()  # a short step; usually the scheduler has done it already
        entry.refresh_from_db(fields=["index"])
    checkpoint = checkpoints.covering(entry.index) if entry.index is not None else None
    if checkpoint is None and entry.index is not None:
        checkpoints.issue()  # only when the last checkpoint is a minute old
        checkpoint = checkpoints.covering(entry.index)
    if checkpoint is None or entry.index is None:
        raise ReceiptPending
    proof = log.inclusion_proof(entry.index, checkpoint.size)
    return {
        "format": FORMAT,
        "entry": entry.content,
        "index": entry.index,
        "inclusion_proof": [base64.b64encode(item).decode() for item in proof],
        "checkpoint": checkpoint.note,
        "verifier_keys": checkpoint.verifier_keys,
        "verify": "python -m poscare_verify receipt.json --key VERIFIER_KEY",
    }


@dataclass
class Mark:
    """How a record stands against its newest entry."""

    logged: bool
    changed_fields: list[str] = field(default_factory=list)
    logged_at: Any = None

    @property
    def modified(self) -> bool:
        return bool(self.changed_fields)


def marks(kind_name: str, record_ids: list[int]) -> dict[int, Mark]:
    """One Mark per record (two queries): a record changed behind the application's back has
    fields that differ from its newest entry."""
    kind = evidence.KINDS[kind_name]
    if not record_ids:
        return {}
    rows = kind.model._base_manager.filter(pk__in=record_ids).values(*kind.columns)
    latest = LedgerEntry.objects.latest_for(kind.name, record_ids)
    result = {}
    for row in rows:
        entry = latest.get(row["id"])
        if entry is None:
            result[row["id"]] = Mark(logged=False)
            continue
        logged = stored_fields(entry) or {}
        live = evidence.fields_of(kind, row)
        changed = [name for name in kind.fields if logged.get(name) != live[name]]
        result[row["id"]] = Mark(logged=True, changed_fields=changed, logged_at=entry.logged_at)
    return result
