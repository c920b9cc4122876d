from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.tabular import TabularError
from payments.ingest import BATCH_SIZE, IngestResult, ingest_file


class Command(BaseCommand):
    help = (
        "Import transactions from a CSV (.csv), JSON Lines (.jsonl) or ISO 8583 log (.log) "
        "file. Bad rows are reported, good rows kept, re-sent rows ignored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--errors", help="write the row errors to this CSV file")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--quiet", action="store_true", help="no progress lines")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"rows per database transaction (default {BATCH_SIZE:,})",
        )
        parser.add_argument(
            "--settlement-date",
            type=dt.date.fromisoformat,
            help="the batch's settlement date, YYYY-MM-DD: the year of MMDDhhmmss times",
        )

    def handle(
        self,
        *args: Any,
        file: str,
        errors: str | None,
        json: bool,
        quiet: bool,
        settlement_date: dt.date | None = None,
        batch_size: int = BATCH_SIZE,
        **options: Any,
    ) -> None:
        path = Path(file)
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if not path.exists():
            raise CommandError(f"{file}: no such file")

        def progress(result: IngestResult) -> None:
            if not quiet and not json:
                self.stderr.write(
                    f"  {result.total:,} rows read, {result.created:,} new, "
                    f"{result.error_rows:,} with errors"
                )

        try:
            result = ingest_file(
                path, progress=progress, settlement_date=settlement_date, batch_size=batch_size
            )
        except TabularError as error:
            texts = error.messages
            raise CommandError(f"{texts['zh']} / {texts['en']}") from None
        if errors:
            from core.services import errors_csv

            Path(errors).write_text(
                "\ufeff" + errors_csv(e.as_dict() for e in result.errors), encoding="utf-8"
            )
        if json:
            self.stdout.write(
                _dumps(
                    {k: v for k, v in result.as_dict().items() if k != "errors"}
                    | {"errors": result.as_dict()["errors"][:100]}
                )
            )
            return
        self.stdout.write(
            f"{result.total:,} rows: {result.created:,} new, {result.duplicates:,} already there, "
            f"{result.error_rows:,} with errors, {result.masked_pans:,} full card numbers masked"
        )
        for row_error in result.errors[:50]:
            self.stdout.write(
                f"  row {row_error.row} [{row_error.column}] {row_error.value!r}: "
                f"{row_error.zh} / {row_error.en}"
            )
        if len(result.errors) > 50:
            self.stdout.write(f"  … {len(result.errors) - 50} more (use --errors FILE)")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
