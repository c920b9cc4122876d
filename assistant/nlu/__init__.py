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
from .second_opinion import SecondOpinion

__all__ = [
    "HANDOFF_INTENTS",
    "Model",
    "Prediction",
    "SecondOpinion",
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
    # The second opinion settled what the local model was unsure about (agreed, or disagreed
    # so the merchant is asked between the two readings).
    second_opinion: bool = False


_model: Model | None = None
_model_lock = threading.Lock()


def get_model(path: Path | str | None = None) -> Model:
    """The process-wide model, loaded once; built from train.jsonl if no saved model exists."""
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                _model = _saved_model(Path(path) if path else DEFAULT_MODEL_PATH)
                # The first message pays for lazy set-up (OpenCC tables): do it here instead.
                _model.predict("预热")
    return _model


def _saved_model(model_path: Path) -> Model:
    """The saved model; a missing one, or one saved by an older release, is rebuilt."""
    if model_path.exists():
        try:
            return Model.load(model_path)
        except ValueError:
            pass
    return build_model(DEFAULT_TRAIN_PATH)


def set_model(model: Model | None) -> None:
    """Replace the process-wide model (after ``assistant_train``, or in tests)."""
    global _model
    _model = model


def understand(
    text: str,
    now: datetime | None = None,
    model: Model | None = None,
    second_opinion: SecondOpinion | None = None,
    meanings: dict[str, str] | None = None,
) -> Understanding:
    """Intent, confidence, top alternatives, next action and entities for one message.

    With ``second_opinion``, a message the local model is unsure about is offered to it (masked,
    with the local model's three likeliest intents to choose from): if it agrees, the assistant
    answers; if it picks another of them, the merchant is asked between the two readings; if it
    gives no usable choice, the local model's decision stands."""
    model = model or get_model()
    prediction = model.predict(text)
    action = model.decide(prediction)
    masked = mask_pans(text)
    consulted = False
    if action == "clarify" and second_opinion is not None:
        candidates = [prediction.intent] + [intent for intent, _p in prediction.alternatives]
        chosen = second_opinion.choose(masked, candidates[:3], meanings or {})
        if chosen is not None:
            consulted = True
            prediction, action = _with_second_opinion(prediction, chosen)
    return Understanding(
        intent=prediction.intent,
        confidence=round(prediction.confidence, 4),
        alternatives=[(intent, round(p, 4)) for intent, p in prediction.alternatives[:2]],
        action=action,
        entities=extract_entities(text, now=now),
        masked_text=masked,
        second_opinion=consulted,
    )


def _with_second_opinion(prediction: Prediction, chosen: str) -> tuple[Prediction, Action]:
    """Agreement: act on the local reading. Disagreement: ask, the second opinion's first."""
    if chosen == prediction.intent:
        return prediction, "handoff" if chosen in HANDOFF_INTENTS else "answer"
    ranked = [(prediction.intent, prediction.confidence), *prediction.alternatives]
    probability = dict(ranked)[chosen]
    rest = [(prediction.intent, prediction.confidence)] + [
        pair for pair in prediction.alternatives if pair[0] != chosen
    ]
    return Prediction(chosen, probability, rest), "clarify"
