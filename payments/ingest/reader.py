"""The reader process: on PostgreSQL a large file is read, checked, masked and turned into
`COPY` payloads (transactions and their ledger entries, `payload.build`) by a forked child
process, while the importing process streams the previous batch into the database. Python's
work and the database's then overlap on two cores instead of taking turns, so the import
takes about as long as the database needs for the rows alone (`bench/bench_payments.py`).

The child shares no database connection with its parent: it keeps the inherited ones
untouched (never used, never closed; psycopg does not close a connection inherited through
fork) and opens its own for terminal look-ups and id reservations. Batches travel through a
pipe that holds at most one of them, so memory stays flat, and the parent's transactions
stay the parent's: each batch is still one transaction, as a kill -9 test demands. If the
parent dies, the pipe breaks and the child stops.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterator
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any

from core.errors import in_both_languages
from core.processes import detach_inherited_connections
from core.tabular import TabularError
from payments.ingest.cleaning import ADJUSTMENT_TYPES, Cleaner
from payments.ingest.payload import Formats, build
from payments.ingest.result import IngestResult
from payments.ingest.sources import Bilingual, Record, RowProblem, SourceError

logger = logging.getLogger(__name__)


# The first batches are small and double up to the batch size: the database starts on the
# first rows at once instead of waiting for a whole batch to be read and checked.
FIRST_BATCH = 500


def batch_sizes(batch_size: int) -> Iterator[int]:
    """500, 1,000, 2,000 … then `batch_size` for good."""
    size = min(FIRST_BATCH, batch_size)
    while size < batch_size:
        yield size
        size *= 2
    while True:
        yield batch_size


class ReaderFailed(RuntimeError):
    """The reader process failed; the message carries its traceback."""


def check_batch(
    batch: list[Record], cleaner: Cleaner, result: IngestResult
) -> tuple[list[tuple[Any, ...]], bool]:
    """The good rows of a batch (errors go to `result`) and whether any is an adjustment."""
    result.total += len(batch)
    cleaner.prepare(batch)
    rows: list[tuple[Any, ...]] = []
    has_adjustments = False
    for number, values in batch:
        if isinstance(values, RowProblem):
            result.add_error(number, values.column, values.value, values.message)
            continue
        cleaned = cleaner.clean(values)
        if isinstance(cleaned, list):
            for column, value, message in cleaned:
                result.add_error(number, column, value, message)
            continue
        has_adjustments = has_adjustments or cleaned[2] in ADJUSTMENT_TYPES
        rows.append(cleaned)
    return rows, has_adjustments


def _read(
    receiver: Connection,
    sender: Connection,
    stream: Iterator[Record],
    batch_size: int,
    source: str,
    settlement_date: dt.date | None,
) -> None:
    """The child: check batches and send (part of the result, prepared batch) down the pipe."""
    from django.db import connection, connections
    from django.utils import timezone

    from payments.ingest.writer import reserve_ids

    receiver.close()  # the parent's end: if the parent dies, sending then fails at once
    detach_inherited_connections()
    try:
        cleaner = Cleaner(source, settlement_date)
        connection.ensure_connection()
        formats = Formats(connection.connection)
        sizes = batch_sizes(batch_size)
        while batch := list(islice(stream, next(sizes))):
            part = IngestResult()
            masked_before = cleaner.masked_pans
            rows, has_adjustments = check_batch(batch, cleaner, part)
            part.masked_pans = cleaner.masked_pans - masked_before
            ids = reserve_ids(connection.connection, len(rows))
            sender.send(("batch", part, build(rows, ids, has_adjustments, timezone.now(), formats)))
        sender.send(("end", time.process_time(), None))
    except BrokenPipeError:
        pass  # the importing process is gone: nothing to do
    except TabularError as error:
        sender.send(("source", in_both_languages(error.message), None))
    except BaseException:
        sender.send(("failed", traceback.format_exc(), None))
    finally:
        connections.close_all()
        sender.close()


def run(
    stream: Iterator[Record],
    *,
    batch_size: int,
    source: str,
    settlement_date: dt.date | None,
    write: Callable[[Any], tuple[int, int]],
    result: IngestResult,
    progress: Callable[[IngestResult], None] | None,
) -> None:
    """Read and check in a child process; `write` each prepared batch here."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_read,
        args=(receiver, sender, stream, batch_size, source, settlement_date),
        name="payments-ingest-reader",
        daemon=True,
    )
    process.start()
    sender.close()
    # Where the import's time goes: waiting for the reader, or writing (the database's part).
    waiting = writing = 0.0
    try:
        while True:
            started = time.perf_counter()
            try:
                tag, part, batch = receiver.recv()
            except EOFError:
                raise ReaderFailed("the reader process ended without a word") from None
            waiting += time.perf_counter() - started
            if tag == "end":
                timings = {"waiting": waiting, "writing": writing, "reader_cpu": part}
                logger.debug(
                    "import: %.2f s waiting for the reader, %.2f s writing; reader CPU %.2f s",
                    waiting,
                    writing,
                    part,
                    extra={"timings": timings},
                )
                break
            if tag == "source":
                raise SourceError(Bilingual(part["zh"], part["en"]))  # type: ignore[arg-type]
            if tag == "failed":
                raise ReaderFailed(part)
            result.merge(part)
            started = time.perf_counter()
            inserted, linked = write(batch)
            writing += time.perf_counter() - started
            result.created += inserted
            result.duplicates += batch.count - inserted
            result.linked += linked
            if progress:
                progress(result)
    finally:
        receiver.close()
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()
            process.join()
