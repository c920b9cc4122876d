"""Build the demo data set: each app with a `demo.py` adds its part, in ORDER."""

from __future__ import annotations

import importlib
import random
import time
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from ledger.recorder import paused as ledger_paused

SEED = 20261123


class Command(BaseCommand):
    help = "Load a deterministic, realistic demo data set (merchants, terminals, users, …)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if data exists.")

    def handle(self, *args: Any, if_empty: bool = False, **options: Any) -> None:
        from merchants.models import Merchant

        if Merchant.objects.exists():
            if if_empty:
                self.stdout.write("Demo data already loaded.")
                return
            self.stderr.write("The database already has merchants; use an empty database.")
            raise SystemExit(1)
        modules = []
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            modules.append(module)
        modules.sort(key=lambda m: getattr(m, "ORDER", 100))
        started = time.monotonic()
        # The parts backdate their records after creating them; the ledger's own part (last)
        # logs everything as it stands, so nothing is logged record by record on the way.
        with ledger_paused():
            for module in modules:
                self.stdout.write(f"{module.__name__} …")
                with transaction.atomic():
                    # Each part gets its own generator, so adding one does not change the others.
                    module.load(random.Random(f"{SEED}:{module.__name__}"), self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - started:.1f}s")
        )
