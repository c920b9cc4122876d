"""One JSON line per input message: intent, confidence, action and entities."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assistant.nlu import get_model, understand
from assistant.nlu.model import read_jsonl


class Command(BaseCommand):
    help = 'Classify messages: FILE holds JSON Lines ({"text": ...}); "-" reads stdin.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            if file == "-":
                rows = [json.loads(line) for line in sys.stdin if line.strip()]
            else:
                rows = read_jsonl(file)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        model = get_model()
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise CommandError(f'{file}:{number}: each line needs a "text" string')
            result = understand(row["text"], model=model)
            line = {
                # The masked text: a card number typed by a merchant never reaches the output.
                "text": result.masked_text,
                "intent": result.intent,
                "confidence": result.confidence,
                "action": result.action,
                "entities": result.entities,
            }
            self.stdout.write(json.dumps(line, ensure_ascii=False))
