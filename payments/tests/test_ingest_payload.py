"""The import's fast path writes each transaction's ledger entry from the checked values (one
format string, `payments.ingest.payload`), and on PostgreSQL reads and checks large files in a
separate process. Both must give exactly what the generic path gives: entries equal to the
canonical JSON of the row as the audit reads it back, and the same counts, errors and rows."""

from __future__ import annotations

import datetime as dt
from itertools import islice

import pytest
from django.db import connection

from ledger import evidence
from ledger.models import LedgerEntry
from ledger.recorder import entry_document
from payments.ingest import ALL_COLUMNS, ingest, iter_csv
from payments.ingest.reader import batch_sizes
from payments.models import Transaction
from payments.synthetic import Plan, generate_rows
from payments.tests.conftest import csv_bytes, row
from poscare_verify.proofs import leaf_hash

FULL_PAN = "6222021234567890123"


def varied_rows() -> list[dict[str, str]]:
    """Every shape a value can take: full and masked cards, wallets, no RRN, an adjustment
    naming its original, a decline, local times without offset and in compact layouts, times
    with microseconds, after the cut-off, row errors and a row repeated in the file."""
    return [
        row(),
        row(stan="2", rrn="000000000002", pan="622202******0456", entry_mode="swipe"),
        row(stan="3", rrn="", pan="", entry_mode="qr", txn_type="扫码"),
        row(stan="4", rrn="000000000004", pan="****7788", response_code="51"),
        row(stan="5", rrn="000000000005", local_time="2025-09-30T23:30:00.123456+08:00"),
        row(stan="6", rrn="000000000006", local_time="20250930120000"),
        row(stan="7", rrn="000000000007", local_time="2025-09-30 08:00:00"),
        row(stan="8", rrn="000000000008", txn_type="void", orig_rrn="093014000123"),
        row(stan="9", rrn="000000000009", auth_code="a1 b2", currency="156"),
        row(stan="10", rrn="000000000010", amount="0.5", pan="4111 1111 1111 1111"),
        row(stan="11", rrn="000000000011", amount="12,3a"),
        row(stan="12", rrn="000000000012", response_code="Q9", merchant_id=FULL_PAN),
        row(),  # the first row again: a duplicate in the same file
    ]


def entry_mismatches() -> list[int]:
    """Transactions whose entry is not the canonical document of the row as stored."""
    kind = evidence.KINDS["transaction"]
    entries = {e.record_id: e for e in LedgerEntry.objects.filter(kind="transaction")}
    wrong = []
    rows = Transaction.objects.order_by("pk").values(*kind.columns)
    for values in rows:
        entry = entries.pop(values["id"], None)
        if entry is None:
            wrong.append(values["id"])
            continue
        expected = entry_document(
            kind, values["id"], evidence.fields_of(kind, values), None, entry.logged_at
        )
        if entry.content.encode() != expected or bytes(entry.leaf_hash) != leaf_hash(expected):
            wrong.append(values["id"])
    return wrong + sorted(entries)  # and entries without a record


@pytest.mark.django_db
def test_each_entry_is_the_canonical_document_of_its_row(terminal_a):
    result = ingest(iter_csv_bytes(csv_bytes(varied_rows(), ALL_COLUMNS)), source="file")
    assert (result.created, result.duplicates, result.error_rows) == (10, 1, 2)
    assert result.masked_pans == 8 and result.linked == 1
    assert Transaction.objects.count() == LedgerEntry.objects.filter(kind="transaction").count()
    assert entry_mismatches() == []
    void = Transaction.objects.get(txn_type="void")
    assert void.original is not None and void.original.status == "voided"


def iter_csv_bytes(data: bytes):
    import io

    return iter_csv(io.BytesIO(data))


def stored_rows() -> set[tuple]:
    fields = [f.attname for f in Transaction._meta.concrete_fields]
    skip = {"id", "created_at", "original_id"}
    return set(Transaction.objects.values_list(*[name for name in fields if name not in skip]))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the reader process is PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reader_process_gives_what_the_import_in_one_process_gives(
    terminal_a, terminal_b, tmp_path
):
    plan = Plan()
    terminals = [
        (terminal_a.terminal_id, terminal_a.merchant.merchant_id),
        (terminal_b.terminal_id, terminal_b.merchant.merchant_id),
    ]
    june = dt.datetime(2025, 6, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    generated = generate_rows(
        3000, terminals, bad_rows=7, full_pans=30, plan=plan, seed=3, start=june
    )
    data = csv_bytes([*varied_rows(), *(values + [""] for values in generated)], ALL_COLUMNS)

    def run(reader_process: bool):  # the reader's first batches are smaller (500, 1,000)
        return ingest(
            iter_csv_bytes(data), source="file", batch_size=2000, reader_process=reader_process
        )

    alone = run(False)
    rows_alone = stored_rows()
    with connection.cursor() as cursor:  # the application never deletes evidence
        cursor.execute("TRUNCATE payments_transaction, ledger_ledgerentry")

    split = run(True)
    assert split.as_dict() == alone.as_dict()
    assert (split.created, split.error_rows, split.masked_pans) == (3003, 9, 38)
    assert stored_rows() == rows_alone
    assert entry_mismatches() == []
    assert not set(Transaction.objects.values_list("pan_masked", flat=True)) & set(plan.full_pans)

    again = run(True)  # every batch now hits the keys: the idempotent way
    assert (again.created, again.duplicates) == (0, 3004)  # one row is in the file twice
    assert Transaction.objects.count() == 3003 == LedgerEntry.objects.count()


def test_the_reader_starts_with_small_batches_that_double_up_to_the_batch_size():
    assert (
        list(islice(batch_sizes(20_000), 8)) == [500, 1000, 2000, 4000, 8000, 16000] + [20_000] * 2
    )
    assert list(islice(batch_sizes(10), 3)) == [10, 10, 10]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the reader process is PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_unreadable_file_is_reported_from_the_reader_process(terminal_a):
    from payments.ingest import SourceError

    good = csv_bytes([row(stan=str(n), rrn=f"{n:012d}") for n in range(1, 50)])
    data = good + "\n".join(["x" * 20] * 5).encode() + b"\xff\xfe\xfa bad bytes\n"
    with pytest.raises(SourceError) as raised:
        ingest(iter_csv_bytes(data), source="file", batch_size=10, reader_process=True)
    assert "UTF-8" in raised.value.messages["zh"] and "UTF-8" in raised.value.messages["en"]
    assert Transaction.objects.count() == LedgerEntry.objects.count()
