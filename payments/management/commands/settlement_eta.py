from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.calendar import working_calendar
from payments.settlement import Cycle, parse_cutoff, settlement_eta


class Command(BaseCommand):
    help = "When does a transaction made at --at pay out on --cycle? (working days, cut-off)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", required=True, choices=[c.value for c in Cycle])
        parser.add_argument(
            "--at", required=True, help="ISO 8601 with offset, e.g. 2025-09-30T14:00:00+08:00"
        )
        parser.add_argument("--cutoff", default="23:00", help="HH:MM (default 23:00)")
        parser.add_argument("--language", default="zh", choices=["zh", "en"])
        parser.add_argument("--json", action="store_true", help="print the answer as JSON")

    def handle(
        self,
        *args: Any,
        cycle: str,
        at: str,
        cutoff: str,
        language: str,
        json: bool,
        **options: Any,
    ) -> None:
        try:
            moment = dt.datetime.fromisoformat(at)
        except ValueError:
            raise CommandError(
                f"--at {at!r}: use ISO 8601, e.g. 2025-09-30T14:00:00+08:00"
            ) from None
        if moment.tzinfo is None:
            raise CommandError(f"--at {at!r} needs a UTC offset, e.g. +08:00")
        try:
            cutoff_time = parse_cutoff(cutoff)
        except ValueError as error:
            raise CommandError(str(error)) from None
        eta = settlement_eta(moment, cycle, working_calendar(), cutoff=cutoff_time)
        if json:
            self.stdout.write(_dumps(eta.as_dict(language)))
        else:
            self.stdout.write(
                f"{eta.payout_date.isoformat()}{' (estimated)' if eta.estimated else ''}"
            )
            self.stdout.write(eta.explanation(language))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
