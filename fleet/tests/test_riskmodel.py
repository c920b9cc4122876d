"""The failure model without a database: fit, evaluate against oldest-first, explain, save."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from fleet import riskmodel
from fleet.features import NAMES, DayReading, features

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def _rows(rng: random.Random, count: int) -> tuple[list, list, list]:
    """Terminals of random age; a third have a reader fault developing (and fail)."""
    rows, labels, ages = [], [], []
    for n in range(count):
        failing = n % 3 == 0
        age = rng.randint(60, 1800)
        days = [
            DayReading((8 if failing and day >= 14 else 0) + rng.randint(0, 1), 0, 50, False)
            for day in range(28)
        ]
        rows.append(features(age, 0.05, age, age * 80, days, 0))
        labels.append(int(failing))
        ages.append(age)
    return rows, labels, ages


@pytest.fixture(scope="module")
def bundle():
    rows, labels, _ages = _rows(random.Random(1), 300)
    return riskmodel.fit(rows, labels, NOW)


def test_the_model_beats_oldest_first_on_a_later_sample(bundle):
    rows, labels, ages = _rows(random.Random(2), 300)
    metrics = riskmodel.evaluate(bundle, rows, labels, ages)
    assert metrics["top"] == 30
    assert metrics["precision_top_model"] == 1.0
    assert metrics["precision_top_model"] >= 2 * metrics["precision_top_oldest_first"]


def test_reasons_name_the_precursor_and_the_part(bundle):
    rows, labels, _ages = _rows(random.Random(3), 3)
    reasons = riskmodel.explain(bundle, rows)
    failing = reasons[labels.index(1)]
    assert failing and failing[0]["feature"] in ("reader_recent", "reader_trend")
    assert failing[0]["points"] > 20
    assert riskmodel.likely_part(failing) == "reader"
    assert riskmodel.likely_part([]) == "unknown"
    assert bundle.level(0.9) == "high" and bundle.level(0.3) == "medium"
    assert bundle.level(0.01) == "low"


def test_one_class_cannot_be_trained():
    rows, _labels, _ages = _rows(random.Random(4), 10)
    with pytest.raises(ValueError):
        riskmodel.fit(rows, [0] * len(rows), NOW)


def test_the_bundle_keeps_version_features_and_metrics(bundle, tmp_path):
    bundle.metrics = {"ratio": 3.0}
    path = bundle.save(tmp_path / "m.joblib")
    loaded = riskmodel.Bundle.load(path)
    assert loaded.version == bundle.version and loaded.version.startswith("fm-")
    assert loaded.feature_names == NAMES and loaded.metrics == {"ratio": 3.0}
    rows, _labels, _ages = _rows(random.Random(5), 5)
    assert loaded.scores(rows) == bundle.scores(rows)


def test_a_foreign_file_is_refused(tmp_path):
    import joblib

    path = tmp_path / "other.joblib"
    joblib.dump({"something": "else"}, path)
    with pytest.raises(ValueError):
        riskmodel.Bundle.load(path)
