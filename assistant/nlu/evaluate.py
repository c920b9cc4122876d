"""Evaluation of a model on labelled messages: accuracy, per-intent scores, containment, speed.

``manage.py assistant_eval FILE --json`` prints the dict returned by ``evaluate``.
"""

from __future__ import annotations

import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support

from .classifier import Prediction, decide
from .model import Model, accepted_intents, row_intent


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MB.

    Linux: VmHWM from /proc/self/status (ru_maxrss would carry over the parent's peak across
    fork + exec, which misreports a freshly started worker). Elsewhere: getrusage's ru_maxrss
    (KiB on Linux, bytes on macOS).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _latencies_ms(model: Model, texts: Sequence[str]) -> list[float]:
    """Time each message alone, as the chat sees it (no batching), after one warm-up call."""
    model.predict("预热")
    timings = []
    for text in texts:
        started = time.perf_counter()
        model.predict(text)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def answer_metrics(correct: Sequence[bool], actions: Sequence[str]) -> dict[str, float]:
    """Containment (share answered) and answer precision (share of answers that were right)."""
    answered = [ok for ok, action in zip(correct, actions, strict=True) if action == "answer"]
    return {
        "containment": round(len(answered) / len(correct), 4) if correct else 0.0,
        "answer_precision": round(sum(answered) / len(answered), 4) if answered else 0.0,
    }


def _correct(rows: Sequence[dict[str, Any]], predicted: Sequence[str]) -> list[bool]:
    return [p in accepted_intents(row) for row, p in zip(rows, predicted, strict=True)]


def evaluate(
    model: Model,
    rows: Sequence[dict[str, Any]],
    *,
    threshold: float | None = None,
    measure_latency: bool = True,
) -> dict[str, Any]:
    """Scores for ``rows`` (``{"text", "intent"}``, or real questions with ``accept``: any
    accepted intent counts as right; per-intent scores use the primary one)."""
    texts = [str(row["text"]) for row in rows]
    gold = [row_intent(row) for row in rows]
    threshold = model.clarify_threshold if threshold is None else threshold
    predictions = model.predict_many(texts)
    predicted = [prediction.intent for prediction in predictions]
    actions = [decide(prediction, threshold) for prediction in predictions]
    correct = _correct(rows, predicted)

    labels = sorted(set(gold) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0
    )
    confused = Counter((g, p) for g, p, ok in zip(gold, predicted, correct, strict=True) if not ok)
    result: dict[str, Any] = {
        "messages": len(rows),
        "accuracy": round(sum(correct) / len(correct), 4) if correct else 0.0,
        "macro_f1": round(
            float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)), 4
        ),
        "clarify_threshold": threshold,
        **answer_metrics(correct, actions),
        "actions": dict(sorted(Counter(actions).items())),
        "per_intent": {
            label: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        "most_confused": [
            {"gold": g, "predicted": p, "count": count}
            for (g, p), count in sorted(confused.items(), key=lambda item: (-item[1], item[0]))[:10]
        ],
    }
    if measure_latency:
        timings = _latencies_ms(model, texts)
        result["latency_ms"] = {
            "p50": round(float(np.percentile(timings, 50)), 3),
            "p99": round(float(np.percentile(timings, 99)), 3),
            "max": round(max(timings), 3) if timings else 0.0,
        }
    result["peak_rss_mb"] = peak_rss_mb()
    result["peak_memory_method"] = "VmHWM (peak resident set size) of the whole process"
    return result


def threshold_sweep(
    model: Model, rows: Sequence[dict[str, Any]], thresholds: Sequence[float]
) -> list[dict[str, float]]:
    """Containment and answer precision for each candidate clarify threshold."""
    predictions = model.predict_many([str(row["text"]) for row in rows])
    return sweep_predictions(rows, predictions, thresholds)


def sweep_predictions(
    rows: Sequence[dict[str, Any]], predictions: Sequence[Prediction], thresholds: Sequence[float]
) -> list[dict[str, float]]:
    correct = _correct(rows, [prediction.intent for prediction in predictions])
    sweep = []
    for threshold in thresholds:
        actions = [decide(prediction, threshold) for prediction in predictions]
        sweep.append({"threshold": threshold, **answer_metrics(correct, actions)})
    return sweep
