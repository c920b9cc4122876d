"""Intent classifier, decision policy, evaluation and the training/evaluation data contract."""

import json
import re
from pathlib import Path

import pytest

from assistant.nlu import understand
from assistant.nlu.classifier import HANDOFF_INTENTS, Prediction, decide, margin
from assistant.nlu.evaluate import evaluate
from assistant.nlu.fast import scorer_for
from assistant.nlu.model import (
    DEFAULT_EVAL_PATH,
    DEFAULT_TRAIN_PATH,
    Model,
    build_model,
    read_jsonl,
)
from assistant.nlu.normalize import normalize

CONTRACT_INTENTS = {
    "txn_failed_code",
    "txn_failed_generic",
    "card_read_error",
    "network_signin",
    "printer_paper",
    "power_battery",
    "device_fault",
    "funds_not_arrived",
    "settlement_rules",
    "txn_query",
    "refund_void",
    "duplicate_charge",
    "fee_rate",
    "account_frozen",
    "settlement_account_change",
    "verify_caller",
    "too_many_calls",
    "hotline",
    "apply_pos",
    "cancel_pos",
    "merchant_name_mismatch",
    "how_to_operate",
    "outage_status",
    "repair_status",
    "human_agent",
    "complaint",
    "greeting",
    "other",
}


@pytest.fixture(scope="module")
def model() -> Model:
    return build_model(DEFAULT_TRAIN_PATH)


# ------------------------------------------------------------------ data contract


def test_training_and_eval_data_cover_exactly_the_contract_intents() -> None:
    train = read_jsonl(DEFAULT_TRAIN_PATH)
    evaluation = read_jsonl(DEFAULT_EVAL_PATH)
    assert {row["intent"] for row in train} == CONTRACT_INTENTS
    assert {row["intent"] for row in evaluation} == CONTRACT_INTENTS
    assert len(evaluation) >= 900
    for intent in CONTRACT_INTENTS:
        assert sum(row["intent"] == intent for row in evaluation) >= 25, intent


def _bigrams(text: str) -> set[str]:
    compact = re.sub(r"[\W_]+", "", normalize(text))
    return {compact[i : i + 2] for i in range(max(1, len(compact) - 1))}


def test_eval_set_does_not_overlap_training_data() -> None:
    """No eval message is an exact or near copy (char-bigram Jaccard ≥ 0.7) of a training one."""
    train = [_bigrams(row["text"]) for row in read_jsonl(DEFAULT_TRAIN_PATH)]
    train_texts = {normalize(row["text"]) for row in read_jsonl(DEFAULT_TRAIN_PATH)}
    near_copies = []
    for row in read_jsonl(DEFAULT_EVAL_PATH):
        assert normalize(row["text"]) not in train_texts, row["text"]
        grams = _bigrams(row["text"])
        for other in train:
            union = grams | other
            if union and len(grams & other) / len(union) >= 0.7:
                near_copies.append(row["text"])
                break
    assert near_copies == []


def test_eval_file_has_no_duplicates() -> None:
    texts = [row["text"] for row in read_jsonl(DEFAULT_EVAL_PATH)]
    assert len(texts) == len(set(texts))


# ------------------------------------------------------------------ classifier


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("刷卡显示51", "txn_failed_code"),
        ("打印不出小票", "printer_paper"),
        ("昨天下午3点刷的1280元还没到账", "funds_not_arrived"),
        ("有人打电话说是银联的，要我提供验证码", "verify_caller"),
        ("转人工", "human_agent"),
        ("POS機開不了機", "power_battery"),
        ("poss机签到失败", "network_signin"),
        ("how do I refund a customer", "refund_void"),
        ("你好", "greeting"),
        ("今天天气怎么样", "other"),
    ],
)
def test_clear_messages(model: Model, text: str, intent: str) -> None:
    prediction = model.predict(text)
    assert prediction.intent == intent
    assert margin(prediction) >= model.clarify_threshold


def test_prediction_has_two_alternatives_ranked(model: Model) -> None:
    prediction = model.predict("机器坏了")
    assert len(prediction.alternatives) >= 2
    probabilities = [prediction.confidence] + [p for _, p in prediction.alternatives]
    assert probabilities == sorted(probabilities, reverse=True)
    assert prediction.intent not in [intent for intent, _ in prediction.alternatives]


