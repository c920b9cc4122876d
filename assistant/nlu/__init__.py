"""The assistant's language understanding: normalisation, entities, intent, decision.

Pure Python (no Django). ``understand`` is the one call the dialogue layer needs::

    from assistant.nlu import understand
    result = understand("昨天下午3点刷的1280元还没到账")
    result.intent, result.action, result.entities["amounts_fen"]
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .classifier import HANDOFF_INTENTS, Action, Prediction, decide
from .entities import extract_entities, mask_pans
from .model import DEFAULT_MODEL_PATH, DEFAULT_TRAIN_PATH, Model, build_model
from .normalize import normalize

__all__ = [
    "HANDOFF_INTENTS",
    "Model",
    "Prediction",
    "Understanding",
    "build_model",
    "decide",
    "extract_entities",
    "get_model",
    "mask_pans",
    "normalize",
    "understand",
]


@dataclass(frozen=True)
class Understanding:
    intent: str
    confidence: float
    alternatives: list[tuple[str, float]]
    action: Action
    entities: dict[str, Any] = field(default_factory=dict)
    # The message with any full card number masked: the only form that may be stored or logged.
    masked_text: str = ""


_model: Model | None = None
_model_lock = threading.Lock()


def get_model(path: Path | str | None = None) -> Model:
    """The process-wide model, loaded once; built from train.jsonl if no saved model exists."""
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                model_path = Path(path) if path else DEFAULT_MODEL_PATH
                _model = (
                    Model.load(model_path)
                    if model_path.exists()
                    else build_model(DEFAULT_TRAIN_PATH)
                )
                # The first message pays for lazy set-up (OpenCC tables): do it here instead.
                _model.predict("预热")
    return _model


def set_model(model: Model | None) -> None:
    """Replace the process-wide model (after ``assistant_train``, or in tests)."""
    global _model
    _model = model


def understand(text: str, now: datetime | None = None, model: Model | None = None) -> Understanding:
    """Intent, confidence, top alternatives, next action and entities for one message."""
    model = model or get_model()
    prediction = model.predict(text)
    return Understanding(
        intent=prediction.intent,
        confidence=round(prediction.confidence, 4),
        alternatives=[(intent, round(p, 4)) for intent, p in prediction.alternatives[:2]],
        action=model.decide(prediction),
        entities=extract_entities(text, now=now),
        masked_text=mask_pans(text),
    )
