"""Intent classifier: text features, the linear model, predictions and the decision policy.

The method was chosen by measurement on assistant/data/eval.jsonl (see
``bench/bench_assistant_nlu.py --compare``): TF-IDF character n-grams with a linear model.
Everything here is CPU-only and deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from .entities import extract_entities
from .lexicon import canonical_terms
from .normalize import normalize

Action = Literal["answer", "clarify", "handoff"]

# Intents a person must handle whatever the confidence: the merchant asked for one or complains.
# ("other" is answered: the assistant says the question is outside what it and the service
# center do and where to ask instead; it opens no ticket.)
HANDOFF_INTENTS = frozenset({"human_agent", "complaint"})

# Below this margin (the likeliest intent's probability minus the runner-up's) the assistant asks
# which of the two likeliest topics was meant. The margin ranks right and wrong answers better
# than the top probability alone. Chosen by `manage.py assistant_eval --real` (realeval.py,
# ``shipped_threshold``): the lowest margin (0.10–0.60 in steps of 0.05) whose answer precision
# is ≥ 95 % over the out-of-fold predictions of page-grouped 5-fold cross-validation on every
# real question (with the static-vector voter 0.30: containment 0.62, precision 0.952 there;
# 0.25 gives 0.66 / 0.948. Without the voter it was 0.35: 0.61 / 0.954). Lower values answer
# more, wrongly more often.
DEFAULT_CLARIFY_THRESHOLD = 0.30

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
# POS and acquirer words jieba would otherwise cut apart (签购单, 跳码, 结算款 ...).
USER_DICTIONARY = Path(__file__).resolve().parent.parent / "data" / "jieba_userdict.txt"


@dataclass(frozen=True)
class ClassifierConfig:
    """One candidate method; the winner is ``DEFAULT_CONFIG``."""

    name: str = "char1-3/logreg"
    char_ngrams: tuple[int, int] = (1, 3)
    use_words: bool = False
    use_entity_markers: bool = False
    use_lexicon: bool = False
    use_rules: bool = False
    estimator: Literal["logreg", "svm", "logreg+cnb"] = "logreg"
    regularization_c: float = 100.0
    class_weight: Literal["balanced"] | None = None
    # How many team-written rows one real question counts for (None: model.REAL_WEIGHT).
    real_weight: float | None = None
    # Character n-grams inside word boundaries (char_wb), e.g. (2, 5): English words and their
    # stems/inflections ("deposit", "deposits", "deposited") share most of these.
    char_wb_ngrams: tuple[int, int] | None = None
    # A token for the message's length (short / long / a whole post): long posts are rarely
    # the same kind of question as a short message with the same words.
    use_length_marker: bool = False
    # English words cut to a crude stem ("deposits", "deposited" → "deposit") in the word part.
    stem_english: bool = False
    # The weight of the static-vector voter (static_vectors.StaticClassifier) in the soft vote
    # beside the n-gram models; 0: no such voter. Its regression's C.
    static_weight: float = 0.0
    static_c: float = 1.0


# Chosen by page-grouped cross-validation on the development part of the real questions
# (assistant/nlu/realeval.py): the lexicon took accuracy from 0.69 to 0.78, jieba words and the
# real rows' weight a little more; C=30 gave the same accuracy as C=100 with more precision;
# balanced class weights 0.818 → 0.825 (the real questions' rare intents stop losing to the
# frequent ones); English word n-grams beside jieba lowered it (0.802) and were left out.
# The static-vector voter (64 dims, C 0.1, weight 0.25) by the nested score of the real-wording
# k-fold among 24 variants (bench/nlu_static_cv.py): containment 0.558 → 0.617 at the same
# answer precision (assistant/nlu/README.md, sixth round).
DEFAULT_CONFIG = ClassifierConfig(
    name="char1-3+jieba+lexicon+rules/logreg+cnb-balanced+static64",
    use_words=True,
    use_lexicon=True,
    use_rules=True,
    estimator="logreg+cnb",
    regularization_c=30.0,
    class_weight="balanced",
    static_weight=0.25,
    static_c=0.1,
)


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


def lexicon_text(text: str) -> str:
    """The normalised message followed by the canonical terms of the domain lexicon."""
    normalized = normalize(text)
    terms = canonical_terms(normalized)
    return f"{_DIGITS.sub('0', normalized)} | {' '.join(terms)}" if terms else plain_text(text)


def length_marker(text: str) -> str:
    """㊁短 / ㊁中 / ㊁长: under 12 characters, up to 80, longer (a post rather than a question)."""
    size = len(text.strip())
    return "㊁短" if size < 12 else "㊁中" if size <= 80 else "㊁长"


@lru_cache(maxsize=1)
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    jieba.load_userdict(str(USER_DICTIONARY))
    return jieba


def word_tokens(text: str) -> list[str]:
    """jieba words (search-engine mode keeps sub-words, which helps with unseen compounds).

    The n-gram scorer's word part and the static-vector voter both read the words of the same
    prepared message: the last few messages' words are kept, so jieba cuts each message once."""
    return list(_cut(text))


