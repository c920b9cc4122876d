"""`manage.py fleet_predict`: score every terminal with the saved failure model, keep the risk
and its top reasons per terminal, and open proactive work for the high-risk ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fleet import riskmodel
from fleet.proactive import predict_and_act


class Command(BaseCommand):
    help = "Score every terminal's failure risk; open proactive tickets for high risk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model", default=str(riskmodel.DEFAULT_PATH))

    def handle(self, *args: Any, model: str, **options: Any) -> None:
        try:
            counts = predict_and_act(Path(model))
        except (OSError, ValueError) as error:
            raise CommandError(
                f"cannot load the failure model ({error}); run fleet_train"
            ) from error
        self.stdout.write(
            f"scored {counts['scored']} terminals with {counts['version']}: "
            f"{counts['high']} at high risk, {counts['opened']} proactive tickets opened"
        )
