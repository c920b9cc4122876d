"""Writing checked batches: each batch, its ledger entries and the links of its adjustments
in one database transaction (or savepoint inside the caller's), so a killed import leaves
whole batches behind and a re-run adds exactly the rest.

PostgreSQL: the batch's transactions and entries are `COPY`ed straight into their tables —
the fastest the database can take them. A re-sent row makes that `COPY` fail on a unique key;
the batch then goes the idempotent way instead: both `COPY`ed into temporary tables, moved
with `INSERT … ON CONFLICT DO NOTHING RETURNING id`, and only the entries of the rows that
moved follow (one statement). SQLite: `executemany` into a staging table, `INSERT OR IGNORE …
SELECT … RETURNING id`, entries through `ledger.services.record`.

Linking: approved voids, refunds, reversals and pre-authorisation cancels find their original
transaction, whose derived status becomes voided / refunded / reversed.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.db import connection, transaction
from django.utils import timezone

from ledger import services as ledger
from ledger.models import LedgerEntry
from payments import partitions
from payments.ingest.cleaning import ORIGINAL_STATUS, STAGE_COLUMNS
from payments.ingest.payload import ENTRY_COLUMNS, TXN_COLUMNS, Formats, PreparedBatch

STAGE_TABLE = "payments_txn_stage"  # the rows linking looks at (SQLite: every row)
NEW_TXN_TABLE = "payments_txn_new"  # PostgreSQL, a batch with re-sent rows
NEW_ENTRY_TABLE = "payments_entry_new"
ENTRY_TABLE = LedgerEntry._meta.db_table
_MOVE_COLUMNS = ", ".join(STAGE_COLUMNS[:-1])
_TXN = ", ".join(TXN_COLUMNS)
_ENTRY = ", ".join(ENTRY_COLUMNS)
_STAGE = ", ".join(STAGE_COLUMNS)


def _stage_ddl(vendor: str) -> str:
    time_type = "timestamp with time zone" if vendor == "postgresql" else "datetime"
    return (
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE_TABLE} ("
        "merchant_id bigint, terminal_id bigint, txn_type varchar(20), amount bigint, "
        "currency varchar(3), pan_masked varchar(19), card_last4 varchar(4), "
        "card_brand varchar(12), entry_mode varchar(12), "
        f"local_time {time_type}, txn_date date, stan varchar(6), batch_no varchar(6), "
        "rrn varchar(12), auth_code varchar(6), response_code varchar(2), "
        "settlement_date date, status varchar(10), source varchar(8), orig_rrn varchar(12))"
    )


# Each query returns (adjustment id, adjustment date, original id, original date, type) for
# approved adjustments of the staged batch that have no original yet.
_ADJUSTMENT = f"""
    FROM {STAGE_TABLE} s
    JOIN payments_transaction a ON a.terminal_id = s.terminal_id AND a.stan = s.stan
         AND a.txn_date = s.txn_date AND a.batch_no = s.batch_no AND a.txn_type = s.txn_type
