"""Build the intent model from the team's training data (reproducible: same data, same model)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assistant.nlu import Model, build_model, set_model
from assistant.nlu.model import DEFAULT_MODEL_PATH, DEFAULT_TRAIN_PATH, labelled_rows, read_jsonl


def _loadable(path: Path) -> bool:
    """A model file of this release's format (an older one is rebuilt)."""
    try:
        Model.load(path)
    except (OSError, ValueError):
        return False
    return True


class Command(BaseCommand):
    help = "Train the assistant's intent model from assistant/data/train.jsonl."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", default=str(DEFAULT_TRAIN_PATH), help="JSON Lines file")
        parser.add_argument("--output", default=str(DEFAULT_MODEL_PATH), help="model file")
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing if the model file exists."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if options["if_missing"] and _loadable(output):
            self.stdout.write(f"Model already built: {output}")
            return
        train = Path(options["train"])
        try:
            rows = labelled_rows(read_jsonl(train))
            started = time.perf_counter()
            model = build_model(train)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"{train}: {error}") from error
        seconds = time.perf_counter() - started
        model.save(output)
        set_model(model)
        self.stdout.write(
            self.style.SUCCESS(
                f"Trained on {len(rows)} team-written messages and the real questions, "
                f"{len(model.intents)} intents in "
                f"{seconds:.1f}s; saved {output}"
            )
        )
