"""`manage.py import_telemetry FILE`: load telemetry from JSON Lines or CSV."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.tabular import TabularError
from fleet.ingest import ingest_file


class Command(BaseCommand):
    help = "Import terminal telemetry (JSON Lines or CSV); re-importing adds nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            result = ingest_file(file)
        except (OSError, TabularError) as error:
            raise CommandError(str(error)) from error
        for row_error in result.errors:
            self.stderr.write(
                f"row {row_error.row} [{row_error.column}] {row_error.zh} / {row_error.en}"
            )
        self.stdout.write(
            f"received {result.received}, stored {result.stored}, "
            f"duplicates {result.duplicates}, bad rows {result.error_count}"
        )
