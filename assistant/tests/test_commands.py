"""assistant_train, assistant_predict and assistant_eval as a user runs them."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assistant.nlu import Model


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_train_builds_the_model_file_and_skips_when_asked(tmp_path):
    target = tmp_path / "model.joblib"
    output = run("assistant_train", "--output", str(target))
    assert target.exists() and "28 intents" in output
    assert Model.load(target).predict("刷卡显示51").intent == "txn_failed_code"
    stamp = target.stat().st_mtime_ns
    assert "already built" in run("assistant_train", "--output", str(target), "--if-missing")
    assert target.stat().st_mtime_ns == stamp


def test_train_reports_a_bad_file(tmp_path):
    bad = tmp_path / "train.jsonl"
    bad.write_text('{"text": "x", "intent": "greeting"}\nnot json\n', encoding="utf-8")
    with pytest.raises(CommandError, match="2"):
        run("assistant_train", "--train", str(bad), "--output", str(tmp_path / "m.joblib"))


def test_predict_writes_one_json_line_per_input(tmp_path):
    source = tmp_path / "in.jsonl"
    lines = [
        {"text": "刷卡显示51"},
        {"text": "转人工"},
        {"text": "卡号 6222021234567890123 刷不了"},
    ]
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), "utf-8")
    rows = [json.loads(line) for line in run("assistant_predict", str(source)).splitlines()]
    assert [row["intent"] for row in rows[:2]] == ["txn_failed_code", "human_agent"]
    assert rows[0]["entities"] == {"response_codes": ["51"]} and rows[0]["action"] == "answer"
    assert rows[1]["action"] == "handoff"
    assert set(rows[0]) == {"text", "intent", "confidence", "action", "entities"}
    assert "6222021234567890123" not in json.dumps(rows[2])


def test_eval_prints_the_scores_as_json(tmp_path):
    source = tmp_path / "eval.jsonl"
    rows = [
        {"text": "刷卡显示51", "intent": "txn_failed_code"},
        {"text": "打印不出小票", "intent": "printer_paper"},
        {"text": "你好", "intent": "greeting"},
        {"text": "转人工", "intent": "human_agent"},
    ]
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in rows), "utf-8")
    result = json.loads(run("assistant_eval", str(source), "--json"))
    assert result["messages"] == 4 and result["accuracy"] == 1.0
    for key in ("macro_f1", "per_intent", "most_confused", "containment", "answer_precision"):
        assert key in result
    assert result["containment"] == 0.75  # the person request is not contained
    assert result["latency_ms"]["p99"] > 0 and result["peak_rss_mb"] > 0
    assert "accuracy 100.0%" in run("assistant_eval", str(source))


def test_eval_rejects_unlabelled_lines(tmp_path):
    source = tmp_path / "eval.jsonl"
    source.write_text('{"text": "你好"}\n', "utf-8")
    with pytest.raises(CommandError, match="intent"):
        run("assistant_eval", str(source), "--json")