def test_batch_and_single_predictions_agree(model: Model) -> None:
    texts = ["刷卡显示51", "钱没到账", "怎么撤销"]
    assert [p.intent for p in model.predict_many(texts)] == [model.predict(t).intent for t in texts]


def test_two_builds_predict_identically(model: Model) -> None:
    again = build_model(DEFAULT_TRAIN_PATH)
    texts = [row["text"] for row in read_jsonl(DEFAULT_EVAL_PATH)[:200]]
    assert model.predict_many(texts) == again.predict_many(texts)


def test_save_and_load_round_trip(model: Model, tmp_path: Path) -> None:
    path = tmp_path / "model.joblib"
    model.save(path)
    loaded = Model.load(path)
    assert loaded.predict("刷卡显示51") == model.predict("刷卡显示51")
    assert loaded.clarify_threshold == model.clarify_threshold


def test_load_rejects_other_files(tmp_path: Path) -> None:
    path = tmp_path / "bogus.joblib"
    import joblib

    joblib.dump({"format": 0}, path)
    with pytest.raises(ValueError, match="rebuild"):
        Model.load(path)


def test_read_jsonl_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('{"text": "a", "intent": "greeting"}\n{oops\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        read_jsonl(path)


# ------------------------------------------------------------------ decision policy


@pytest.mark.parametrize("intent", sorted(HANDOFF_INTENTS))
def test_people_intents_hand_off_when_sure_and_are_asked_about_when_not(intent: str) -> None:
    assert decide(Prediction(intent, 0.99)) == "handoff"
    # Low confidence asks first: a 25 % "complaint" must not open a ticket.
    assert decide(Prediction(intent, 0.25, [("other", 0.2)])) == "clarify"
    assert {"human_agent", "complaint"} == HANDOFF_INTENTS


def test_out_of_scope_is_answered_as_such_not_handed_off() -> None:
    assert decide(Prediction("other", 0.9)) == "answer"
    assert decide(Prediction("other", 0.15)) == "clarify"  # below the 0.35 margin: ask


def test_low_confidence_clarifies_high_confidence_answers() -> None:
    assert decide(Prediction("printer_paper", 0.49), threshold=0.5) == "clarify"
    assert decide(Prediction("printer_paper", 0.50), threshold=0.5) == "answer"


# ------------------------------------------------------------------ understand() and evaluate()


def test_understand_end_to_end(model: Model) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    now = datetime(2024, 6, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    result = understand("昨天下午3点刷的1280元还没到账", now=now, model=model)
    assert result.intent == "funds_not_arrived"
    assert result.action == "answer"
    assert result.entities["amounts_fen"] == [128000]
    assert result.entities["datetimes"][0]["datetime"] == "2024-06-11T15:00:00+08:00"
    assert len(result.alternatives) == 2


def test_understand_masks_card_numbers(model: Model) -> None:
    result = understand("客人卡号4111111111111111刷不了", model=model)
    assert "4111111111111111" not in result.masked_text
    assert "4111111111111111" not in json.dumps(result.entities)


def test_transfer_to_human_hands_off(model: Model) -> None:
    assert understand("转人工", model=model).action == "handoff"


def test_evaluate_reports_the_contract_metrics(model: Model) -> None:
    rows = read_jsonl(DEFAULT_EVAL_PATH)[:60]
    report = evaluate(model, rows)
    for key in (
        "accuracy",
        "macro_f1",
        "per_intent",
        "most_confused",
        "containment",
        "answer_precision",
        "latency_ms",
        "peak_rss_mb",
    ):
        assert key in report
    assert 0 <= report["accuracy"] <= 1
    assert set(report["latency_ms"]) >= {"p50", "p99"}
    assert len(report["most_confused"]) <= 10


def test_the_fast_scorer_gives_the_pipelines_probabilities(model: Model) -> None:
    """The per-message path skips scikit-learn's overhead, not its arithmetic."""
    import numpy as np

    texts = [str(row["text"]) for row in read_jsonl(DEFAULT_EVAL_PATH)[:300]] + ["", "？？"]
    inputs = [model._input(text) for text in texts]
    expected = model.pipeline.predict_proba(inputs)
    scorer = scorer_for(model.pipeline)
    assert scorer is not None
    assert np.allclose(scorer.probabilities_many(inputs), expected, atol=1e-5)
