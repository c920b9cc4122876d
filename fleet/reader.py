"""The reader process of a large telemetry file on PostgreSQL: a forked child reads the file,
checks each record, resolves terminal numbers (on its own database connection) and builds the
binary `COPY` data of each batch and of the terminals' latest states, while the importing
process streams the previous batch into the database. Python's work and the database's then
overlap on two cores instead of taking turns — the design of `payments.ingest.reader`, with
the same connection hand-over (`core.processes.detach_inherited_connections`).

Batches travel through a pipe that holds at most one of them, so memory stays flat; each
batch is still written in its own transaction by the importing process. If that process dies,
the pipe breaks and the child stops; if the child fails, the import stops with its traceback.
"""

from __future__ import annotations

import gc
import multiprocessing
import traceback
from collections.abc import Iterator
from itertools import islice
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from core.errors import in_both_languages
from core.processes import detach_inherited_connections
from core.tabular import TabularError
from payments.ingest.reader import ReaderFailed
from payments.ingest.sources import Bilingual

if TYPE_CHECKING:
    from fleet.ingest import IngestResult, Row, Writer


def _read(sender: Connection, receiver: Connection, stream: Iterator[tuple[int, Any]]) -> None:
    """The child: check batches and send them, and the states, down the pipe."""
    from django.db import connections

    from fleet.ingest import BATCH_SIZE, STATE_FLUSH, IngestResult, Writer, _check_batch

    receiver.close()  # the parent's end: if the parent dies, sending then fails at once
    detach_inherited_connections()
    gc.disable()  # as in the parent (`without_cycle_collection`); this process then ends
    try:
        writer = Writer()
        newest: dict[int, Row] = {}
        known: dict[str, int] = {}
        while batch := list(islice(stream, BATCH_SIZE)):
            part = IngestResult()
            rows, good = _check_batch(batch, part, newest, known)
            sender.send(("batch", part, good, writer.prepare(rows)))
            if len(newest) >= STATE_FLUSH:
                sender.send(("state", None, 0, writer.binary_rows().payload(newest.values())))
                newest.clear()
        if newest:
            sender.send(("state", None, 0, writer.binary_rows().payload(newest.values())))
        sender.send(("end", None, 0, None))
    except BrokenPipeError:
        pass  # the importing process is gone: nothing to do
    except TabularError as error:
        sender.send(("source", in_both_languages(error.message), 0, None))
    except BaseException:
        sender.send(("failed", traceback.format_exc(), 0, None))
    finally:
        connections.close_all()
        sender.close()


def run(stream: Iterator[tuple[int, Any]], result: IngestResult, writer: Writer) -> None:
    """Read and check in a child process; write each batch (and the states) here."""
    from fleet.ingest import _store, _write_state_payload

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_read, args=(sender, receiver, stream), name="fleet-ingest-reader", daemon=True
    )
    process.start()
    sender.close()
    try:
        while True:
            try:
                tag, part, good, data = receiver.recv()
            except EOFError:
                raise ReaderFailed("the reader process ended without a word") from None
            if tag == "end":
                break
            if tag == "source":
                raise TabularError(Bilingual(part["zh"], part["en"]))  # type: ignore[arg-type]
            if tag == "failed":
                raise ReaderFailed(part)
            if tag == "state":
                _write_state_payload(data, writer)
                continue
            result.merge(part)
            _store(data, good, result, writer)
    finally:
        receiver.close()
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()
            process.join()
