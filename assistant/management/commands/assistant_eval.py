"""Scores of the intent model on a labelled file: accuracy, macro-F1, per-intent precision and
recall, most confused pairs, containment, answer precision, latency and peak memory."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assistant.nlu import get_model
from assistant.nlu.evaluate import evaluate
from assistant.nlu.model import read_jsonl


class Command(BaseCommand):
    help = 'Evaluate the intent model on FILE (JSON Lines with "text" and "intent").'

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument("--threshold", type=float, help="Clarify threshold to evaluate.")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            rows = read_jsonl(file)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict) or "text" not in row or "intent" not in row:
                raise CommandError(f'{file}:{number}: each line needs "text" and "intent"')
        if not rows:
            raise CommandError(f"{file}: no messages")
        result = evaluate(get_model(), rows, threshold=options.get("threshold"))
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"messages {result['messages']}  accuracy {result['accuracy']:.1%}  "
            f"macro-F1 {result['macro_f1']:.3f}\n"
            f"containment {result['containment']:.1%}  answer precision "
            f"{result['answer_precision']:.1%}  (threshold {result['clarify_threshold']})\n"
            f"latency p50 {result['latency_ms']['p50']} ms  p99 {result['latency_ms']['p99']} ms"
            f"  peak memory {result['peak_rss_mb']} MB"
        )
        self.stdout.write(f"{'intent':28} precision  recall  support")
        for intent, scores in result["per_intent"].items():
            self.stdout.write(
                f"{intent:28} {scores['precision']:9.2f} {scores['recall']:7.2f} "
                f"{scores['support']:8d}"
            )
        self.stdout.write("most confused (gold → predicted):")
        for pair in result["most_confused"]:
            self.stdout.write(f"  {pair['gold']} → {pair['predicted']}: {pair['count']}")
