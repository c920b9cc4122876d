"""Benchmark of the assistant's language understanding (pure Python, no Django).

    python bench/bench_assistant_nlu.py            # default model: build time, latency, RSS, eval
    python bench/bench_assistant_nlu.py --compare  # also the candidate methods and threshold sweep

Latency is measured per message (no batching) with the process pinned to one core. Memory is
the peak resident set size (VmHWM) of a fresh process that only loads the model and
answers the evaluation messages (what a web worker pays), and of this whole bench process.
Writes bench/results/assistant_nlu.json and prints it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from assistant.nlu.classifier import ClassifierConfig  # noqa: E402
from assistant.nlu.evaluate import evaluate, peak_rss_mb, threshold_sweep  # noqa: E402
from assistant.nlu.model import (  # noqa: E402
    DEFAULT_EVAL_PATH,
    DEFAULT_REAL_PATH,
    DEFAULT_TRAIN_PATH,
    Model,
    build_model,
    read_jsonl,
)

RESULTS_PATH = REPO_ROOT / "bench" / "results" / "assistant_nlu.json"
SWEEP = [round(0.20 + 0.05 * step, 2) for step in range(13)]  # 0.20 … 0.80
PRECISION_FLOOR = 0.95

Estimator = Literal["logreg", "svm"]
_CANDIDATE_GRID: list[tuple[str, tuple[int, int], bool, bool, Estimator]] = [
    ("char1-3/logreg", (1, 3), False, False, "logreg"),
    ("char1-3+markers/logreg", (1, 3), False, True, "logreg"),
    ("char1-3+jieba/logreg", (1, 3), True, False, "logreg"),
    ("char1-3+jieba+markers/logreg", (1, 3), True, True, "logreg"),
    ("char1-3/svm-calibrated", (1, 3), False, False, "svm"),
    ("char1-3+jieba/svm-calibrated", (1, 3), True, False, "svm"),
    ("char1-3+jieba+markers/svm-calibrated", (1, 3), True, True, "svm"),
    ("char2-4/svm-calibrated", (2, 4), False, False, "svm"),
]
CANDIDATES = [
    ClassifierConfig(
        name=name,
        char_ngrams=ngrams,
        use_words=words,
        use_entity_markers=markers,
        estimator=estimator,
        regularization_c=100 if estimator == "logreg" else 40,
    )
    for name, ngrams, words, markers, estimator in _CANDIDATE_GRID
]


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
        return "core 0"
    return "not pinned (no sched_setaffinity)"


def serving_process_rss_mb(model_path: Path) -> float:
    """Peak RSS of a fresh process that only loads the model and answers the eval messages.

    That is what a web or worker process pays; this benchmark process also trained a model.
    """
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from assistant.nlu import understand;"
        "from assistant.nlu.model import Model, read_jsonl, DEFAULT_EVAL_PATH;"
        "from assistant.nlu.evaluate import peak_rss_mb;"
        "model = Model.load(sys.argv[2]);"
        "[understand(row['text'], model=model) for row in read_jsonl(DEFAULT_EVAL_PATH)];"
        "print(peak_rss_mb())"
    )
    output = subprocess.run(
        [sys.executable, "-c", script, str(REPO_ROOT), str(model_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(output.stdout.strip().splitlines()[-1])


def timings_words_cut_twice(model: Model, texts: list[str]) -> dict[str, dict[str, float]]:
    from assistant.nlu import classifier

    shared = classifier._cut
    classifier._cut = shared.__wrapped__  # type: ignore[assignment]
    try:
        return understand_timings(model, texts)
    finally:
        classifier._cut = shared


def understand_timings(model: Model, texts: list[str]) -> dict[str, dict[str, float]]:
    """A whole ``understand()`` per message (normalising, lexicon, jieba, entities, rules):
    wall clock, and CPU time of this thread, which leaves out the time spent waiting for a
    core on a loaded machine."""
    import numpy as np

    from assistant.nlu import understand

    understand("预热", model=model)
    wall, cpu = [], []
    for text in texts:
        started_wall, started_cpu = time.perf_counter(), time.thread_time()
        understand(text, model=model)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started_wall) * 1000)
    return {
        name: {
            "p50": round(float(np.percentile(values, 50)), 3),
            "p99": round(float(np.percentile(values, 99)), 3),
            "max": round(max(values), 3),
        }
        for name, values in (("wall", wall), ("cpu", cpu))
    }


def best_threshold(sweep: list[dict[str, float]]) -> dict[str, float] | None:
    """The lowest threshold (most containment) whose answer precision clears the floor."""
    passing = [row for row in sweep if row["answer_precision"] >= PRECISION_FLOOR]
    return (
        max(passing, key=lambda row: (row["containment"], -row["threshold"])) if passing else None
    )


def compare_candidates(eval_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    results = []
    for config in CANDIDATES:
        started = time.perf_counter()
        model = build_model(DEFAULT_TRAIN_PATH, config)
        build_seconds = time.perf_counter() - started
        scores = evaluate(model, eval_rows, measure_latency=False)
        sweep = threshold_sweep(model, eval_rows, SWEEP)
        results.append(
            {
                "method": config.name,
                "build_seconds": round(build_seconds, 2),
                "accuracy": scores["accuracy"],
                "macro_f1": scores["macro_f1"],
                "best_threshold": best_threshold(sweep),
            }
        )
        print(json.dumps(results[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    return results


def split_half_check(model: Model, eval_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Choose the threshold on one half of the eval set, report it on the other half.

    The threshold is tuned on the evaluation set, so its figures are optimistic; this shows
    how much they move on messages the choice did not see.
    """
    halves = [eval_rows[0::2], eval_rows[1::2]]
    checks = []
    for tune, test in (halves, halves[::-1]):
        chosen = best_threshold(threshold_sweep(model, tune, SWEEP))
        if chosen is None:
            continue
        held_out = threshold_sweep(model, test, [chosen["threshold"]])[0]
        checks.append({"tuned_threshold": chosen["threshold"], "held_out": held_out})
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compare", action="store_true", help="also compare candidate methods")
    args = parser.parse_args()

    pinned = pin_to_one_core()
    eval_rows = read_jsonl(DEFAULT_EVAL_PATH)

    started = time.perf_counter()
    built = build_model(DEFAULT_TRAIN_PATH)
    build_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "model.joblib"
        built.save(path)
        model_bytes = path.stat().st_size
        started = time.perf_counter()
        model = Model.load(path)
        load_seconds = time.perf_counter() - started
        serving_rss = serving_process_rss_mb(path)
    model.predict("预热")  # first call loads jieba's dictionary when word features are on

    scores = evaluate(model, eval_rows)
    # Latency on the real questions too: they are longer than the team's messages.
    real_rows = read_jsonl(DEFAULT_REAL_PATH)
    messages = [str(row["text"]) for row in [*eval_rows, *real_rows]]
    real_latency = evaluate(model, real_rows)["latency_ms"]
    result: dict[str, Any] = {
        "method": model.config.name,
        "clarify_threshold": model.clarify_threshold,
        "train_rows": len(read_jsonl(DEFAULT_TRAIN_PATH)),
        "real_rows": len(real_rows),
        "eval_rows": len(eval_rows),
        "build_seconds": round(build_seconds, 2),
        "load_seconds": round(load_seconds, 3),
        "model_file_mb": round(model_bytes / 1024 / 1024, 2),
        "serving_process_peak_rss_mb": serving_rss,
        "cpu": pinned,
        "python": platform.python_version(),
        "eval": scores,
        "real_questions_latency_ms": real_latency,
        "understand_ms": understand_timings(model, messages),
        # The same, with jieba cutting each message again for the static-vector voter (as
        # before the words were shared), measured right after: the sharing's effect at one load.
        "understand_ms_words_cut_twice": timings_words_cut_twice(model, messages),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "threshold_sweep": threshold_sweep(model, eval_rows, SWEEP),
        "threshold_split_half_check": split_half_check(model, eval_rows),
        "goals": {
            "latency_p99_ms": 20,
            "rss_mb": 300,
            "accuracy": 0.90,
            "containment": 0.75,
            "answer_precision": PRECISION_FLOOR,
        },
    }
    if args.compare:
        result["candidates"] = compare_candidates(eval_rows)
    result["bench_process_peak_rss_mb"] = peak_rss_mb()

    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