"""
_LINK_QUERIES = [
    # A reversal repeats the trace number of the message it reverses.
    f"""SELECT a.id, a.txn_date, o.id, o.txn_date, s.txn_type {_ADJUSTMENT}
    JOIN payments_transaction o ON o.terminal_id = s.terminal_id AND o.stan = s.stan
         AND o.txn_date = s.txn_date AND o.batch_no = s.batch_no AND o.txn_type <> 'reversal'
    WHERE s.txn_type = 'reversal' AND s.status = 'approved' AND a.original_id IS NULL""",
    # Anything that names the original by its RRN.
    f"""SELECT a.id, a.txn_date, o.id, o.txn_date, s.txn_type {_ADJUSTMENT}
    JOIN payments_transaction o ON o.rrn = s.orig_rrn AND o.merchant_id = s.merchant_id
         AND o.txn_type IN ('sale', 'qr_payment', 'preauth', 'preauth_completion')
    WHERE s.orig_rrn IS NOT NULL AND s.txn_type <> 'reversal' AND s.status = 'approved'
          AND a.original_id IS NULL""",
    # A void without the RRN: same terminal, batch and day, same card, amount and auth code.
    f"""SELECT a.id, a.txn_date, o.id, o.txn_date, s.txn_type {_ADJUSTMENT}
    JOIN payments_transaction o ON o.terminal_id = s.terminal_id AND o.txn_date = s.txn_date
         AND o.batch_no = s.batch_no AND o.amount = s.amount AND o.auth_code = s.auth_code
         AND o.card_last4 = s.card_last4 AND o.txn_type IN ('sale', 'qr_payment')
         AND o.status = 'approved' AND o.local_time <= s.local_time
    WHERE s.orig_rrn IS NULL AND s.txn_type = 'void' AND s.status = 'approved'
          AND a.original_id IS NULL""",
    # A pre-authorisation cancel or completion without the RRN: same terminal, card, auth code.
    f"""SELECT a.id, a.txn_date, o.id, o.txn_date, s.txn_type {_ADJUSTMENT}
    JOIN payments_transaction o ON o.terminal_id = s.terminal_id AND o.auth_code = s.auth_code
         AND o.card_last4 = s.card_last4 AND o.txn_type = 'preauth' AND o.status = 'approved'
         AND o.local_time <= s.local_time
    WHERE s.orig_rrn IS NULL AND s.txn_type IN ('preauth_cancel', 'preauth_completion')
          AND s.status = 'approved' AND a.original_id IS NULL""",
]


def link(cursor: Any) -> int:
    """Link the staged adjustments to their originals; returns how many were linked."""
    pairs: dict[int, tuple[Any, int, Any, str]] = {}
    taken: set[int] = set()
    for query in _LINK_QUERIES:
        cursor.execute(query)
        for adj_id, adj_date, orig_id, orig_date, kind in cursor.fetchall():
            if adj_id in pairs or (orig_id in taken and kind in ORIGINAL_STATUS):
                continue
            pairs[adj_id] = (adj_date, orig_id, orig_date, kind)
            if kind in ORIGINAL_STATUS:
                taken.add(orig_id)
    if not pairs:
        return 0
    cursor.executemany(
        "UPDATE payments_transaction SET original_id = %s WHERE id = %s AND txn_date = %s",
        [(orig_id, adj_id, adj_date) for adj_id, (adj_date, orig_id, _d, _k) in pairs.items()],
    )
    cursor.executemany(
        "UPDATE payments_transaction SET status = %s WHERE id = %s AND txn_date = %s "
        "AND status = 'approved'",
        [
            (ORIGINAL_STATUS[kind], orig_id, orig_date)
            for _a, (_ad, orig_id, orig_date, kind) in pairs.items()
            if kind in ORIGINAL_STATUS
        ],
    )
    return len(pairs)


class PostgresWriter:
    """Writes prepared batches on the psycopg connection under Django's."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.raw = connection.connection
        with self.raw.cursor() as cursor:
            cursor.execute(_stage_ddl("postgresql"))
            # Same columns and types, no constraints (CREATE TABLE AS keeps none).
            for table, columns, source in (
                (NEW_TXN_TABLE, _TXN, "payments_transaction"),
                (NEW_ENTRY_TABLE, _ENTRY, ENTRY_TABLE),
            ):
                cursor.execute(
                    f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} AS "  # noqa: S608 (constants)
                    f"SELECT {columns} FROM {source} WITH NO DATA"
                )
        self.formats = Formats(self.raw)

    def reserve_ids(self, count: int) -> list[int]:
        return reserve_ids(self.raw, count)

    def write(self, batch: PreparedBatch) -> tuple[int, int]:
        """(rows inserted, adjustments linked), in one transaction (or savepoint)."""
        if not batch.count:
            return 0, 0
        with self.raw.transaction(), self.raw.cursor() as cursor:
            partitions.ensure_partitions_with(cursor, batch.months)
            try:
                with self.raw.transaction():
                    _copy(cursor, f"payments_transaction ({_TXN})", batch.transactions, BINARY)
                    _copy(cursor, f"{ENTRY_TABLE} ({_ENTRY})", batch.entries, BINARY)
                inserted = batch.count
            except psycopg.errors.UniqueViolation:  # re-sent rows: the idempotent way
                inserted = self._write_new_rows(cursor, batch)
            linked = 0
            if batch.has_adjustments:
                cursor.execute(f"DELETE FROM {STAGE_TABLE}")  # noqa: S608 (constants)
                _copy(cursor, f"{STAGE_TABLE} ({_STAGE})", batch.adjustments)
                linked = link(cursor)
        return inserted, linked

    @staticmethod
    def _write_new_rows(cursor: Any, batch: PreparedBatch) -> int:
        cursor.execute(f"DELETE FROM {NEW_TXN_TABLE}")  # noqa: S608 (constants)
        cursor.execute(f"DELETE FROM {NEW_ENTRY_TABLE}")  # noqa: S608 (constants)
        _copy(cursor, f"{NEW_TXN_TABLE} ({_TXN})", batch.transactions, BINARY)
        _copy(cursor, f"{NEW_ENTRY_TABLE} ({_ENTRY})", batch.entries, BINARY)
        entry_columns = ", ".join(f"e.{name}" for name in ENTRY_COLUMNS)
        cursor.execute(
            f"WITH moved AS (INSERT INTO payments_transaction ({_TXN}) "  # noqa: S608 (constants)
            f"SELECT {_TXN} FROM {NEW_TXN_TABLE} ON CONFLICT DO NOTHING RETURNING id) "
            f"INSERT INTO {ENTRY_TABLE} ({_ENTRY}) SELECT {entry_columns} "
            f"FROM {NEW_ENTRY_TABLE} e JOIN moved ON moved.id = e.record_id"
        )
        return int(cursor.rowcount)


