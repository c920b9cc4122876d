"""Real wording: the lexicon, the rules, the confusable wordings of issue 11 and the honest
real-question evaluation (fixed split by page, threshold from cross-validation on the rest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from assistant.nlu import understand
from assistant.nlu.classifier import Prediction, lexicon_text
from assistant.nlu.lexicon import canonical_terms
from assistant.nlu.model import DEFAULT_REAL_PATH, read_jsonl
from assistant.nlu.realeval import KFOLDS, THRESHOLDS, kfold_of, split_by_page
from assistant.nlu.rules import apply_rules


def test_synonyms_and_english_wordings_meet_the_canonical_term() -> None:
    assert "读卡失败" in canonical_terms("磁条卡刷不了")
    assert "读卡失败" in canonical_terms("卡片无法识别")
    assert "到账" in canonical_terms("why is my deposit delayed?")
    assert "撤销" in canonical_terms("how do i void a sale")
    assert lexicon_text("Deposit delayed").endswith("| 到账")


def test_a_labelled_code_decides_the_intent_whatever_else_the_message_says() -> None:
    model_guess = Prediction("outage_status", 0.8, [("network_signin", 0.1)])
    ruled = apply_rules(model_guess, {"response_codes": ["96"]})
    assert ruled.intent == "txn_failed_code"
    assert ruled.alternatives[0][0] == "outage_status"
    assert apply_rules(model_guess, {}) is model_guess


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("系统故障96", "txn_failed_code"),
        ("my pos shows 51, what does it mean", "txn_failed_code"),
        ("IC卡错误", "card_read_error"),
        ("有人打电话说要给我安装POS机，可我从没申请过", "verify_caller"),
        ("天天被推销POS机的电话骚扰", "too_many_calls"),
        ("刚刷的一笔要撤销", "refund_void"),
        ("结算卡销户了怎么办", "settlement_account_change"),
        ("My deposit is delayed again", "funds_not_arrived"),
    ],
)
def test_the_wordings_that_used_to_drift_land_on_their_intent(nlu_model, text, intent) -> None:
    assert understand(text, model=nlu_model).intent == intent


def test_the_real_questions_split_by_page_with_about_a_third_for_testing() -> None:
    rows = read_jsonl(DEFAULT_REAL_PATH)
    development, test = split_by_page(rows)
    assert len(development) + len(test) == len(rows) == 639
    assert 0.25 < len(test) / len(rows) < 0.40
    assert not {row["source"] for row in development} & {row["source"] for row in test}
    assert split_by_page(rows) == (development, test)  # fixed: the same split every time


def _small_files(tmp_path: Path) -> list[str]:
    """A small real file (Chinese, every third question) and a small team file: quick runs."""
    real = [row for row in read_jsonl(DEFAULT_REAL_PATH) if row["lang"] == "zh"][::3]
    real_file = tmp_path / "real.jsonl"
    real_file.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in real))
    team_file = tmp_path / "team.jsonl"
    team = [row for row in read_jsonl(Path(DEFAULT_REAL_PATH).parents[1] / "train.jsonl")][::8]
    team_file.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in team))
    return [f"--real-file={real_file}", f"--train={team_file}"]


def test_assistant_eval_real_split_reports_its_method_and_figures(tmp_path: Path, capsys) -> None:
    call_command("assistant_eval", "--real", "--json", "--method=split", *_small_files(tmp_path))
    result = json.loads(capsys.readouterr().out)
    method = result["method"]
    assert method["kind"] == "fixed split by source page"
    assert method["test_questions"] == result["messages"] > 0
    assert "cross-validation" in method["threshold_chosen_by"]
    assert 0.0 <= result["answer_precision"] <= 1.0
    assert set(result["by_language"]) == {"zh"}


def test_assistant_eval_real_kfold_scores_every_question_once(tmp_path: Path, capsys) -> None:
    files = _small_files(tmp_path)
    call_command("assistant_eval", "--real", "--json", "--method=kfold", *files)
    result = json.loads(capsys.readouterr().out)
    method = result["method"]
    assert method["kind"].startswith(f"{KFOLDS}-fold cross-validation grouped by source page")
    assert "nested" in method["threshold_chosen_by"]
    real = read_jsonl(files[0].split("=", 1)[1])
    assert result["pooled"]["messages"] == len(real) == sum(f["messages"] for f in result["folds"])
    assert len(result["folds"]) == KFOLDS
    # The headline is the mean over the folds; every fold has its own nested threshold.
    assert result["accuracy"] == pytest.approx(
        sum(f["accuracy"] for f in result["folds"]) / KFOLDS, abs=1e-3
    )
    assert all(f["threshold"] in THRESHOLDS for f in result["folds"])
    assert result["test_part_questions_only"]["messages"] == len(split_by_page(real)[1])
    # Error analysis: every miss is in the confusions, and per intent the counts add up.
    wrong = round(len(real) * (1 - result["pooled"]["accuracy"]))
    assert sum(pair["count"] for pair in result["confusions"]) == wrong
    assert sum(scores["messages"] for scores in result["by_intent"].values()) == len(real)
    for fold in result["folds"]:
        assert fold["answered_right"] == pytest.approx(
            fold["containment"] * fold["answer_precision"], abs=2e-3
        )


def test_kfold_keeps_every_page_in_one_fold() -> None:
    rows = read_jsonl(DEFAULT_REAL_PATH)
    fold_of_page: dict[str, set[int]] = {}
    for row in rows:
        fold_of_page.setdefault(row["source"], set()).add(kfold_of(row))
    assert all(len(folds) == 1 for folds in fold_of_page.values())
    sizes = [sum(kfold_of(row) == fold for row in rows) for fold in range(KFOLDS)]
    assert min(sizes) > len(rows) / KFOLDS / 2
