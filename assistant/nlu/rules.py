"""Rules for wordings whose intent is not in doubt, applied after the statistical model.

A response code read with its label (显示/返回/代码/"shows"… 51) means the merchant is asking
about that code, whatever else the message says ("系统故障96" is code 96, not an outage). The
entity extractor already demands the label, so the rule needs no second pattern.
"""

from __future__ import annotations

from typing import Any

from .classifier import Prediction

CODE_INTENT = "txn_failed_code"
# Confidence reported for a rule's decision: above any clarify threshold, below certainty.
RULE_CONFIDENCE = 0.97


def apply_rules(prediction: Prediction, entities: dict[str, Any]) -> Prediction:
    """The model's prediction, or the rule's when a rule applies."""
    if entities.get("response_codes") and prediction.intent != CODE_INTENT:
        # The model's readings stay as alternatives, with what is left beside the rule's share.
        alternatives = [(prediction.intent, prediction.confidence)] + [
            pair for pair in prediction.alternatives if pair[0] != CODE_INTENT
        ]
        rest = round(1.0 - RULE_CONFIDENCE, 4)
        return Prediction(
            CODE_INTENT, RULE_CONFIDENCE, [(intent, min(p, rest)) for intent, p in alternatives[:2]]
        )
    return prediction
