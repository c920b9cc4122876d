"""Static word vectors distilled from the sentence encoder, and their voter in the model."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from assistant.nlu import static_vectors
from assistant.nlu.classifier import DEFAULT_CONFIG, lexicon_text, word_tokens
from assistant.nlu.model import DEFAULT_REAL_PATH, DEFAULT_TRAIN_PATH, Model, read_jsonl
from assistant.nlu.realeval import without_wild


def _vector(text: str) -> np.ndarray:
    return static_vectors.load_table().vector(word_tokens(lexicon_text(text)))


def _cosine(first: str, second: str) -> float:
    return float(_vector(first) @ _vector(second))


def _team_tokens() -> set[str]:
    """The words of the team-written training lines the k-fold trains on (no ``wild`` lines)."""
    return {
        token
        for row in without_wild(read_jsonl(DEFAULT_TRAIN_PATH))
        for token in word_tokens(lexicon_text(str(row["text"])))
    }


# (a wording the team-written training data never uses, its canonical word, an unrelated one)
NEAR_PAIRS = [
    ("汇款", "转账", "打印"),
    ("钞票", "钱", "网络"),
    ("wage", "salary", "printer"),
]


@pytest.mark.parametrize(("unseen", "canonical", "unrelated"), NEAR_PAIRS)
def test_a_word_the_ngrams_never_saw_lies_near_its_canonical_word(
    unseen: str, canonical: str, unrelated: str
) -> None:
    assert unseen not in _team_tokens()
    assert _cosine(unseen, canonical) > _cosine(unseen, unrelated) + 0.1


def test_the_table_is_compact_and_covers_the_team_vocabulary() -> None:
    table = static_vectors.load_table()
    assert table.vectors.dtype == np.float16
    assert table.vectors.shape == (len(table.items), table.dims)
    assert static_vectors.TABLE_PATH.stat().st_size < 12 * 1024 * 1024
    known = [token for token in _team_tokens() if static_vectors.is_item(token)]
    assert all(token in table.index for token in known)


def test_an_unknown_word_falls_back_to_its_characters_and_nonsense_gives_zeros() -> None:
    table = static_vectors.load_table()
    assert "刷卡机坏" not in table.index
    assert table.rows(["刷卡机坏"]) == [table.index[c] for c in "刷卡机坏"]
    assert not _vector("qzxv ☃ ###").any()


def test_the_reduction_is_deterministic() -> None:
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(50, 12)).astype(np.float32)
    first = static_vectors.pca_reduce(matrix, 4)
    assert first.shape == (50, 4)
    assert np.array_equal(first, static_vectors.pca_reduce(matrix.copy(), 4))


def test_the_vocabulary_never_reads_the_real_questions() -> None:
    path = Path(static_vectors.__file__).resolve().parents[1] / "data" / "build_static_vectors.py"
    spec = importlib.util.spec_from_file_location("build_static_vectors", path)
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    team = {str(row["text"]) for row in read_jsonl(DEFAULT_TRAIN_PATH)}
    # (A few greetings — 你好啊, 转人工 — are both real questions and team-written lines.)
    real_only = {str(row["text"]) for row in read_jsonl(DEFAULT_REAL_PATH)} - team
    assert not real_only & set(build.team_texts())


def test_the_shipped_model_votes_with_the_static_vectors(nlu_model: Model, tmp_path) -> None:
    assert DEFAULT_CONFIG.static_weight > 0
    assert nlu_model.static is not None
    texts = ["汇款没收到", "my wage deposit is late", "qzxv ☃ ###", ""]
    path = tmp_path / "model.joblib"
    nlu_model.save(path)
    loaded = Model.load(path)
    assert loaded.predict_many(texts) == nlu_model.predict_many(texts)
    probabilities = loaded.probabilities([loaded._input(text) for text in texts])
    assert np.all(np.isfinite(probabilities))
    assert np.allclose(probabilities.sum(axis=1), 1.0)
