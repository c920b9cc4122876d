from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.models import CalendarOverride


class Command(BaseCommand):
    help = "Mark a date as a holiday or a working day (overrides chinesecalendar)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("date", help="YYYY-MM-DD")
        parser.add_argument("kind", choices=["holiday", "workday", "remove"])
        parser.add_argument("--name", default="", help="e.g. 国庆节")

    def handle(self, *args: Any, date: str, kind: str, name: str, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise CommandError(f"日期“{date}”应为 YYYY-MM-DD / date must be YYYY-MM-DD") from None
        if kind == "remove":
            deleted, _ = CalendarOverride.objects.filter(date=day).delete()
            self.stdout.write(f"{day}: override removed" if deleted else f"{day}: no override")
            return
        CalendarOverride.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})
        self.stdout.write(f"{day}: {kind} {name}".rstrip())
