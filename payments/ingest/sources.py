"""The inputs of the transaction import, each turned into records in the canonical column
order: CSV and JSON Lines files (UTF-8 or GBK, read as streams), ISO 8583 message logs and
the batch API's items. A record is (row number, values) or (row number, RowProblem) when the
row cannot even be read."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from core.errors import lazy_format
from core.language import current_language
from core.tabular import SNIFF_BYTES, TabularError, detect_encoding, normalize_header
from payments.iso8583 import REASONS, LogError, iter_log_records

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


class SourceError(TabularError):
    """The input as a whole cannot be read."""


@dataclass(frozen=True)
class RowProblem:
    """A record that could not even be read (bad JSON line, undecodable ISO message)."""

    column: str
    value: str
    message: Any


Record = tuple[int, "list[str] | RowProblem"]


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
                yield number, RowProblem(item.column, item.value, Bilingual(zh, en))
            else:
                yield number, dict_values(item)
    finally:
        close()


class Bilingual:
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
