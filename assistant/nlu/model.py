"""Build, save and load the intent model; the whole "understanding" of one message.

``build_model`` is what ``manage.py assistant_train`` calls. Builds are reproducible: rows are
sorted before training and every estimator has a fixed seed, so two builds from the same
train.jsonl predict identically.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
from sklearn.pipeline import Pipeline

from . import classifier
from .classifier import ClassifierConfig, Prediction

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_TRAIN_PATH = DATA_DIR / "train.jsonl"
DEFAULT_EVAL_PATH = DATA_DIR / "eval.jsonl"
REPO_ROOT = Path(__file__).resolve().parents[2]
# Overridable so deployments can keep the model outside the checkout.
DEFAULT_MODEL_PATH = Path(
    os.environ.get("POSCARE_ASSISTANT_MODEL", REPO_ROOT / "var" / "assistant_model.joblib")
)
FORMAT_VERSION = 1


def read_jsonl(path: Path | str) -> list[dict[str, Any]]:
    """Rows of a JSON Lines file; a bad line raises with its line number."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not valid JSON ({error.msg})") from error
    return rows


def labelled_rows(rows: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """(text, intent) pairs, de-duplicated and sorted so training order never varies."""
    pairs = {(str(row["text"]), str(row["intent"])) for row in rows}
    return sorted(pairs)


@dataclass
class Model:
    pipeline: Pipeline
    config: ClassifierConfig
    clarify_threshold: float = classifier.DEFAULT_CLARIFY_THRESHOLD

    @property
    def intents(self) -> list[str]:
        return [str(label) for label in self.pipeline.classes_]

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        inputs = [self._input(text) for text in texts]
        probabilities = self.pipeline.predict_proba(inputs)
        return classifier.top_predictions(probabilities, self.intents)

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]

    def decide(self, prediction: Prediction) -> classifier.Action:
        return classifier.decide(prediction, self.clarify_threshold)

    def _input(self, text: str) -> str:
        if self.config.use_entity_markers:
            return classifier.classifier_text(text)
        return classifier.plain_text(text)

    def save(self, path: Path | str) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "format": FORMAT_VERSION,
            "pipeline": self.pipeline,
            "config": self.config,
            "clarify_threshold": self.clarify_threshold,
        }
        temporary = path.with_suffix(path.suffix + ".tmp")
        joblib.dump(payload, temporary)
        temporary.replace(path)  # readers never see a half-written model

    @classmethod
    def load(cls, path: Path | str) -> Model:
        payload = joblib.load(path)
        if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
            raise ValueError(
                f"{path}: not an assistant model of format {FORMAT_VERSION}; rebuild it"
            )
        return cls(
            pipeline=payload["pipeline"],
            config=payload["config"],
            clarify_threshold=payload["clarify_threshold"],
        )


def build_model(
    train_path: Path | str = DEFAULT_TRAIN_PATH,
    config: ClassifierConfig = classifier.DEFAULT_CONFIG,
) -> Model:
    """Train the intent model from a labelled JSON Lines file (a few seconds on one core)."""
    pairs = labelled_rows(read_jsonl(train_path))
    if not pairs:
        raise ValueError(f"{train_path}: no training rows")
    model = Model(pipeline=classifier.make_pipeline(config), config=config)
    texts = [model._input(text) for text, _ in pairs]
    model.pipeline.fit(texts, [intent for _, intent in pairs])
    return model
