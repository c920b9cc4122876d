"""manage.py ledger_backfill: log every record of evidence that has no entry yet (records
from before the ledger existed, or loaded with logging paused), then sequence and sign."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ledger import services


class Command(BaseCommand):
    help = "Append entries for records that have none, sequence them and issue a checkpoint."

    def handle(self, *args: Any, **options: Any) -> None:
        written = services.backfill()
        self.stdout.write(f"logged {written} records; tree size {services.seal()}")