@lru_cache(maxsize=256)
def _cut(text: str) -> tuple[str, ...]:
    jieba = _jieba()
    return tuple(token for token in jieba.lcut_for_search(text) if token.strip())  # type: ignore[attr-defined]


_ENGLISH_WORD = re.compile(r"[a-z]{4,}")
_SUFFIXES = ("ing", "ed", "es", "s")


def english_stem(word: str) -> str:
    """A crude English stem: one of -ing/-ed/-es/-s off a word of five letters or more."""
    if not _ENGLISH_WORD.fullmatch(word) or word.endswith("ss"):
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def stemmed_word_tokens(text: str) -> list[str]:
    return [english_stem(token) for token in word_tokens(text)]


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
    if config.char_wb_ngrams:
        features.append(
            (
                "wordchars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=config.char_wb_ngrams,
                    sublinear_tf=True,
                    dtype=np.float32,
                ),
            )
        )
    if config.use_words:
        features.append(
            (
                "words",
                TfidfVectorizer(
                    analyzer=stemmed_word_tokens if config.stem_english else word_tokens,
                    sublinear_tf=True,
                    dtype=np.float32,
                ),
            )
        )
    if config.estimator == "logreg+cnb":
        return Pipeline(
            [
                ("features", FeatureUnion(features)),
                (
                    "estimator",
                    SoftVote(
                        regularization_c=config.regularization_c, class_weight=config.class_weight
                    ),
                ),
            ]
        )
    if config.estimator == "logreg":
        estimator: LogisticRegression | CalibratedClassifierCV = LogisticRegression(
            C=config.regularization_c,
            max_iter=3000,
            random_state=0,
            class_weight=config.class_weight,
        )
    else:
        estimator = CalibratedClassifierCV(
            LinearSVC(C=config.regularization_c / 20, random_state=0), method="sigmoid", cv=5
        )
    return Pipeline([("features", FeatureUnion(features)), ("estimator", estimator)])


class SoftVote(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """The average of a logistic regression's and a complement naive Bayes' probabilities.

    The two make different mistakes on unseen wording (naive Bayes leans on single strong
    n-grams, the regression on their combination), and where they disagree the margin shrinks,
    so the assistant asks rather than answers. Measured by page-grouped cross-validation on the
    development part of the real questions (bench/nlu_cv.py): at the same containment, fewer
    wrong answers than the regression alone (README "Smart assistant").
    """

    def __init__(
        self,
        regularization_c: float = 30.0,
        class_weight: str | None = None,
        nb_alpha: float = 0.1,
        nb_weight: float = 0.5,
    ) -> None:
        self.regularization_c = regularization_c
        self.class_weight = class_weight
        self.nb_alpha = nb_alpha
        self.nb_weight = nb_weight

    def fit(self, X: object, y: object, sample_weight: object = None) -> SoftVote:
        self.logreg_ = LogisticRegression(
            C=self.regularization_c, max_iter=3000, random_state=0, class_weight=self.class_weight
        ).fit(X, y, sample_weight=sample_weight)
        self.nb_ = ComplementNB(alpha=self.nb_alpha).fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.logreg_.classes_
        return self

    def predict_proba(self, X: object) -> np.ndarray:
        return np.asarray(
            (1.0 - self.nb_weight) * self.logreg_.predict_proba(X)
            + self.nb_weight * self.nb_.predict_proba(X)
        )

    def predict(self, X: object) -> np.ndarray:
        return np.asarray(self.classes_[np.argmax(self.predict_proba(X), axis=1)])


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


def margin(prediction: Prediction) -> float:
    """How far the likeliest intent is ahead of the runner-up (0 = a tie, 1 = no contest)."""
    runner_up = prediction.alternatives[0][1] if prediction.alternatives else 0.0
    return prediction.confidence - runner_up


def decide(prediction: Prediction, threshold: float = DEFAULT_CLARIFY_THRESHOLD) -> Action:
    """answer / clarify / handoff: people for people-intents, a question when unsure.

    Unsure (a margin below the threshold) comes first: a message read as a complaint with
    25 % confidence is asked about, not turned into a ticket."""
    if margin(prediction) < threshold:
        return "clarify"
    if prediction.intent in HANDOFF_INTENTS:
        return "handoff"
    return "answer"