BINARY = " (FORMAT binary)"


def _copy(cursor: Any, target: str, payload: bytes, options: str = "") -> None:
    with cursor.copy(f"COPY {target} FROM STDIN{options}") as copy:
        copy.write(payload)


_SEQUENCE: dict[str, str] = {}


def reserve_ids(raw: Any, count: int) -> list[int]:
    """`count` new transaction ids from the table's own sequence (gaps are harmless: a
    conflicting row of an INSERT leaves one too)."""
    if not count:
        return []
    with raw.cursor() as cursor:
        name = _SEQUENCE.get("transaction")
        if name is None:
            cursor.execute("SELECT pg_get_serial_sequence('payments_transaction', 'id')")
            name = _SEQUENCE["transaction"] = cursor.fetchone()[0]
        # One array, not `count` rows: fetching 20,000 one-value rows cost the reader ~5 µs a row.
        cursor.execute("SELECT array_agg(nextval(%s)) FROM generate_series(1, %s)", [name, count])
        return list(cursor.fetchone()[0])


class SqliteWriter:
    """SQLite: the staging table and `INSERT OR IGNORE`, entries from the ORM."""

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(_stage_ddl("sqlite"))

    def write(self, rows: list[tuple[Any, ...]], has_adjustments: bool) -> tuple[int, int]:
        if not rows:
            return 0, 0
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            # Table and column names below are module constants, never user input.
            cursor.execute(f"DELETE FROM {STAGE_TABLE}")  # noqa: S608
            placeholders = ", ".join(["%s"] * len(STAGE_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {STAGE_TABLE} ({_STAGE}) VALUES ({placeholders})",  # noqa: S608
                [self._row(row) for row in rows],
            )
            cursor.execute(
                f"INSERT OR IGNORE INTO payments_transaction ({_MOVE_COLUMNS}, created_at) "  # noqa: S608
                f"SELECT {_MOVE_COLUMNS}, %s FROM {STAGE_TABLE} RETURNING id",  # noqa: S608
                [now.replace(tzinfo=None).isoformat(sep=" ")],
            )
            created = [pk for (pk,) in cursor.fetchall()]
            # Each new record gets its ledger entry in the same transaction.
            ledger.record("transaction", created, new=True)
            linked = link(cursor) if has_adjustments else 0
        return len(created), linked

    @staticmethod
    def _row(row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        values[9] = row[9].replace(tzinfo=None).isoformat(sep=" ")  # Django stores naive UTC
        values[10] = row[10].isoformat()
        values[16] = row[16].isoformat()
        return tuple(values)
