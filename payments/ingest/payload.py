"""What a batch of checked rows becomes on PostgreSQL: the binary `COPY` data of its
transactions (with their ids, reserved from the table's sequence ahead of the write) and of
their ledger entries, built where the rows are checked — in the reader process — so that the
writer only streams bytes to the database. Binary, because the database then parses nothing:
the text format costs it half as much again (`bench/bench_payments.py` measures both).

An entry is the RFC 8785 canonical JSON of `{fields, kind, previous, record, time}`
(`ledger.recorder.entry_document`). For a new transaction it is written here by one format
string, in the key order RFC 8785 gives, from the values the checks produced; the fields are
exactly what the audit later reads back from the row (`ledger.evidence.fields_of`), which
`payments/tests/test_ingest_payload.py` checks against the generic path. Every string value
has been validated to hold no quote, backslash or control character, so JSON needs no escaping
(response codes, which come from an editable table, go through `json.dumps`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import pq
from psycopg._copy_base import format_row_binary  # psycopg's C row formatter (pinned 3.3)
from psycopg.adapt import Transformer

from ledger.evidence import TRANSACTION_FIELDS
from ledger.recorder import COPY_COLUMNS as ENTRY_COLUMNS
from payments.ingest.cleaning import ADJUSTMENT_TYPES, STAGE_COLUMNS

# The columns the import writes into payments_transaction, in COPY order.
TXN_COLUMNS = ("id", *STAGE_COLUMNS[:-1], "created_at")
ENTRY_KIND = "transaction"
ENTRY_TABLE = "ledger_ledgerentry"
_NULL = "\\N"

# The fields of a transaction entry in RFC 8785 order (sorted keys); a change of the logged
# fields must change this template too.
_ENTRY_FIELDS = (
    "amount",
    "auth_code",
    "batch_no",
    "card_brand",
    "currency",
    "entry_mode",
    "local_time",
    "merchant_id",
    "pan_masked",
    "response_code",
    "rrn",
    "settlement_date",
    "source",
    "stan",
    "terminal_id",
    "txn_date",
    "txn_type",
)
assert tuple(sorted(TRANSACTION_FIELDS)) == _ENTRY_FIELDS, "ledger fields changed: update payload"


@dataclass(frozen=True)
class PreparedBatch:
    count: int  # rows in `transactions` (and entries in `entries`)
    transactions: bytes  # COPY binary, TXN_COLUMNS
    entries: bytes  # COPY binary, ENTRY_COLUMNS (ledger.recorder.COPY_COLUMNS)
    adjustments: bytes  # COPY text, STAGE_COLUMNS: rows the linking step needs
    has_adjustments: bool
    months: frozenset[dt.date]


_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # header: signature, flags, extension
_TRAILER = b"\xff\xff"
_AS_TEXT = {1043: 25, 1042: 25}  # varchar and char travel as text in binary COPY


class BinaryRows:
    """Rows in PostgreSQL's binary COPY format, for the columns of one table: psycopg's own
    (C) row formatter, with the dumpers of the columns' types looked up once."""

    def __init__(self, raw: Any, table: str, columns: Sequence[str]) -> None:
        with raw.cursor() as cursor:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
                "AND attnum > 0 AND NOT attisdropped",
                [table],
            )
            types = {name: int(oid) for name, oid in cursor.fetchall()}
        self.transformer = Transformer()
        self.transformer.set_dumper_types(
            [_AS_TEXT.get(types[name], types[name]) for name in columns], pq.Format.BINARY
        )

    def payload(self, rows: Iterable[Sequence[Any]]) -> bytes:
        out = bytearray(_SIGNATURE)
        transformer = self.transformer
        for row in rows:
            format_row_binary(row, transformer, out)
        out += _TRAILER
        return bytes(out)


class Formats:
    """The binary formats of the two tables an import writes."""

    def __init__(self, raw: Any) -> None:
        self.transactions = BinaryRows(raw, "payments_transaction", TXN_COLUMNS)
        self.entries = BinaryRows(raw, ENTRY_TABLE, ENTRY_COLUMNS)


