"""Scores of the intent model: accuracy, macro-F1, per-intent precision and recall, most confused
pairs, containment, answer precision, latency and peak memory.

``assistant_eval FILE`` scores the current model on a labelled file (e.g. the team-written
eval.jsonl). ``assistant_eval --real`` is the measure that counts, on the real merchant
questions (see assistant/nlu/realeval.py): the headline is page-grouped k-fold
cross-validation over all of them with the threshold chosen by nested cross-validation (mean
over the folds); beside it (``fixed_split``) the fixed split by source page, its threshold
chosen by cross-validation on the development part. Each reports its method with the figures.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assistant.nlu import get_model
from assistant.nlu.evaluate import evaluate
from assistant.nlu.model import DEFAULT_REAL_PATH, DEFAULT_TRAIN_PATH, read_jsonl
from assistant.nlu.realeval import kfold_evaluation, real_wording_evaluation


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
            help="Score on the real questions: k-fold (nested threshold) and the fixed split.",
        )
        parser.add_argument(
            "--method",
            choices=["both", "kfold", "split"],
            default="both",
            help="With --real: k-fold over every real question, the fixed split, or both.",
        )
        parser.add_argument("--real-file", default=str(DEFAULT_REAL_PATH))
        parser.add_argument("--train", default=str(DEFAULT_TRAIN_PATH))

    def handle(self, *args: Any, file: str | None, **options: Any) -> None:
        if options["real"]:
            result = self._real(options)
        elif file:
            result = evaluate(get_model(), _read_labelled(file), threshold=options.get("threshold"))
        else:
            raise CommandError("give a FILE to evaluate, or --real")
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self._write_summary(result)

    def _real(self, options: dict[str, Any]) -> dict[str, Any]:
        team = _read_labelled(options["train"])
        real = _read_labelled(options["real_file"])
        method = options["method"]
        split = None
        if method in ("both", "split"):
            split = real_wording_evaluation(team, real, threshold=options.get("threshold"))
            if method == "split":
                return split
        kfold = kfold_evaluation(team, real)
        result = {**kfold["mean_over_folds"], **kfold}
        if split is not None:
            result["fixed_split"] = split
        return result

    def _write_summary(self, result: dict[str, Any]) -> None:
        if "folds" in result:
            method = result["method"]
            self.stdout.write(
                f"method: {method['kind']} ({method['questions']} questions, "
                f"{method['pages']} pages); {method['threshold_chosen_by']}"
            )
            for name in ("pooled", "test_part_questions_only"):
                scores = result[name]
                self.stdout.write(
                    f"{name}: {scores['messages']} messages  accuracy {scores['accuracy']:.1%}  "
                    f"containment {scores['containment']:.1%}  answer precision "
                    f"{scores['answer_precision']:.1%}"
                )
            self.stdout.write(
                f"mean over folds: accuracy {result['accuracy']:.1%}  containment "
                f"{result['containment']:.1%}  answer precision {result['answer_precision']:.1%}"
            )
            if "fixed_split" not in result:
                return
            self.stdout.write("fixed split:")
            result = result["fixed_split"]
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
