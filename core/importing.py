"""The import engine shared by every spreadsheet import (merchants, terminals, …).

An importer declares its columns (with the header aliases people use), how to clean one row,
and how to write a batch. The engine streams rows, collects row-level errors with the row
number, column and reason in Chinese and English, keeps every good row, and upserts by the
natural key in batches so that importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import in_both_languages, lazy_format
from core.masking import mask_pans_in_text
from core.tabular import normalize_header

if TYPE_CHECKING:
    from accounts.models import User

BATCH_SIZE = 2000
MAX_CELL_CHARS = 1000


@dataclass
class RowError:
    row: int
    column: str
    value: str
    zh: str
    en: str

    def __post_init__(self) -> None:
        # Errors echo the cell; the error CSV, the job page and the command output show them.
        self.value = mask_pans_in_text(self.value)
        self.zh = mask_pans_in_text(self.zh)
        self.en = mask_pans_in_text(self.en)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RowInvalid(Exception):  # noqa: N818 - a signal, not a failure of the program
    """Raised by clean_row: one or more cells of this row are wrong."""

    def __init__(self, errors: list[tuple[str, str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors  # (column, value, lazy message)


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return len({e.row for e in self.errors})

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_rows": self.error_count,
            "errors": [e.as_dict() for e in self.errors],
        }


class ErrorCollector:
    """Collects the cell errors of one row so all of them are reported, not just the first."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str, Any]] = []

    def add(self, column: str, value: str, message: Any) -> None:
        self.errors.append((column, value, message))

    def check(self) -> None:
        if self.errors:
            raise RowInvalid(self.errors)


def required(row: dict[str, str], column: str, errors: ErrorCollector) -> str:
    value = row.get(column, "").strip()
    if not value:
        errors.add(column, value, lazy_format(_("“%(column)s”不能为空"), column=column))
    return value


def parse_date(value: str, column: str, errors: ErrorCollector) -> dt.date | None:
    if not value:
        return None
    for candidate in (value, value.replace("/", "-").replace(".", "-")):
        try:
            return dt.date.fromisoformat(candidate[:10])
        except ValueError:
            continue
    errors.add(column, value, lazy_format(_("日期“%(value)s”应为 YYYY-MM-DD 格式"), value=value))
    return None


def _squash(text: str) -> str:
    return text.strip().lower().replace("-", "").replace(" ", "").replace("+", "")


@functools.cache
def _choice_names(choices: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    for code, label in choices.choices:
        names[_squash(str(code))] = str(code)
        for text in in_both_languages(label).values():
            names.setdefault(_squash(text), str(code))
            # "T+1（下一个工作日）" is also accepted as plain "T+1".
            names.setdefault(_squash(text.split("（")[0].split(" (")[0]), str(code))
    return names


def parse_choice(
    value: str, choices: Any, column: str, errors: ErrorCollector, default: str | None = None
) -> str | None:
    """Accept a choice by its code or by its label in either language ('4G', 'Wi-Fi', '以太网')."""
    if not value:
        if default is None:
            errors.add(column, value, lazy_format(_("“%(column)s”不能为空"), column=column))
        return default
    code = _choice_names(choices).get(_squash(value))
    if code is not None:
        return code
    allowed = "、".join(str(code) for code, _label in choices.choices)
    errors.add(
        column,
        value,
        lazy_format(
            _("“%(value)s”不是有效的取值，可选：%(allowed)s"), value=value, allowed=allowed
        ),
    )
    return None


class Importer:
    """Subclasses set `key`, `columns` (canonical name -> header aliases) and implement
    `prepare_batch`, `clean_row` and `write_batch`."""

    key: str = ""
    columns: dict[str, tuple[str, ...]] = {}
    required_columns: tuple[str, ...] = ()
    # Longest value per column: the model field's max_length where a column is named after
    # one, these for the others, MAX_CELL_CHARS for the rest (PostgreSQL would fail the batch).
    target_model: Any = None
    max_lengths: dict[str, int] = {}

    def __init__(self, user: User | None = None) -> None:
        self.user = user
        self._aliases = {
            normalize_header(alias): column
            for column, aliases in self.columns.items()
            for alias in (column, *aliases)
        }
        self._lengths = {column: MAX_CELL_CHARS for column in self.columns}
        if self.target_model is not None:
            for model_field in self.target_model._meta.concrete_fields:
                length = getattr(model_field, "max_length", None)
                # Choices are typed as labels ("T+1（下一个工作日）"), longer than the code.
                if model_field.name in self._lengths and length and not model_field.choices:
                    self._lengths[model_field.name] = length
        self._lengths.update(self.max_lengths)

    # -- the parts a subclass provides -------------------------------------------------------

    def prepare_batch(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        """Load what the batch refers to (existing objects, parents) in a few queries."""

    def clean_row(self, row_number: int, row: dict[str, str]) -> dict[str, Any]:
        raise NotImplementedError

    def write_batch(self, cleaned: list[tuple[int, dict[str, Any]]], result: ImportResult) -> None:
        raise NotImplementedError

    # -- the engine ---------------------------------------------------------------------------

    def too_long(self, row: dict[str, str]) -> list[tuple[str, str, Any]]:
        """(column, value, message) for each cell longer than its column allows."""
        return [
            (
                column,
                value[:40] + "…",
                lazy_format(
                    _("“%(column)s”最长 %(limit)s 个字符，这里有 %(length)s 个"),
                    column=column,
                    limit=self._lengths[column],
                    length=len(value),
                ),
            )
            for column, value in row.items()
            if len(value) > self._lengths.get(column, MAX_CELL_CHARS)
        ]

    def canonical(self, row: dict[str, str]) -> dict[str, str]:
        """The row under canonical column names, every card number in it masked: whatever
        column one was typed into, only the masked form goes further."""
        return {
            self._aliases[name]: mask_pans_in_text(value)
            for name, value in row.items()
            if name in self._aliases
        }

    def missing_columns(self, header: Iterable[str]) -> list[str]:
        present = {self._aliases.get(normalize_header(h)) for h in header}
        return [c for c in self.required_columns if c not in present]

    def run(
        self,
        rows: Iterator[tuple[int, dict[str, str]]],
        progress: Callable[[ImportResult], None] | None = None,
    ) -> ImportResult:
        result = ImportResult()
        first = next(rows, None)
        if first is None:
            return result
        missing = self.missing_columns(first[1].keys())
        if missing:
            message = lazy_format(_("缺少必需的列：%(columns)s"), columns="、".join(missing))
            texts = in_both_languages(message)
            result.errors.append(RowError(1, ",".join(missing), "", texts["zh"], texts["en"]))
            return result
        stream = _chain_first(first, rows)
        while batch := list(islice(stream, BATCH_SIZE)):
            canonical_batch = [(number, self.canonical(row)) for number, row in batch]
            result.total += len(batch)
            self.prepare_batch(canonical_batch)
            cleaned: list[tuple[int, dict[str, Any]]] = []
            for number, row in canonical_batch:
                try:
                    if too_long := self.too_long(row):
                        raise RowInvalid(too_long)
                    cleaned.append((number, self.clean_row(number, row)))
                except RowInvalid as invalid:
                    for column, value, message in invalid.errors:
                        texts = in_both_languages(message)
                        result.errors.append(
                            RowError(number, column, value, texts["zh"], texts["en"])
                        )
            with transaction.atomic():
                self.write_batch(cleaned, result)
            if progress:
                progress(result)
        return result


def _chain_first(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest
