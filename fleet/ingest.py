"""Telemetry ingestion: the API batch, `manage.py import_telemetry FILE` (JSON Lines or CSV)
and the TMS adapters all end here.

Each record is checked (`fleet.records`); a bad one becomes row errors (row, field, value and
the reason in Chinese and English) and every good one is kept. Good records are written in
batches: PostgreSQL binary-`COPY`s the batch straight into the table, or — when it holds
re-sent records — into a temporary table moved with `INSERT … ON CONFLICT DO NOTHING`; SQLite
uses `INSERT OR IGNORE`. The unique key
(terminal, at) makes re-sent records count as duplicates, never stored twice. The terminal's
latest state (and its firmware/app versions) follow the newest record.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

import psycopg
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from psycopg.types.json import Jsonb

from core.errors import in_both_languages, lazy_format
from core.importing import RowError
from core.masking import mask_pans_in_text
from core.tabular import TabularError, iter_rows
from fleet import partitions
from fleet.models import TelemetryRecord, TerminalState
from fleet.records import FIELD_NAMES, Checked, check
from payments.ingest.payload import BinaryRows
from payments.ingest.writer import BINARY
from terminals.models import Terminal

BATCH_SIZE = 10_000
STATE_FLUSH = 50_000  # terminals whose newest record waits to become their state
MAX_ERRORS_KEPT = 1_000  # error details returned; the count goes on beyond it
KNOWN_TERMINALS_KEPT = 500_000  # terminal number → key, cached while one input is read
TABLE = "fleet_telemetryrecord"
STAGE = "fleet_telemetry_stage"
INSERT_COLUMNS = ("terminal_id", "at", *FIELD_NAMES, "extra")
Row = tuple[Any, ...]  # a checked record as the raw table takes it (INSERT_COLUMNS)

REASONS: dict[str, Any] = {
    "required": _("不能为空"),
    "not_object": _("每条记录应为一个 JSON 对象"),
    "bad_terminal_id": _("终端号应为 8 位数字或大写字母"),
    "unknown_terminal": _("终端不存在"),
    "not_integer": _("应为整数"),
    "not_number": _("应为数字"),
    "out_of_range": _("超出范围 %(low)s ~ %(high)s"),
    "not_boolean": _("应为 true 或 false"),
    "not_choice": _("不是有效的取值，可选：%(allowed)s"),
    "bad_version": _("版本号只能包含字母、数字、空格和 . _ + - /，最长 32 位"),
    "not_datetime": _("时间应为 ISO 8601 格式，如 2026-11-02T09:30:00+08:00"),
    "not_date": _("日期应为 YYYY-MM-DD 格式"),
    "too_many_extra": _("其他字段太多（最多 20 个）"),
    "extra_not_scalar": _("其他字段只能是文字、数字或 true/false"),
    "not_json": _("不是有效的 JSON"),
}


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)

    def add_error(self, row: int, column: str, value: str, reason: str, params: dict) -> None:
        if len(self.errors) >= MAX_ERRORS_KEPT:
            return
        message = REASONS[reason]
        if params:
            message = lazy_format(message, **params)
        texts = in_both_languages(message)
        self.errors.append(RowError(row, column, value, texts["zh"], texts["en"]))

    def merge(self, part: IngestResult) -> None:
        """Counts and errors of a part of the input (a batch the reader process checked)."""
        self.received += part.received
        self.error_count += part.error_count
        self.errors.extend(part.errors[: MAX_ERRORS_KEPT - len(self.errors)])

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "error_rows": self.error_count,
            "errors": [e.as_dict() for e in self.errors],
        }


# No unknown fields (most records): one constant the binary COPY writes as `{}` without
# encoding JSON for every row.
NO_EXTRA = Jsonb({}, dumps=lambda _obj: "{}")


def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """SQLite stores times as naive UTC text, dates as ISO text (Django's own format) and
    JSON as text."""
    values = list(row)
    extra = values[-1]
    values[-1] = "{}" if extra is NO_EXTRA else json.dumps(extra, ensure_ascii=False)
    for index in _TIME_COLUMNS:
        value = values[index]
        if isinstance(value, dt.datetime):
            values[index] = str(value.astimezone(dt.UTC).replace(tzinfo=None))
        elif isinstance(value, dt.date):
            values[index] = value.isoformat()
    return tuple(values)


_TIME_COLUMNS = tuple(
    i for i, name in enumerate(INSERT_COLUMNS) if name in ("at", "last_signin_at", "key_expires_on")
)


@dataclass(frozen=True)
class Prepared:
    """A checked batch as the writer takes it (it travels from the reader process)."""

    count: int  # rows (records repeated within the batch counted once)
    rows: list[Row] = field(default_factory=list)  # SQLite
    payload: bytes | None = None  # PostgreSQL: binary COPY data of the rows
    days: frozenset[dt.date] = frozenset()


class Writer:
    """Moves checked records into the raw table; returns how many were new.

    PostgreSQL: the batch goes straight into the table by binary `COPY` (the database parses
    nothing) in a savepoint; when a re-sent record hits the (terminal, at) key, the savepoint
    is rolled back and the batch goes the idempotent way — `COPY` into a temporary table,
    `INSERT … ON CONFLICT DO NOTHING`."""

    def __init__(self) -> None:
        self.columns = ", ".join(INSERT_COLUMNS)
        self.binary: BinaryRows | None = None

    def prepare(self, rows: list[Row]) -> Prepared:
        """What the database is sent: on PostgreSQL the binary COPY data, built here — in
        the reader process when there is one."""
        if connection.vendor != "postgresql":
            return Prepared(len(rows), rows=rows)
        if not rows:
            return Prepared(0)
        days = frozenset(row[1].date() for row in rows)  # the partitions the rows need
        return Prepared(len(rows), payload=self.binary_rows().payload(rows), days=days)

    def write(self, batch: Prepared) -> int:
        if not batch.count:
            return 0
        if batch.payload is not None:
            return self._write_postgresql(batch)
        placeholders = ", ".join(["%s"] * len(INSERT_COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {TABLE} ({self.columns}) VALUES ({placeholders})",  # noqa: S608
                [_sqlite_row(row) for row in batch.rows],
            )
            return max(cursor.rowcount, 0)

    def _stage_ddl(self) -> str:
        fields = {f.column: f for f in TelemetryRecord._meta.concrete_fields}
        columns = ", ".join(f"{c} {fields[c].db_type(connection)}" for c in INSERT_COLUMNS)
        return f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} ({columns}) ON COMMIT DELETE ROWS"

    def binary_rows(self) -> BinaryRows:
        """The binary COPY format of the raw table's columns (looked up once)."""
        if self.binary is None:
            connection.ensure_connection()
            self.binary = BinaryRows(connection.connection, TABLE, INSERT_COLUMNS)
        return self.binary

    def _write_postgresql(self, batch: Prepared) -> int:
        partitions.ensure_partitions(batch.days)
        payload = batch.payload
        with connection.cursor() as cursor:
            raw = cursor.cursor
            try:
                copying = f"COPY {TABLE} ({self.columns}) FROM STDIN{BINARY}"
                with transaction.atomic(), raw.copy(copying) as copy:
                    copy.write(payload)
                return batch.count
            except psycopg.errors.UniqueViolation:  # re-sent records: the idempotent way
                pass
            cursor.execute(self._stage_ddl())
            cursor.execute(f"TRUNCATE {STAGE}")
            with raw.copy(f"COPY {STAGE} ({self.columns}) FROM STDIN{BINARY}") as copy:
                copy.write(payload)
            cursor.execute(
                f"INSERT INTO {TABLE} ({self.columns}) SELECT {self.columns} FROM {STAGE} "  # noqa: S608
                "ON CONFLICT (terminal_id, at) DO NOTHING"
            )
            return max(cursor.rowcount, 0)


def _state_data(row: Row) -> dict[str, Any]:
    """The terminal's latest state as `TerminalState.data` keeps it: every field by name,
    dates in ISO 8601, unknown fields under "extra" (PostgreSQL builds the same in SQL)."""
    data = {
        name: (value.isoformat() if isinstance(value, dt.date) else value)
        for name, value in zip(FIELD_NAMES, row[2:-1], strict=True)
    }
    if row[-1] is not NO_EXTRA and row[-1]:
        data["extra"] = row[-1]
    return data


STATE_STAGE = "fleet_state_stage"
# Newer records become the state (older or equal ones leave it); the terminals whose state
# changed take the versions of their newest report where it names one. The state document is
# the record's row as JSON without terminal, time and extra (`_state_data`).
STATE_SQL = f"""
WITH changed AS (
  INSERT INTO fleet_terminalstate (terminal_id, last_seen_at, data)
  SELECT terminal_id, at,
         (to_jsonb(s) - 'terminal_id' - 'at' - 'extra')
         || CASE WHEN s.extra = '{{}}'::jsonb THEN '{{}}'::jsonb
                 ELSE jsonb_build_object('extra', s.extra) END
  FROM {STATE_STAGE} s
  ON CONFLICT (terminal_id) DO UPDATE
    SET last_seen_at = excluded.last_seen_at, data = excluded.data
    WHERE fleet_terminalstate.last_seen_at < excluded.last_seen_at
  RETURNING terminal_id
)
UPDATE terminals_terminal t
SET firmware_version = COALESCE(NULLIF(s.firmware_version, ''), t.firmware_version),
    app_version = COALESCE(NULLIF(s.app_version, ''), t.app_version)
FROM changed c JOIN {STATE_STAGE} s ON s.terminal_id = c.terminal_id
WHERE t.id = c.terminal_id
  AND (COALESCE(NULLIF(s.firmware_version, ''), t.firmware_version),
       COALESCE(NULLIF(s.app_version, ''), t.app_version))
      IS DISTINCT FROM (t.firmware_version, t.app_version)
"""  # noqa: S608 — constant table names


def _write_state_payload(payload: bytes, writer: Writer) -> None:
    """The newest rows (binary COPY data), `COPY`ed into a temporary table shaped like the
    raw one; one statement turns them into states (no per-terminal Python work, no
    parameter lists)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STATE_STAGE} ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT {writer.columns} FROM {TABLE} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {STATE_STAGE}")
        with cursor.cursor.copy(
            f"COPY {STATE_STAGE} ({writer.columns}) FROM STDIN{BINARY}"
        ) as copy:
            copy.write(payload)
        cursor.execute(STATE_SQL)


def _write_latest_state(newest: dict[int, Row], writer: Writer) -> None:
    """Newer records become the terminal's state; its firmware and app versions follow."""
    if not newest:
        return
    if connection.vendor == "postgresql":
        _write_state_payload(writer.binary_rows().payload(newest.values()), writer)
        return
    known = dict(
        TerminalState.objects.filter(terminal_id__in=newest).values_list(
            "terminal_id", "last_seen_at"
        )
    )
    states = []
    versions: dict[int, tuple[str, str]] = {}
    for pk, row in newest.items():
        if pk in known and known[pk] >= row[1]:
            continue
        data = _state_data(row)
        states.append(TerminalState(terminal_id=pk, last_seen_at=row[1], data=data))
        versions[pk] = (data["firmware_version"], data["app_version"])
    TerminalState.objects.bulk_create(
        states,
        update_conflicts=True,
        unique_fields=["terminal"],
        update_fields=["last_seen_at", "data"],
        batch_size=2000,
    )
    changed = []
    for terminal in Terminal.objects.filter(pk__in=versions).only(
        "pk", "firmware_version", "app_version"
    ):
        firmware, app = versions[terminal.pk]
        firmware = firmware or terminal.firmware_version
        app = app or terminal.app_version
        if (firmware, app) != (terminal.firmware_version, terminal.app_version):
            terminal.firmware_version, terminal.app_version = firmware, app
            changed.append(terminal)
    # Small batches: Django's bulk update is one CASE per column over the whole batch, which
    # the database evaluates row by row.
    Terminal.objects.bulk_update(changed, ["firmware_version", "app_version"], batch_size=500)


def _terminal_pks(tids: set[str], known: dict[str, int]) -> dict[str, int]:
    """Terminal number → primary key; `known` caches them for the rest of the input."""
    missing = [tid for tid in tids if tid not in known]
    found: dict[str, int] = {}
    if missing:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # one array parameter, not 10,000
                cursor.execute(
                    "SELECT terminal_id, id FROM terminals_terminal WHERE terminal_id = ANY(%s)",
                    [missing],
                )
                found = dict(cursor.fetchall())
        else:
            found = dict(
                Terminal.objects.filter(terminal_id__in=missing).values_list("terminal_id", "pk")
            )
        if len(known) < KNOWN_TERMINALS_KEPT:
            known.update(found)
    return {tid: pk for tid in tids if (pk := known.get(tid) or found.get(tid))}


def _check_batch(
    batch: list[tuple[int, Any]],
    result: IngestResult,
    newest: dict[int, Row],
    known: dict[str, int],
) -> tuple[list[Row], int]:
    """The batch's good rows (a record repeated within it once) and how many good records
    it held; errors go to `result`, each terminal's newest row to `newest`."""
    result.received += len(batch)
    tz = timezone.get_default_timezone()
    checked: list[tuple[int, Checked]] = []
    for number, record in batch:
        if isinstance(record, _NotJson):
            result.error_count += 1
            result.add_error(number, "", "", "not_json", {})
            continue
        outcome = check(record, tz, mask_pans_in_text)
        if isinstance(outcome, Checked):
            checked.append((number, outcome))
            continue
        result.error_count += 1
        for column, value, reason, params in outcome:
            result.add_error(number, column, value, reason, params)
    tids = {c.terminal_id for _n, c in checked}
    terminals = _terminal_pks(tids, known)
    good = 0
    seen: set[tuple[int, dt.datetime]] = set()
    rows = []
    for number, record in checked:
        pk = terminals.get(record.terminal_id)
        if pk is None:
            result.error_count += 1
            result.add_error(number, "terminal_id", record.terminal_id, "unknown_terminal", {})
            continue
        good += 1
        at = record.at
        if (pk, at) in seen:  # the same record twice in one batch
            continue
        seen.add((pk, at))
        row = (pk, at, *record.values, record.extra or NO_EXTRA)
        rows.append(row)
        if pk not in newest or at > newest[pk][1]:
            newest[pk] = row
    return rows, good


def _store(batch: Prepared, good: int, result: IngestResult, writer: Writer) -> None:
    with transaction.atomic():
        stored = writer.write(batch)
    result.stored += stored
    result.duplicates += good - stored


def ingest(records: Iterable[tuple[int, Any]], reader_process: bool = False) -> IngestResult:
    """Check and store (row number, record) pairs; memory holds one batch of records (and
    the newest record of each terminal seen, written as its state once the input ends).

    `reader_process` (PostgreSQL, outside any transaction of the caller's): read and check
    in a forked process while this one writes (`fleet.reader`)."""
    result = IngestResult()
    writer = Writer()
    with without_cycle_collection():
        if reader_process and connection.vendor == "postgresql" and not connection.in_atomic_block:
            from fleet import reader

            reader.run(iter(records), result, writer)
        else:
            _ingest_here(iter(records), result, writer)
    return result


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Ingestion makes millions of short-lived objects (records, rows) and no reference
    cycles; with Python's cycle collector on, they trigger full passes over every live object
    (Django's included) — about half the checking time. Reference counting frees them all
    the same; the collector is back on afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ingest_here(stream: Iterator[tuple[int, Any]], result: IngestResult, writer: Writer) -> None:
    newest: dict[int, Row] = {}
    known: dict[str, int] = {}
    while batch := list(islice(stream, BATCH_SIZE)):
        rows, good = _check_batch(batch, result, newest, known)
        _store(writer.prepare(rows), good, result, writer)
        if len(newest) >= STATE_FLUSH:
            _write_latest_state(newest, writer)
            newest.clear()
    with transaction.atomic():
        _write_latest_state(newest, writer)


def ingest_api(items: list[Any]) -> IngestResult:
    """An API batch: rows are numbered from 1 in the order they were sent."""
    return ingest(enumerate(items, start=1))


def iter_jsonl(handle: IO[bytes]) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(handle, start=1):
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark
        text = line.decode("utf-8", errors="replace").strip()
        if not text:
            continue
        try:
            yield number, json.loads(text)
        except json.JSONDecodeError:
            yield number, _NotJson()


class _NotJson:
    """A line of a JSON Lines file that is not JSON: reported as such, the rest is read."""


def records_for_file(path: str | Path) -> Iterator[tuple[int, Any]]:
    """JSON Lines (.jsonl/.json/.ndjson) or CSV (UTF-8 or GBK, header row)."""
    name = str(path).lower()
    if name.endswith((".jsonl", ".ndjson", ".json")):
        with open(path, "rb") as handle:
            yield from iter_jsonl(handle)
        return
    if not name.endswith((".csv", ".txt")):
        raise TabularError(
            lazy_format(_("不支持的文件类型“%(name)s”：请使用 .jsonl 或 .csv"), name=path)
        )
    yield from iter_rows(path)


# Files from this size up are read in a separate process on PostgreSQL (below it, starting
# the process costs more than the overlap gains).
READER_PROCESS_MIN_BYTES = 1 << 20


def ingest_file(path: str | Path) -> IngestResult:
    large = Path(path).stat().st_size >= READER_PROCESS_MIN_BYTES  # OSError: no such file
    return ingest(records_for_file(path), reader_process=large)
