"""Intent classifier: text features, the linear model, predictions and the decision policy.

The method was chosen by measurement on assistant/data/eval.jsonl (see
``bench/bench_assistant_nlu.py --compare``): TF-IDF character n-grams with a linear model.
Everything here is CPU-only and deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from .entities import extract_entities
from .normalize import normalize

Action = Literal["answer", "clarify", "handoff"]

# Intents a person must handle whatever the confidence: the merchant asked for one, complains,
# or wants something the assistant does not do.
HANDOFF_INTENTS = frozenset({"human_agent", "complaint", "other"})

# Below this confidence the assistant asks which of the two likeliest topics was meant.
# Chosen by the sweep in bench/bench_assistant_nlu.py: the lowest threshold (0.20–0.80 in
# steps of 0.05) whose answer precision on the evaluation set is ≥ 95%. Lower values answer
# more but wrongly more often (0.45: precision < 95%); higher ones send ever more merchants
# to a clarifying question for little gain in precision.
DEFAULT_CLARIFY_THRESHOLD = 0.5

# Entity kinds that say something about the intent (a response code points to a coded
# failure, a phone number to a caller check...). They become marker tokens for the model.
_ENTITY_MARKERS = {
    "response_codes": "㊀码",
    "amounts_fen": "㊀额",
    "datetimes": "㊀时",
    "phones": "㊀电",
    "rrn": "㊀参",
    "trace_no": "㊀参",
    "verification_codes": "㊀验",
    "ticket_no": "㊀单",
    "card_numbers": "㊀卡",
    "rates": "㊀率",
}
_DIGITS = re.compile(r"\d")


@dataclass(frozen=True)
class ClassifierConfig:
    """One candidate method; the winner is ``DEFAULT_CONFIG``."""

    name: str = "char1-3/logreg"
    char_ngrams: tuple[int, int] = (1, 3)
    use_words: bool = False
    use_entity_markers: bool = False
    estimator: Literal["logreg", "svm"] = "logreg"
    regularization_c: float = 100.0


DEFAULT_CONFIG = ClassifierConfig()


@dataclass(frozen=True)
class Prediction:
    intent: str
    confidence: float
    # The likeliest intents after the top one, best first: [(intent, probability), ...].
    alternatives: list[tuple[str, float]] = field(default_factory=list)


def classifier_text(text: str) -> str:
    """What the model reads: normalised text, digits folded, entity markers appended.

    Folding digits makes "显示51" and "显示96" the same evidence; the markers tell the model
    that the extractor found, say, a response code, which a 2-character n-gram cannot know.
    """
    normalized = normalize(text)
    markers = sorted(
        {_ENTITY_MARKERS[kind] for kind in extract_entities(text) if kind in _ENTITY_MARKERS}
    )
    folded = _DIGITS.sub("0", normalized)
    return f"{folded} {' '.join(markers)}".strip()


def plain_text(text: str) -> str:
    return _DIGITS.sub("0", normalize(text))


@lru_cache(maxsize=1)
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


def word_tokens(text: str) -> list[str]:
    """jieba words (search-engine mode keeps sub-words, which helps with unseen compounds)."""
    jieba = _jieba()
    return [token for token in jieba.lcut_for_search(text) if token.strip()]  # type: ignore[attr-defined]


def make_pipeline(config: ClassifierConfig) -> Pipeline:
    features: list[tuple[str, TfidfVectorizer]] = [
        (
            "chars",
            TfidfVectorizer(
                analyzer="char",
                ngram_range=config.char_ngrams,
                sublinear_tf=True,
                min_df=1,
                dtype=np.float32,
            ),
        ),
    ]
    if config.use_words:
        features.append(
            ("words", TfidfVectorizer(analyzer=word_tokens, sublinear_tf=True, dtype=np.float32))
        )
    if config.estimator == "logreg":
        estimator: LogisticRegression | CalibratedClassifierCV = LogisticRegression(
            C=config.regularization_c, max_iter=3000, random_state=0
        )
    else:
        estimator = CalibratedClassifierCV(
            LinearSVC(C=config.regularization_c / 20, random_state=0), method="sigmoid", cv=5
        )
    return Pipeline([("features", FeatureUnion(features)), ("estimator", estimator)])


def top_predictions(
    probabilities: np.ndarray, labels: list[str], count: int = 3
) -> list[Prediction]:
    """Turn a (messages × intents) probability matrix into Predictions with alternatives."""
    order = np.argsort(-probabilities, axis=1, kind="stable")[:, :count]
    predictions = []
    for row, ranked in zip(probabilities, order, strict=True):
        best, *rest = ranked
        predictions.append(
            Prediction(
                intent=labels[best],
                confidence=float(row[best]),
                alternatives=[(labels[index], float(row[index])) for index in rest],
            )
        )
    return predictions


def decide(prediction: Prediction, threshold: float = DEFAULT_CLARIFY_THRESHOLD) -> Action:
    """answer / clarify / handoff: people for people-intents, a question when unsure."""
    if prediction.intent in HANDOFF_INTENTS:
        return "handoff"
    if prediction.confidence < threshold:
        return "clarify"
    return "answer"