@functools.lru_cache(maxsize=256)
def _code(code: str) -> tuple[str, str]:
    """A response code as a COPY text value and as a JSON string."""
    text = code.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text.replace("\r", "\\r"), json.dumps(code, ensure_ascii=False)


def utc_text(moment: dt.datetime) -> str:
    """A UTC time as the ledger writes it (`ledger.evidence.plain`), in the hot loop: the ISO
    form's first 19 characters (26 with microseconds) are the time without its offset, for
    four-digit years (the checks refuse any outside 2000–2099)."""
    text = moment.isoformat()
    return text[:26] + "Z" if moment.microsecond else text[:19] + ".000000Z"


class _DateTexts(dict[dt.date, str]):
    """ISO texts of dates, each made once (a file spans a few hundred days at most)."""

    def __missing__(self, day: dt.date) -> str:
        text = self[day] = day.isoformat()
        return text


_DATE_TEXT = _DateTexts()


def build(
    rows: Sequence[tuple[Any, ...]],
    ids: Sequence[int],
    has_adjustments: bool,
    now: dt.datetime,
    formats: Formats,
) -> PreparedBatch:
    """The COPY payloads of checked rows (`Cleaner.clean` tuples) with ids `ids`."""
    stamp = utc_text(now.astimezone(dt.UTC))
    sha256 = hashlib.sha256
    content = _content
    transactions = [(pk, *row[:-1], now) for pk, row in zip(ids, rows, strict=True)]
    entries: list[tuple[Any, ...]] = []
    for pk, row in zip(ids, rows, strict=True):
        text = content(pk, row, stamp)
        digest = sha256(b"\x00" + text.encode()).digest()
        entries.append((ENTRY_KIND, pk, now, text, digest, row[0], None, True))
    adjustments = [row for row in rows if row[2] in ADJUSTMENT_TYPES or row[19]]
    return PreparedBatch(
        len(transactions),
        formats.transactions.payload(transactions),
        formats.entries.payload(entries),
        "".join(_stage_line(row) for row in adjustments).encode(),
        has_adjustments,
        frozenset(day.replace(day=1) for day in {row[10] for row in rows}),
    )


def _content(pk: int, row: tuple[Any, ...], stamp: str) -> str:
    """The canonical JSON of a new transaction's entry (RFC 8785: sorted keys, no spaces)."""
    (
        merchant,
        terminal,
        kind,
        amount,
        currency,
        pan_masked,
        _last4,
        brand,
        mode,
        moment,
        txn_date,
        stan,
        batch_no,
        rrn,
        auth_code,
        code,
        settlement,
        _status,
        source,
        _orig_rrn,
    ) = row
    rrn_json = f'"{rrn}"' if rrn else "null"
    return (
        f'{{"fields":{{"amount":{amount},"auth_code":"{auth_code}","batch_no":"{batch_no}",'
        f'"card_brand":"{brand}","currency":"{currency}","entry_mode":"{mode}",'
        f'"local_time":"{utc_text(moment)}","merchant_id":{merchant},'
        f'"pan_masked":"{pan_masked}","response_code":{_code(code)[1]},"rrn":{rrn_json},'
        f'"settlement_date":"{_DATE_TEXT[settlement]}","source":"{source}","stan":"{stan}",'
        f'"terminal_id":{terminal},"txn_date":"{_DATE_TEXT[txn_date]}","txn_type":"{kind}"}},'
        f'"kind":"{ENTRY_KIND}","previous":null,"record":{pk},"time":"{stamp}"}}'
    )


def _stage_line(row: tuple[Any, ...]) -> str:
    values = list(row)
    values[9] = utc_text(row[9])
    values[10] = row[10].isoformat()
    values[15] = _code(row[15])[0]
    values[16] = row[16].isoformat()
    return "\t".join(_NULL if value is None else str(value) for value in values) + "\n"


assert ENTRY_COLUMNS == (
    "kind",
    "record_id",
    "logged_at",
    "content",
    "leaf_hash",
    "merchant_id",
    "owner_id",
    "merchant_visible",
), "ledger entry columns changed: update payload"
