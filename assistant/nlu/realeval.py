"""Evaluation on real wording: the real merchant questions, split once by source page.

The real questions (``assistant/data/real/real.jsonl``) are both training data and the measure,
so the measure must come from questions the model and every choice about it never saw:

* a **fixed split by source page**: pages whose SHA-1 falls in bucket 0 of 3 are the test part
  (about a third of the questions); all questions read from one page are on the same side, so
  near-identical titles of one page cannot leak across;
* the **clarify threshold** is chosen by 4-fold cross-validation (also grouped by page) on the
  development part only: the lowest threshold whose answer precision there is ≥ 95 %. The
  phrase files' ``wild`` lines are left out of that cross-validation's training: they were
  written from the development folds' errors, so they would carry a held-out fold's wording
  into its own training and make the threshold look safer than it is;
* the model that is scored is trained on the team-written file plus the development part, with
  that threshold, and is scored once on the test part. Lexicon, rules and phrase files were
  written looking at development errors only.

``manage.py assistant_eval --real --json`` prints the result with this method spelled out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from .classifier import DEFAULT_CONFIG, ClassifierConfig, Prediction
from .evaluate import evaluate, sweep_predictions
from .model import fit_model
from .phrases import load_phrases

TEST_BUCKETS = 3
CV_FOLDS = 4
PRECISION_FLOOR = 0.95
THRESHOLDS = [round(0.10 + 0.05 * step, 2) for step in range(11)]  # margins 0.10 … 0.60


def page_hash(row: dict[str, Any]) -> int:
    page = str(row.get("source", row["text"])).encode()
    return int(hashlib.sha1(page, usedforsecurity=False).hexdigest(), 16)


def split_by_page(
    rows: Sequence[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(development, test): every question of a page on the same side; deterministic."""
    development = [row for row in rows if page_hash(row) % TEST_BUCKETS != 0]
    test = [row for row in rows if page_hash(row) % TEST_BUCKETS == 0]
    return development, test


def choose_threshold(
    team_rows: Sequence[dict[str, Any]],
    development: Sequence[dict[str, Any]],
    config: ClassifierConfig = DEFAULT_CONFIG,
) -> tuple[float, list[dict[str, float]]]:
    """The lowest threshold with answer precision ≥ 95 % in page-grouped CV on ``development``."""
    fold_of = [(page_hash(row) // TEST_BUCKETS) % CV_FOLDS for row in development]
    wild = {text for phrases in load_phrases().values() for text in phrases.wild}
    team_rows = [row for row in team_rows if row["text"] not in wild]
    rows: list[dict[str, Any]] = []
    predictions: list[Prediction] = []
    for fold in range(CV_FOLDS):
        train = [row for row, f in zip(development, fold_of, strict=True) if f != fold]
        held = [row for row, f in zip(development, fold_of, strict=True) if f == fold]
        model = fit_model(team_rows, train, config)
        predictions += model.predict_many([str(row["text"]) for row in held])
        rows += held
    sweep = sweep_predictions(rows, predictions, THRESHOLDS)
    good = [point for point in sweep if point["answer_precision"] >= PRECISION_FLOOR]
    chosen = good[0] if good else sweep[-1]
    return float(chosen["threshold"]), sweep


def real_wording_evaluation(
    team_rows: Sequence[dict[str, Any]],
    real_rows: Sequence[dict[str, Any]],
    config: ClassifierConfig = DEFAULT_CONFIG,
    threshold: float | None = None,
) -> dict[str, Any]:
    """Scores on the test part of the real questions; see the module docstring."""
    development, test = split_by_page(real_rows)
    cv_sweep: list[dict[str, float]] = []
    if threshold is None:
        threshold, cv_sweep = choose_threshold(team_rows, development, config)
    model = fit_model(team_rows, development, config, clarify_threshold=threshold)
    result = evaluate(model, test)
    result["by_language"] = {
        language: {
            key: scores[key] for key in ("messages", "accuracy", "containment", "answer_precision")
        }
        for language in sorted({str(row.get("lang", "")) for row in test})
        for scores in [
            evaluate(
                model,
                [row for row in test if row.get("lang") == language],
                measure_latency=False,
            )
        ]
    }
    result["method"] = {
        "kind": "fixed split by source page",
        "test_questions": len(test),
        "test_pages": len({page_hash(row) for row in test}),
        "development_questions": len(development),
        "trained_on": "team-written train.jsonl + development part of real.jsonl",
        "threshold": threshold,
        "abstain_score": (
            "margin: the likeliest intent's probability minus the runner-up's; below the "
            "threshold the assistant asks (clarify) instead of answering"
        ),
        "threshold_chosen_by": (
            f"{CV_FOLDS}-fold page-grouped cross-validation on the development part (trained "
            f"without the phrase files' wild lines, written from those folds' errors): lowest "
            f"threshold with answer precision >= {PRECISION_FLOOR}"
            if cv_sweep
            else "given on the command line"
        ),
        "cv_sweep": cv_sweep,
        "config": config.name,
    }
    return result
