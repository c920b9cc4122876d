"""The fitted intent model's arithmetic without scikit-learn's per-call overhead.

For one message, ``Pipeline.predict_proba`` spends most of its time validating input and
building sparse matrices (about ten times the arithmetic). ``FastScorer`` takes the fitted
vectorizers' analyzers, vocabularies and IDF weights and the logistic regression's
coefficients once, and computes the same probabilities with a dictionary look-up per n-gram
and one small dense product. ``assistant/tests/test_nlu_classifier.py`` checks it agrees with
the pipeline.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.pipeline import Pipeline


@dataclass(frozen=True)
class _Part:
    analyze: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    sublinear: bool
    offset: int


class FastScorer:
    """Probabilities of a fitted TF-IDF (FeatureUnion) + multinomial LogisticRegression."""

    def __init__(self, pipeline: Pipeline) -> None:
        union = pipeline.named_steps["features"]
        estimator = pipeline.named_steps["estimator"]
        # A soft vote (logistic regression + complement naive Bayes): both read the same
        # TF-IDF vector; the naive Bayes' joint log-likelihood is one more dense product.
        self._nb_log_prob: np.ndarray | None = None
        self._nb_weight = 0.0
        if hasattr(estimator, "logreg_") and hasattr(estimator, "nb_"):
            nb = estimator.nb_
            if list(nb.classes_) != list(estimator.logreg_.classes_) or len(nb.classes_) == 1:
                raise ValueError("unsupported soft vote for the fast scorer")
            self._nb_log_prob = np.asfortranarray(nb.feature_log_prob_, dtype=np.float64)
            self._nb_weight = float(estimator.nb_weight)
            estimator = estimator.logreg_
        if getattr(union, "transformer_weights", None) or len(estimator.classes_) <= 2:
            raise ValueError("unsupported pipeline for the fast scorer")
        parts, offset = [], 0
        for _name, vectorizer in union.transformer_list:
            if vectorizer.norm != "l2" or not vectorizer.use_idf:
                raise ValueError("unsupported vectorizer for the fast scorer")
            parts.append(
                _Part(
                    analyze=vectorizer.build_analyzer(),
                    vocabulary=dict(vectorizer.vocabulary_),
                    idf=np.asarray(vectorizer.idf_, dtype=np.float64),
                    sublinear=bool(vectorizer.sublinear_tf),
                    offset=offset,
                )
            )
            offset += len(vectorizer.vocabulary_)
        self._parts = tuple(parts)
        # Column-major: the columns of a message's few n-grams are read together.
        self._coef = np.asfortranarray(estimator.coef_, dtype=np.float64)
        self._intercept = np.asarray(estimator.intercept_, dtype=np.float64)

    def probabilities(self, text: str) -> np.ndarray:
        scores = self._intercept.copy()
        nb_scores = np.zeros_like(scores)
        for part in self._parts:
            counts = Counter(
                index
                for token in part.analyze(text)
                if (index := part.vocabulary.get(token)) is not None
            )
            if not counts:
                continue
            indices = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if part.sublinear:
                tf = np.log(tf) + 1.0
            weights = tf * part.idf[indices]
            weights /= np.sqrt(weights @ weights)
            scores += self._coef[:, indices + part.offset] @ weights
            if self._nb_log_prob is not None:
                nb_scores += self._nb_log_prob[:, indices + part.offset] @ weights
        probabilities = _softmax(scores)
        if self._nb_log_prob is None:
            return probabilities
        return (1.0 - self._nb_weight) * probabilities + self._nb_weight * _softmax(nb_scores)

    def probabilities_many(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self.probabilities(text) for text in texts])


def _softmax(scores: np.ndarray) -> np.ndarray:
    exp = np.exp(scores - scores.max())
    return np.asarray(exp / exp.sum())


def scorer_for(pipeline: Pipeline) -> FastScorer | None:
    """A FastScorer, or None when the pipeline is not of the supported shape (then the
    pipeline itself is used)."""
    try:
        return FastScorer(pipeline)
    except (ValueError, AttributeError, KeyError):
        return None
