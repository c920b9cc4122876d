"""`manage.py fleet_train`: train the failure model on the telemetry roll-ups and failure
history, evaluate it on a later period, print the metrics and save it (joblib, under var/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fleet import riskmodel
from fleet.predictive import TrainingError, train


class Command(BaseCommand):
    help = "Train the terminal failure model; evaluate it on a later period; save it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(riskmodel.DEFAULT_PATH))
        parser.add_argument("--horizon", type=int, default=riskmodel.HORIZON_DAYS)

    def handle(self, *args: Any, output: str, horizon: int, **options: Any) -> None:
        if not 7 <= horizon <= 90:
            raise CommandError("--horizon must be between 7 and 90 days")
        try:
            bundle = train(horizon=horizon)
        except TrainingError as error:
            raise CommandError(f"cannot train: {error}") from error
        path = bundle.save(Path(output))
        self.stdout.write(json.dumps(bundle.metrics, ensure_ascii=False, indent=2))
        self.stdout.write(f"model {bundle.version} saved to {path}")
