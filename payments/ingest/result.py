"""What an import reports: counts and row errors (row, column, value, zh, en)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.errors import in_both_languages
from core.importing import RowError
from core.masking import mask_pans_in_text

MAX_ERRORS_KEPT = 10_000  # error details kept in memory; the count goes on beyond it


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

    def merge(self, other: IngestResult) -> None:
        """Add the counts and errors of a part of the input read elsewhere (the reader
        process); `other` holds that part only."""
        self.total += other.total
        self.created += other.created
        self.duplicates += other.duplicates
        self.masked_pans += other.masked_pans
        self.linked += other.linked
        self.error_rows += other.error_rows
        room = MAX_ERRORS_KEPT - len(self.errors)
        if room > 0:
            self.errors.extend(other.errors[:room])
