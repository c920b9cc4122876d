"""Transaction ingestion: one pipeline, three inputs (CSV / JSON Lines files, ISO 8583 message
logs, the batch API).

Every input is turned into records in the canonical column order, then

1. checked row by row — each bad cell becomes a row error (row, column, value, zh, en, the
   shape of `core.importing.RowError`), the rest of the input is kept;
2. masked: a full card number is reduced to first 6 / last 4 before anything stores or logs it;
3. written in batches through a staging table: PostgreSQL `COPY`s the batch into a temporary
   table and moves it with `INSERT … SELECT … ON CONFLICT DO NOTHING`; SQLite uses
   `executemany` into the staging table and `INSERT OR IGNORE … SELECT`. Re-sent records hit
   the unique keys (terminal + STAN + date + batch + type, or RRN + date + type) and are counted
   as duplicates, never stored twice;
4. linked: approved voids, refunds, reversals and pre-authorisation cancels find their original
   transaction, whose derived status becomes voided / refunded / reversed.

Memory stays flat: files are read as streams and only one batch is held at a time.
"""
# size: one ingest pipeline (files, ISO 8583, API → staging → rows) kept whole for COPY speed

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import in_both_languages, lazy_format
from core.identifiers import MERCHANT_ID_RE, TERMINAL_ID_RE
from core.importing import RowError
from core.language import current_language
from core.masking import mask_pans_in_text
from core.tabular import SNIFF_BYTES, TabularError, detect_encoding, normalize_header
from ledger import services as ledger
from ledger.evidence import TRANSACTION_FIELDS
from payments import partitions
from payments.cards import InvalidCardNumber, normalize_pan
from payments.iso8583 import REASONS, LogError, iter_log_records
from payments.localtime import LocalTimeError, parse_local_time

logger = logging.getLogger(__name__)

COLUMNS = (
    "merchant_id",
    "terminal_id",
    "txn_type",
    "amount",
    "currency",
    "pan",
    "entry_mode",
    "local_time",
    "stan",
    "batch_no",
    "rrn",
    "auth_code",
    "response_code",
)
OPTIONAL_COLUMNS = ("orig_rrn",)  # the RRN of the transaction a void/refund/cancel undoes
ALL_COLUMNS = COLUMNS + OPTIONAL_COLUMNS
REQUIRED_COLUMNS = tuple(c for c in COLUMNS if c not in ("rrn", "auth_code", "currency", "pan"))
HEADER_ALIASES = {
    "商户编号": "merchant_id",
    "商户号": "merchant_id",
    "终端号": "terminal_id",
    "交易类型": "txn_type",
    "金额": "amount",
    "交易金额": "amount",
    "币种": "currency",
    "卡号": "pan",
    "输入方式": "entry_mode",
    "交易时间": "local_time",
    "凭证号": "stan",
    "流水号": "stan",
    "批次号": "batch_no",
    "参考号": "rrn",
    "授权码": "auth_code",
    "应答码": "response_code",
    "原参考号": "orig_rrn",
}
TXN_TYPES = {
    "sale": "sale",
    "消费": "sale",
    "void": "void",
    "撤销": "void",
    "消费撤销": "void",
    "refund": "refund",
    "退货": "refund",
    "reversal": "reversal",
    "冲正": "reversal",
    "preauth": "preauth",
    "预授权": "preauth",
    "preauth_completion": "preauth_completion",
    "预授权完成": "preauth_completion",
    "preauth_cancel": "preauth_cancel",
    "预授权撤销": "preauth_cancel",
    "qr_payment": "qr_payment",
    "扫码": "qr_payment",
    "扫码支付": "qr_payment",
}
ENTRY_MODES = {
    "chip": "chip",
    "插卡": "chip",
    "icc": "chip",
    "swipe": "swipe",
    "刷卡": "swipe",
    "magstripe": "swipe",
    "contactless": "contactless",
    "挥卡": "contactless",
    "闪付": "contactless",
    "nfc": "contactless",
    "qr": "qr",
    "扫码": "qr",
    "manual": "manual",
    "手输": "manual",
}
CURRENCIES = {"CNY": "CNY", "156": "CNY", "RMB": "CNY", "人民币": "CNY"}
ADJUSTMENT_TYPES = ("void", "refund", "reversal", "preauth_cancel", "preauth_completion")
ORIGINAL_STATUS = {
    "void": "voided",
    "refund": "refunded",
    "reversal": "reversed",
    "preauth_cancel": "voided",
}
BATCH_SIZE = 20_000
MAX_ERRORS_KEPT = 10_000  # error details kept in memory; the count goes on beyond it

_AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
_DIGITS_1_6 = re.compile(r"^\d{1,6}$")
_RRN = re.compile(r"^[0-9A-Za-z]{12}$")
_AUTH = re.compile(r"^[0-9A-Za-z ]{0,6}$")

# Staging columns, in COPY order; the INSERT … SELECT moves all but orig_rrn.
STAGE_COLUMNS = (
    "merchant_id",
    "terminal_id",
    "txn_type",
    "amount",
    "currency",
    "pan_masked",
    "card_last4",
    "card_brand",
    "entry_mode",
    "local_time",
    "txn_date",
    "stan",
    "batch_no",
    "rrn",
    "auth_code",
    "response_code",
    "settlement_date",
    "status",
    "source",
    "orig_rrn",
)
STAGE_TABLE = "payments_txn_stage"


class SourceError(TabularError):
    """The input as a whole cannot be read."""


@dataclass
class IngestResult:
    total: int = 0
    created: int = 0
    duplicates: int = 0
    masked_pans: int = 0
    linked: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_rows: int = 0
    _error_row_numbers: int = -1

    def add_error(self, row: int, column: str, value: str, message: Any) -> None:
        if row != self._error_row_numbers:
            self.error_rows += 1
            self._error_row_numbers = row
        if len(self.errors) < MAX_ERRORS_KEPT:
            texts = in_both_languages(message)
            # A value in an error report is shown and logged: never a full card number.
            self.errors.append(
                RowError(row, column, mask_pans_in_text(str(value))[:80], texts["zh"], texts["en"])
            )

    @property
    def kept(self) -> int:
        return self.created + self.duplicates

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "created": self.created,
            "duplicates": self.duplicates,
            "masked_pans": self.masked_pans,
            "linked": self.linked,
            "error_rows": self.error_rows,
            "errors": [e.as_dict() for e in self.errors],
        }


Record = tuple[int, "list[str] | RowProblem"]


@dataclass(frozen=True)
class RowProblem:
    """A record that could not even be read (bad JSON line, undecodable ISO message)."""

    column: str
    value: str
    message: Any


# -- sources -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value).strip()


def dict_values(obj: dict[str, Any]) -> list[str]:
    return [_text(obj.get(column)) for column in ALL_COLUMNS]


def _open_text(source: str | Path | IO[bytes]) -> tuple[IO[str], Callable[[], None]]:
    binary: IO[bytes] = open(source, "rb") if isinstance(source, str | Path) else source  # noqa: SIM115
    buffered = binary if isinstance(binary, io.BufferedReader) else io.BufferedReader(binary)  # type: ignore[arg-type,type-var]
    encoding = detect_encoding(buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES])
    text = io.TextIOWrapper(buffered, encoding=encoding, newline="")

    def close() -> None:
        if isinstance(source, str | Path):
            binary.close()

    return text, close


def _unreadable(row: int) -> SourceError:
    return SourceError(
        lazy_format(_("第 %(row)s 行之后的内容无法按 UTF-8 或 GBK 解码，文件已停止读取"), row=row)
    )


def iter_csv(source: str | Path | IO[bytes]) -> Iterator[Record]:
    """Rows of a CSV file (UTF-8 or GBK) in canonical column order; row 1 is the header."""
    text, close = _open_text(source)
    try:
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            raise SourceError(_("文件是空的")) from None
        except UnicodeDecodeError:
            raise _unreadable(1) from None
        names = [normalize_header(h) for h in header]
        names = [HEADER_ALIASES.get(h.strip(), h) for h in names]
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            raise SourceError(
                lazy_format(_("缺少必需的列：%(columns)s"), columns="、".join(missing))
            )
        index = [names.index(c) if c in names else -1 for c in ALL_COLUMNS]
        width = len(names)
        row = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError:
                raise _unreadable(row) from None
            row += 1
            if len(cells) < width:
                if not any(cells):
                    continue
                cells = cells + [""] * (width - len(cells))
            yield row, [cells[i].strip() if i >= 0 else "" for i in index]
    finally:
        close()


def iter_jsonl(source: str | Path | IO[bytes]) -> Iterator[Record]:
    """One JSON object a line, with the canonical keys; line numbers are the row numbers."""
    text, close = _open_text(source)
    try:
        for number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line, parse_float=Decimal)
            except ValueError:
                yield number, RowProblem("line", line[:40], _("这一行不是有效的 JSON"))
                continue
            if not isinstance(obj, dict):
                yield number, RowProblem("line", line[:40], _("每一行应是一个 JSON 对象"))
                continue
            yield number, dict_values(obj)
    finally:
        close()


def iter_iso_log(source: str | Path | IO[bytes]) -> Iterator[Record]:
    text, close = _open_text(source)
    try:
        for number, item in iter_log_records(text):
            if isinstance(item, LogError):
                zh, en = REASONS[item.reason]
                yield number, RowProblem(item.column, item.value, _Bilingual(zh, en))
            else:
                yield number, dict_values(item)
    finally:
        close()


class _Bilingual:
    """A message that already exists in both languages (from a pure module)."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en

    def __str__(self) -> str:
        return self.en if current_language() == "en" else self.zh


def iter_api(items: Iterable[Any]) -> Iterator[Record]:
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield number, RowProblem("item", str(item)[:40], _("每一项应是一个 JSON 对象"))
        else:
            yield number, dict_values(item)


def records_for_file(path: str | Path, handle: IO[bytes] | None = None) -> Iterator[Record]:
    """Pick the reader by file name: .csv/.txt, .jsonl/.ndjson, .log/.iso (ISO 8583 log)."""
    name = str(path).lower()
    source: str | Path | IO[bytes] = handle if handle is not None else path
    if name.endswith((".csv", ".txt")):
        return iter_csv(source)
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return iter_jsonl(source)
    if name.endswith((".log", ".iso", ".iso8583")):
        return iter_iso_log(source)
    raise SourceError(
        lazy_format(
            _("不支持的文件类型“%(name)s”：请使用 .csv、.jsonl 或 ISO 8583 日志（.log）"),
            name=Path(name).name,
        )
    )


# -- checking one record -----------------------------------------------------------------------


@dataclass(frozen=True)
class TerminalInfo:
    pk: int
    merchant_pk: int
    merchant_id: str
    cutoff: dt.time
    timezone: str


class Cleaner:
    """Turns canonical records into staging rows; knows terminals and response codes."""

    def __init__(self, source: str, settlement_date: dt.date | None = None) -> None:
        from payments.models import ResponseCode

        self.source = source
        # The batch's settlement date: the year of MMDDhhmmss times (today when not given).
        self.settlement_date = settlement_date
        self.codes: dict[str, bool] = {}
        for code, success in ResponseCode.objects.values_list("code", "is_success"):
            self.codes[code] = self.codes.get(code, False) or success
        self.terminals: dict[str, TerminalInfo | None] = {}
        self.masked_pans = 0

    def prepare(self, batch: list[Record]) -> None:
        from terminals.models import Terminal

        wanted = {
            values[1]
            for _n, values in batch
            if isinstance(values, list) and values[1] not in self.terminals
        }
        if not wanted:
            return
        if len(self.terminals) > 200_000:
            self.terminals.clear()
        found = Terminal.objects.filter(terminal_id__in=wanted).values_list(
            "terminal_id",
            "pk",
            "merchant_id",
            "merchant__merchant_id",
            "merchant__settlement_cutoff",
            "merchant__timezone",
        )
        for terminal_id, pk, merchant_pk, merchant_id, cutoff, zone in found:
            self.terminals[terminal_id] = TerminalInfo(pk, merchant_pk, merchant_id, cutoff, zone)
        for terminal_id in wanted:
            self.terminals.setdefault(terminal_id, None)

    # size: one record's field checks in column order (the staging contract); hot path
    def clean(self, values: list[str]) -> tuple[Any, ...] | list[tuple[str, str, Any]]:
        """A staging row, or the list of (column, value, message) that is wrong with it."""
        (
            merchant_id,
            terminal_id,
            txn_type,
            amount,
            currency,
            pan,
            entry_mode,
            local_time,
            stan,
            batch_no,
            rrn,
            auth_code,
            response_code,
            orig_rrn,
        ) = values
        errors: list[tuple[str, str, Any]] = []
        add = errors.append

        terminal = None
        if not MERCHANT_ID_RE.match(merchant_id):
            add(
                (
                    "merchant_id",
                    merchant_id,
                    lazy_format(_("商户编号“%(value)s”应为 15 位数字"), value=merchant_id),
                )
            )
        if not TERMINAL_ID_RE.match(terminal_id):
            add(
                (
                    "terminal_id",
                    terminal_id,
                    lazy_format(_("终端号“%(value)s”应为 8 位数字或大写字母"), value=terminal_id),
                )
            )
        else:
            terminal = self.terminals.get(terminal_id)
            if terminal is None:
                add(
                    (
                        "terminal_id",
                        terminal_id,
                        lazy_format(_("终端号“%(value)s”不存在"), value=terminal_id),
                    )
                )
            elif merchant_id and terminal.merchant_id != merchant_id:
                add(
                    (
                        "terminal_id",
                        terminal_id,
                        lazy_format(
                            _("终端“%(terminal)s”不属于商户“%(merchant)s”"),
                            terminal=terminal_id,
                            merchant=merchant_id,
                        ),
                    )
                )
        kind = TXN_TYPES.get(txn_type) or TXN_TYPES.get(txn_type.lower())
        if kind is None:
            add(
                (
                    "txn_type",
                    txn_type,
                    lazy_format(_("交易类型“%(value)s”无法识别"), value=txn_type),
                )
            )
        fen = 0
        if _AMOUNT.match(amount):
            yuan, _dot, cents = amount.partition(".")
            fen = int(yuan) * 100 + int((cents + "00")[:2])
        else:
            add(
                (
                    "amount",
                    amount,
                    lazy_format(
                        _("金额“%(value)s”应为以元为单位、最多两位小数的数字"), value=amount
                    ),
                )
            )
        currency_code = CURRENCIES.get(currency.upper() or "CNY")
        if currency_code is None:
            add(
                (
                    "currency",
                    currency,
                    lazy_format(_("币种“%(value)s”不支持（仅人民币 CNY/156）"), value=currency),
                )
            )
        try:
            card = normalize_pan(pan)
        except InvalidCardNumber:
            card = None
            add(("pan", pan, _("卡号应为完整卡号或前 6 后 4 的脱敏卡号")))
        mode = ENTRY_MODES.get(entry_mode) or ENTRY_MODES.get(entry_mode.lower())
        if mode is None:
            add(
                (
                    "entry_mode",
                    entry_mode,
                    lazy_format(_("输入方式“%(value)s”无法识别"), value=entry_mode),
                )
            )
        moment = None
        try:
            zone = terminal.timezone if terminal is not None else settings.TIME_ZONE
            moment = parse_local_time(local_time, zone, self.settlement_date)
        except LocalTimeError as error:
            message = (
                _("交易时间“%(value)s”的年份超出 2000–2099")
                if error.out_of_range
                else _(
                    "交易时间“%(value)s”应为 ISO 8601（如 2025-09-30T14:00:00+08:00，"
                    "不带时区按商户时区）、YYYYMMDDhhmmss 或 MMDDhhmmss"
                )
            )
            add(("local_time", local_time, lazy_format(message, value=local_time)))
        if not _DIGITS_1_6.match(stan):
            add(("stan", stan, lazy_format(_("凭证号“%(value)s”应为 1–6 位数字"), value=stan)))
        if not _DIGITS_1_6.match(batch_no):
            add(
                (
                    "batch_no",
                    batch_no,
                    lazy_format(_("批次号“%(value)s”应为 1–6 位数字"), value=batch_no),
                )
            )
        if rrn and not _RRN.match(rrn):
            add(("rrn", rrn, lazy_format(_("参考号“%(value)s”应为 12 位数字或字母"), value=rrn)))
        if orig_rrn and not _RRN.match(orig_rrn):
            add(
                (
                    "orig_rrn",
                    orig_rrn,
                    lazy_format(_("参考号“%(value)s”应为 12 位数字或字母"), value=orig_rrn),
                )
            )
        if not _AUTH.match(auth_code):
            add(
                (
                    "auth_code",
                    auth_code,
                    lazy_format(_("授权码“%(value)s”最多 6 位数字或字母"), value=auth_code),
                )
            )
        response_code = response_code.upper()
        success = self.codes.get(response_code)
        if success is None:
            add(
                (
                    "response_code",
                    response_code,
                    lazy_format(_("应答码“%(value)s”不在应答码表中"), value=response_code),
                )
            )
        if errors:
            return errors

        assert terminal is not None and moment is not None and card is not None
        if card.was_full:
            self.masked_pans += 1
        local_date = moment.date()
        settlement_date = (
            local_date + dt.timedelta(days=1) if moment.time() >= terminal.cutoff else local_date
        )
        utc = moment.astimezone(dt.UTC)
        return (
            terminal.merchant_pk,
            terminal.pk,
            kind,
            fen,
            currency_code,
            card.masked,
            card.last4,
            card.brand if mode != "qr" or card.last4 else "wallet",
            mode,
            utc,
            local_date,
            stan.zfill(6),
            batch_no.zfill(6),
            rrn.upper() or None,
            auth_code.strip().upper(),
            response_code,
            settlement_date,
            "approved" if success else "declined",
            self.source,
            orig_rrn.upper() or None,
        )


# -- writing a batch ---------------------------------------------------------------------------


_MOVE_COLUMNS = ", ".join(STAGE_COLUMNS[:-1])


def _stage_ddl(vendor: str) -> str:
    temp = "TEMPORARY"
    time_type = "timestamp with time zone" if vendor == "postgresql" else "datetime"
    return (
        f"CREATE {temp} TABLE IF NOT EXISTS {STAGE_TABLE} ("
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


_LEDGER_COLUMNS = ("id", *TRANSACTION_FIELDS)
_LEDGER_RETURNING = ", ".join(_LEDGER_COLUMNS)


@dataclass(frozen=True)
class PreparedBatch:
    payload: bytes  # COPY text format
    months: set[dt.date]
    count: int
    has_adjustments: bool


class BatchWriter:
    """Moves staged batches into the transactions table (PostgreSQL COPY or SQLite)."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute(_stage_ddl(self.vendor))

    def write(self, rows: list[tuple[Any, ...]], has_adjustments: bool) -> tuple[int, int]:
        """(rows inserted, adjustments linked), in one transaction (or savepoint)."""
        if not rows:
            return 0, 0
        if self.vendor == "postgresql":
            return self.write_postgresql(
                connection.connection, self.prepare_postgresql(rows, has_adjustments)
            )
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            # Table and column names below are module constants, never user input.
            cursor.execute(f"DELETE FROM {STAGE_TABLE}")  # noqa: S608
            placeholders = ", ".join(["%s"] * len(STAGE_COLUMNS))
            columns = ", ".join(STAGE_COLUMNS)
            cursor.executemany(
                f"INSERT INTO {STAGE_TABLE} ({columns}) VALUES ({placeholders})",  # noqa: S608
                [self._sqlite_row(row) for row in rows],
            )
            cursor.execute(
                f"INSERT OR IGNORE INTO payments_transaction ({_MOVE_COLUMNS}, created_at) "  # noqa: S608
                f"SELECT {_MOVE_COLUMNS}, %s FROM {STAGE_TABLE} RETURNING id",  # noqa: S608
                [now.replace(tzinfo=None).isoformat(sep=" ")],
            )
            created = [pk for (pk,) in cursor.fetchall()]
            inserted = len(created)
            # Each new record gets its ledger entry in the same transaction.
            ledger.record("transaction", created, new=True)
            linked = self._link(cursor) if has_adjustments else 0
        return inserted, linked

    @staticmethod
    def prepare_postgresql(rows: list[tuple[Any, ...]], has_adjustments: bool) -> PreparedBatch:
        """The COPY payload of a batch, built by the checking thread: the writer thread then
        only waits for the database (and so does not hold the GIL)."""
        # Every value was validated to contain no tab, newline or backslash, so COPY's text
        # format needs no escaping: build the lines directly (much faster than per-value
        # adaptation).
        lines = [
            f"{row[0]}\t{row[1]}\t{row[2]}\t{row[3]}\t{row[4]}\t{row[5]}\t{row[6]}\t"
            f"{row[7]}\t{row[8]}\t{row[9].isoformat()}\t{row[10].isoformat()}\t{row[11]}\t"
            f"{row[12]}\t{row[13] or chr(92) + 'N'}\t{row[14]}\t{row[15]}\t"
            f"{row[16].isoformat()}\t{row[17]}\t{row[18]}\t{row[19] or chr(92) + 'N'}\n"
            for row in rows
        ]
        return PreparedBatch(
            "".join(lines).encode(), {row[10] for row in rows}, len(rows), has_adjustments
        )

    def write_postgresql(self, raw: Any, batch: PreparedBatch) -> tuple[int, int]:
        """The PostgreSQL path works on the psycopg connection itself, so that it can run in
        the writer thread (psycopg serialises the connection; see `_Pipeline`). Its
        `transaction()` is a transaction, or a savepoint inside the caller's transaction."""
        if not batch.count:
            return 0, 0
        with raw.transaction(), raw.cursor() as cursor:
            cursor.execute(f"DELETE FROM {STAGE_TABLE}")  # noqa: S608
            partitions.ensure_partitions_with(cursor, batch.months)
            columns = ", ".join(STAGE_COLUMNS)
            with cursor.copy(f"COPY {STAGE_TABLE} ({columns}) FROM STDIN") as copy:
                copy.write(batch.payload)
            cursor.execute(
                f"INSERT INTO payments_transaction ({_MOVE_COLUMNS}, created_at) "  # noqa: S608
                f"SELECT {_MOVE_COLUMNS}, %s FROM {STAGE_TABLE} ON CONFLICT DO NOTHING "  # noqa: S608
                f"RETURNING {_LEDGER_RETURNING}",
                [timezone.now()],
            )
            created = cursor.fetchall()
            inserted = len(created)
            # Each new record gets its ledger entry in the same transaction (COPY).
            ledger.copy_new_rows(cursor, "transaction", _LEDGER_COLUMNS, created)
            linked = self._link(cursor) if batch.has_adjustments else 0
        return inserted, linked

    @staticmethod
    def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        values[9] = row[9].replace(tzinfo=None).isoformat(sep=" ")  # Django stores naive UTC
        values[10] = row[10].isoformat()
        values[16] = row[16].isoformat()
        return tuple(values)

    def _link(self, cursor: Any) -> int:
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


# -- the pipeline ------------------------------------------------------------------------------


class _Pipeline:
    """On PostgreSQL, checking rows (Python) and writing them (the database server) overlap:
    a writer thread stores batch N while the caller checks batch N+1. At most one batch waits
    in the queue, so memory stays bounded. Both threads share the one psycopg connection,
    which serialises its use, so the writes stay inside the caller's transaction (tests)."""

    def __init__(self, writer: BatchWriter) -> None:
        self.writer = writer
        self.raw = connection.connection
        self.queue: queue.Queue[PreparedBatch | None] = queue.Queue(maxsize=1)
        self.done: queue.Queue[tuple[int, int, int]] = queue.Queue()
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="payments-ingest-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.failure is not None:
                continue  # drain after a failure; the caller re-raises it
            try:
                inserted, linked = self.writer.write_postgresql(self.raw, item)
            except BaseException as error:  # handed to the caller's thread
                self.failure = error
                continue
            self.done.put((inserted, linked, item.count))

    def submit(self, rows: list[tuple[Any, ...]], has_adjustments: bool) -> None:
        if self.failure is not None:
            raise self.failure
        self.queue.put(self.writer.prepare_postgresql(rows, has_adjustments))

    def collect(self, result: IngestResult) -> None:
        while True:
            try:
                inserted, linked, count = self.done.get_nowait()
            except queue.Empty:
                return
            result.created += inserted
            result.duplicates += count - inserted
            result.linked += linked

    def finish(self, result: IngestResult) -> None:
        self.queue.put(None)
        self.thread.join()
        self.collect(result)
        if self.failure is not None:
            raise self.failure


