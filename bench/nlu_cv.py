"""Development-part cross-validation of the intent model on the real questions (experiments).

    python bench/nlu_cv.py [--config NAME] [--errors FILE] [--with-wild]

Same split and folds as assistant/nlu/realeval.py (page-grouped, the test part never read);
prints accuracy, containment and answer precision at each margin threshold, overall and per
language. Used to choose methods; never scores the test part.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from assistant.nlu import classifier  # noqa: E402
from assistant.nlu.classifier import decide, margin  # noqa: E402
from assistant.nlu.model import (  # noqa: E402
    DEFAULT_REAL_PATH,
    DEFAULT_TRAIN_PATH,
    accepted_intents,
    fit_model,
    read_jsonl,
)
from assistant.nlu.phrases import load_phrases  # noqa: E402
from assistant.nlu.realeval import CV_FOLDS, TEST_BUCKETS, page_hash, split_by_page  # noqa: E402


def _variant(name: str, **changes: object) -> classifier.ClassifierConfig:
    return replace(classifier.DEFAULT_CONFIG, name=name, **changes)  # type: ignore[arg-type]


# What was compared (README "Smart assistant", assistant/nlu/README.md): the default and one
# change at a time.
CANDIDATES = {
    "default": classifier.DEFAULT_CONFIG,
    "logreg": _variant("logreg alone", estimator="logreg"),
    "w6-logreg": _variant("logreg, real rows weighted 6", estimator="logreg", real_weight=6.0),
    "wb2-5-logreg": _variant("logreg + char_wb 2-5", estimator="logreg", char_wb_ngrams=(2, 5)),
    "len-logreg": _variant("logreg + length marker", estimator="logreg", use_length_marker=True),
    "stem-en": _variant("default + crude English stems in the word part", stem_english=True),
}


def cv_predictions(config, with_wild=False):
    team = read_jsonl(DEFAULT_TRAIN_PATH)
    if not with_wild:
        wild = {t for p in load_phrases().values() for t in p.wild}
        team = [r for r in team if r["text"] not in wild]
    development, _test = split_by_page(read_jsonl(DEFAULT_REAL_PATH))
    fold_of = [(page_hash(row) // TEST_BUCKETS) % CV_FOLDS for row in development]
    rows, preds = [], []
    for fold in range(CV_FOLDS):
        train = [r for r, f in zip(development, fold_of, strict=True) if f != fold]
        held = [r for r, f in zip(development, fold_of, strict=True) if f == fold]
        model = fit_model(team, train, config)
        preds += model.predict_many([r["text"] for r in held])
        rows += held
    return rows, preds


def scores(rows, preds, threshold):
    ok = [p.intent in accepted_intents(r) for r, p in zip(rows, preds, strict=True)]
    acts = [decide(p, threshold) for p in preds]
    ans = [o for o, a in zip(ok, acts, strict=True) if a == "answer"]
    return {
        "n": len(rows),
        "acc": round(sum(ok) / len(ok), 3),
        "cont": round(len(ans) / len(ok), 3),
        "prec": round(sum(ans) / len(ans), 3) if ans else 0,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="default", choices=sorted(CANDIDATES))
    parser.add_argument("--errors")
    parser.add_argument("--with-wild", action="store_true")
    args = parser.parse_args()
    config = CANDIDATES[args.config]
    started = time.perf_counter()
    rows, preds = cv_predictions(config, args.with_wild)
    print(config.name, f"{time.perf_counter() - started:.0f}s")
    for t in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
        line = {"t": t, **scores(rows, preds, t)}
        for lang in ("zh", "en"):
            sel = [i for i, r in enumerate(rows) if r["lang"] == lang]
            line[lang] = scores([rows[i] for i in sel], [preds[i] for i in sel], t)
        print(json.dumps(line))
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as out:
            for r, p in zip(rows, preds, strict=True):
                out.write(
                    json.dumps(
                        {
                            "ok": p.intent in accepted_intents(r),
                            "m": round(margin(p), 2),
                            "pred": p.intent,
                            "alt": [a for a, _ in p.alternatives[:2]],
                            "accept": r["accept"],
                            "lang": r["lang"],
                            "kind": r.get("source_kind"),
                            "text": r["text"],
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )


if __name__ == "__main__":
    main()
