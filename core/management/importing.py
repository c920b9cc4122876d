"""The body of the import_merchants / import_terminals commands."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.services import import_file
from core.tabular import TabularError


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=".csv (UTF-8 or GBK) or .xlsx")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument("--lang", choices=["zh", "en"], default="zh", help="Error language.")

    def handle(
        self, *args: Any, file: str, json: bool = False, lang: str = "zh", **options: Any
    ) -> None:
        started = time.monotonic()
        try:
            result = import_file(self.kind, file)
        except TabularError as error:
            raise CommandError(f"{error.messages['zh']} / {error.messages['en']}") from None
        except FileNotFoundError:
            raise CommandError(f"文件不存在 / file not found: {file}") from None
        elapsed = time.monotonic() - started
        if json:
            self.stdout.write(_dumps({**result.as_dict(), "seconds": round(elapsed, 3)}))
            return
        for row_error in result.errors:
            self.stdout.write(
                f"row {row_error.row}, {row_error.column}: {getattr(row_error, lang)}"
            )
        self.stdout.write(
            f"{result.total} rows in {elapsed:.1f}s: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged, "
            f"{result.error_count} rows with errors"
        )


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)
