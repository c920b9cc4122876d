"""The failure model itself, without Django: fit scikit-learn's gradient boosting on rows of
`fleet.features`, measure it on a later period against "oldest terminals first", explain a
score by its top reasons, name the part most likely at fault, and save / load the bundle with
joblib (the model with its version, feature names, metrics and thresholds).

A reason is the risk a feature adds: the score with the feature as measured minus the score
with it set to the fleet's typical (median) value — the simplest explanation that needs no
knowledge of the model's insides and reads well ("card-reader errors rising: +31 points").
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
from threadpoolctl import threadpool_limits

from fleet.features import NAMES

HORIZON_DAYS = 30
LOOKBACK_DAYS = 28
HIGH_RISK = 0.5
MEDIUM_RISK = 0.2
TOP_REASONS = 3
FORMAT = 1

DEFAULT_PATH = Path(
    os.environ.get(
        "POSCARE_FAILURE_MODEL",
        Path(__file__).resolve().parent.parent / "var" / "fleet_failure_model.joblib",
    )
)

# The part a reason points at: what the proactive work replaces.
PART_OF_FEATURE = {
    "battery_kcycles": "battery",
    "battery_low_trend": "battery",
    "overheat_days": "printer_head",
    "prints_100k": "printer_head",
    "reader_recent": "reader",
    "reader_trend": "reader",
    "reboots_recent": "board",
    "reboots_trend": "board",
}


@dataclass
class Bundle:
    """What `fleet_train` saves and `fleet_predict` loads."""

    model: Any
    version: str
    feature_names: tuple[str, ...]
    reference: list[float]
    metrics: dict[str, Any] = field(default_factory=dict)
    horizon_days: int = HORIZON_DAYS
    high_risk: float = HIGH_RISK
    medium_risk: float = MEDIUM_RISK

    def scores(self, rows: Sequence[Sequence[float]]) -> list[float]:
        if not rows:
            return []
        with threadpool_limits(limits=1):  # OpenMP threads only fight on a shared machine
            return [float(p) for p in self.model.predict_proba(rows)[:, 1]]

    def level(self, risk: float) -> str:
        if risk >= self.high_risk:
            return "high"
        return "medium" if risk >= self.medium_risk else "low"

    def save(self, path: Path = DEFAULT_PATH) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        joblib.dump({"format": FORMAT, **self.__dict__}, temporary)
        temporary.replace(path)  # readers never see half a file
        return path

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> Bundle:
        payload = joblib.load(path)  # noqa: S301 — our own file under var/
        if not isinstance(payload, dict) or payload.pop("format", None) != FORMAT:
            raise ValueError(f"{path} is not a failure model of this version")
        if tuple(payload["feature_names"]) != NAMES:
            raise ValueError(f"{path} was trained on other features; run fleet_train")
        return cls(**payload)


def fit(rows: Sequence[Sequence[float]], labels: Sequence[int], now: dt.datetime) -> Bundle:
    """Train on the rows (NAMES order); raises ValueError when the labels hold one class."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    if len(set(labels)) < 2:
        raise ValueError("the training period needs terminals that failed and ones that did not")
    model = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, random_state=0)
    with threadpool_limits(limits=1):
        model.fit(list(rows), list(labels))
    reference = [statistics.median(column) for column in zip(*rows, strict=True)]
    return Bundle(
        model=model,
        version=f"fm-{now:%Y%m%d-%H%M%S}",
        feature_names=NAMES,
        reference=reference,
    )


def precision_at(order: Sequence[int], labels: Sequence[int], top: int) -> float:
    chosen = list(order)[:top]
    return sum(labels[i] for i in chosen) / len(chosen) if chosen else 0.0


def evaluate(
    bundle: Bundle, rows: Sequence[Sequence[float]], labels: Sequence[int], ages: Sequence[float]
) -> dict[str, Any]:
    """Precision among the top 100 (or a tenth of a small fleet) on a later period, against
    the same number of oldest terminals."""
    risk = bundle.scores(rows)
    top = max(1, min(100, len(rows) // 10))
    by_risk = sorted(range(len(rows)), key=lambda i: -risk[i])
    oldest = sorted(range(len(rows)), key=lambda i: -ages[i])
    model_precision = precision_at(by_risk, labels, top)
    oldest_precision = precision_at(oldest, labels, top)
    return {
        "test_terminals": len(rows),
        "test_failures": int(sum(labels)),
        "top": top,
        "precision_top_model": round(model_precision, 3),
        "precision_top_oldest_first": round(oldest_precision, 3),
        "ratio": round(model_precision / oldest_precision, 2) if oldest_precision else None,
    }


def explain(bundle: Bundle, rows: Sequence[Sequence[float]]) -> list[list[dict[str, Any]]]:
    """For each row, its top reasons: [{feature, value, points}] with points > 0, largest
    first (points: percentage points of risk the feature adds over its typical value)."""
    if not rows:
        return []
    base = bundle.scores(rows)
    width = len(bundle.feature_names)
    what_if = []
    for row in rows:
        for column in range(width):
            changed = list(row)
            changed[column] = bundle.reference[column]
            what_if.append(changed)
    typical = bundle.scores(what_if)
    explained = []
    for index, row in enumerate(rows):
        added = [
            ((base[index] - typical[index * width + column]) * 100, column)
            for column in range(width)
        ]
        added.sort(reverse=True)
        explained.append(
            [
                {
                    "feature": bundle.feature_names[column],
                    "value": round(row[column], 2),
                    "points": round(points),
                }
                for points, column in added[:TOP_REASONS]
                if points >= 1
            ]
        )
    return explained


def likely_part(reasons: Sequence[dict[str, Any]]) -> str:
    """The part the strongest part-specific reason points at ("unknown" when none does)."""
    for reason in reasons:
        if part := PART_OF_FEATURE.get(reason["feature"]):
            return part
    return "unknown"
