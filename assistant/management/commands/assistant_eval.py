"""Scores of the intent model: accuracy, macro-F1, per-intent precision and recall, most confused
pairs, containment, answer precision, latency and peak memory.

``assistant_eval FILE`` scores the current model on a labelled file (e.g. the team-written
eval.jsonl). ``assistant_eval --real`` is the measure that counts: real merchant questions, a
fixed split by source page, the threshold chosen by cross-validation on the development part
(see assistant/nlu/realeval.py); it reports its method with the figures.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assistant.nlu import get_model
from assistant.nlu.evaluate import evaluate
from assistant.nlu.model import DEFAULT_REAL_PATH, DEFAULT_TRAIN_PATH, read_jsonl
from assistant.nlu.realeval import real_wording_evaluation


def _read_labelled(path: str) -> list[dict[str, Any]]:
    try:
        rows = read_jsonl(path)
    except (OSError, ValueError) as error:
        raise CommandError(str(error)) from error
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or "text" not in row:
            raise CommandError(f'{path}:{number}: each line needs "text" and "intent"')
        if "intent" not in row and not row.get("accept"):
            raise CommandError(f'{path}:{number}: each line needs "text" and "intent"')
    if not rows:
        raise CommandError(f"{path}: no messages")
    return rows


class Command(BaseCommand):
    help = (
        'Evaluate the intent model on FILE (JSON Lines with "text" and "intent" or "accept"), '
        "or with --real on a fixed split of the real merchant questions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument("--threshold", type=float, help="Clarify threshold to evaluate.")
        parser.add_argument(
            "--real",
            action="store_true",
            help="Train on the team file + development split, score the real test split.",
        )
        parser.add_argument("--real-file", default=str(DEFAULT_REAL_PATH))
        parser.add_argument("--train", default=str(DEFAULT_TRAIN_PATH))

    def handle(self, *args: Any, file: str | None, **options: Any) -> None:
        if options["real"]:
            result = real_wording_evaluation(
                _read_labelled(options["train"]),
                _read_labelled(options["real_file"]),
                threshold=options.get("threshold"),
            )
        elif file:
            result = evaluate(get_model(), _read_labelled(file), threshold=options.get("threshold"))
        else:
            raise CommandError("give a FILE to evaluate, or --real")
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self._write_summary(result)

    def _write_summary(self, result: dict[str, Any]) -> None:
        if "method" in result:
            method = result["method"]
            self.stdout.write(
                f"method: {method['kind']}, {method['test_questions']} test questions from "
                f"{method['test_pages']} pages; threshold {method['threshold']} "
                f"({method['threshold_chosen_by']})"
            )
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
