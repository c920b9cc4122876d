"""Transaction ingestion: one pipeline, three inputs (CSV / JSON Lines files, ISO 8583 message
logs, the batch API).

Every input is turned into records in the canonical column order (`sources`), then

1. checked row by row (`cleaning`) — each bad cell becomes a row error (row, column, value,
   zh, en, the shape of `core.importing.RowError`), the rest of the input is kept;
2. masked: a full card number is reduced to first 6 / last 4 before anything stores or logs it;
3. written a batch per transaction with its ledger entries (`writer`): PostgreSQL `COPY`s the
   rows and entries straight into their tables, and when re-sent rows hit the unique keys
   (terminal + STAN + date + batch + type, or RRN + date + type) moves the batch with
   `INSERT … ON CONFLICT DO NOTHING` instead — duplicates are counted, never stored twice;
   SQLite uses a staging table and `INSERT OR IGNORE … SELECT`;
4. linked: approved voids, refunds, reversals and pre-authorisation cancels find their original
   transaction, whose derived status becomes voided / refunded / reversed.

On PostgreSQL a large file is read and checked in a separate process (`reader`) while this one
writes, so the import runs at about the database's own speed. Memory stays flat: files are
read as streams and only a batch or two is held at a time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.db import connection
from django.utils import timezone

from payments.ingest import reader
from payments.ingest.cleaning import ADJUSTMENT_TYPES, STAGE_COLUMNS, Cleaner
from payments.ingest.payload import build
from payments.ingest.result import MAX_ERRORS_KEPT, IngestResult
from payments.ingest.sources import (
    ALL_COLUMNS,
    COLUMNS,
    REQUIRED_COLUMNS,
    Record,
    RowProblem,
    SourceError,
    iter_api,
    iter_csv,
    iter_iso_log,
    iter_jsonl,
    records_for_file,
)
from payments.ingest.writer import PostgresWriter, SqliteWriter

__all__ = [
    "ADJUSTMENT_TYPES",
    "ALL_COLUMNS",
    "BATCH_SIZE",
    "COLUMNS",
    "MAX_ERRORS_KEPT",
    "READER_PROCESS_MIN_BYTES",
    "REQUIRED_COLUMNS",
    "STAGE_COLUMNS",
    "IngestResult",
    "Record",
    "RowProblem",
    "SourceError",
    "ingest",
    "ingest_api",
    "ingest_file",
    "iter_api",
    "iter_csv",
    "iter_iso_log",
    "iter_jsonl",
    "records_for_file",
]

logger = logging.getLogger(__name__)

BATCH_SIZE = 20_000
# Files from this size up are read in a separate process on PostgreSQL (below it, starting
# the process costs more than the overlap gains).
READER_PROCESS_MIN_BYTES = 1 << 20


def ingest(
    records: Iterable[Record],
    *,
    source: str,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[IngestResult], None] | None = None,
    settlement_date: dt.date | None = None,
    reader_process: bool = False,
) -> IngestResult:
    """Check, mask and store records; returns counts and row errors. Idempotent.

    `reader_process`: read and check in a separate process (PostgreSQL, outside any
    transaction of the caller's: each batch commits on its own)."""
    result = IngestResult()
    stream = iter(records)
    if connection.vendor != "postgresql":
        _sqlite(stream, batch_size, Cleaner(source, settlement_date), result, progress)
    elif reader_process and not connection.in_atomic_block:
        writer = PostgresWriter()
        reader.run(
            stream,
            batch_size=batch_size,
            source=source,
            settlement_date=settlement_date,
            write=writer.write,
            result=result,
            progress=progress,
        )
    else:
        _postgresql(stream, batch_size, Cleaner(source, settlement_date), result, progress)
    logger.info(
        "ingested %s records from %s: %s new, %s duplicates, %s error rows, %s card numbers masked",
        result.total,
        source,
        result.created,
        result.duplicates,
        result.error_rows,
        result.masked_pans,
    )
    return result


def _postgresql(
    stream: Iterator[Record],
    batch_size: int,
    cleaner: Cleaner,
    result: IngestResult,
    progress: Callable[[IngestResult], None] | None,
) -> None:
    writer = PostgresWriter()
    while batch := list(islice(stream, batch_size)):
        rows, has_adjustments = reader.check_batch(batch, cleaner, result)
        ids = writer.reserve_ids(len(rows))
        prepared = build(rows, ids, has_adjustments, timezone.now(), writer.formats)
        inserted, linked = writer.write(prepared)
        result.created += inserted
        result.duplicates += len(rows) - inserted
        result.linked += linked
        result.masked_pans = cleaner.masked_pans
        if progress:
            progress(result)


def _sqlite(
    stream: Iterator[Record],
    batch_size: int,
    cleaner: Cleaner,
    result: IngestResult,
    progress: Callable[[IngestResult], None] | None,
) -> None:
    writer = SqliteWriter()
    while batch := list(islice(stream, batch_size)):
        rows, has_adjustments = reader.check_batch(batch, cleaner, result)
        inserted, linked = writer.write(rows, has_adjustments)
        result.created += inserted
        result.duplicates += len(rows) - inserted
        result.linked += linked
        result.masked_pans = cleaner.masked_pans
        if progress:
            progress(result)


def _large(path: str | Path, handle: IO[bytes] | None) -> bool:
    size = getattr(handle, "size", None) if handle is not None else None
    if size is None and handle is None:
        try:
            size = Path(path).stat().st_size
        except OSError:
            return False
    return (size or 0) >= READER_PROCESS_MIN_BYTES


def ingest_file(path: str | Path, handle: IO[bytes] | None = None, **options: Any) -> IngestResult:
    name = str(path).lower()
    source = "iso8583" if name.endswith((".log", ".iso", ".iso8583")) else "file"
    options.setdefault("reader_process", _large(path, handle))
    return ingest(records_for_file(path, handle), source=source, **options)


def ingest_api(items: Iterable[Any], settlement_date: dt.date | None = None) -> IngestResult:
    return ingest(iter_api(items), source="api", settlement_date=settlement_date)