def ingest(
    records: Iterable[Record],
    *,
    source: str,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[IngestResult], None] | None = None,
    settlement_date: dt.date | None = None,
) -> IngestResult:
    """Check, mask and store records; returns counts and row errors. Idempotent."""
    result = IngestResult()
    cleaner = Cleaner(source, settlement_date)
    writer = BatchWriter()
    pipeline = _Pipeline(writer) if writer.vendor == "postgresql" else None
    stream = iter(records)
    try:
        _run_batches(stream, batch_size, cleaner, writer, pipeline, result, progress)
    finally:
        if pipeline is not None:
            pipeline.finish(result)
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


def _run_batches(
    stream: Iterator[Record],
    batch_size: int,
    cleaner: Cleaner,
    writer: BatchWriter,
    pipeline: _Pipeline | None,
    result: IngestResult,
    progress: Callable[[IngestResult], None] | None,
) -> None:
    while batch := list(islice(stream, batch_size)):
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
        if pipeline is not None:
            pipeline.submit(rows, has_adjustments)
            pipeline.collect(result)
        else:
            inserted, linked = writer.write(rows, has_adjustments)
            result.created += inserted
            result.duplicates += len(rows) - inserted
            result.linked += linked
        result.masked_pans = cleaner.masked_pans
        if progress:
            progress(result)


def ingest_file(path: str | Path, handle: IO[bytes] | None = None, **options: Any) -> IngestResult:
    name = str(path).lower()
    source = "iso8583" if name.endswith((".log", ".iso", ".iso8583")) else "file"
    return ingest(records_for_file(path, handle), source=source, **options)


def ingest_api(items: Iterable[Any], settlement_date: dt.date | None = None) -> IngestResult:
    return ingest(iter_api(items), source="api", settlement_date=settlement_date)
