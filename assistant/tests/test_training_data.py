"""The training phrases are data files; building from them gives the committed train.jsonl."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.intents import INTENTS
from assistant.nlu import phrases
from assistant.nlu.model import DEFAULT_TRAIN_PATH


def test_building_from_the_phrase_files_gives_the_committed_training_file() -> None:
    built = phrases.render(phrases.build_rows())
    assert built == DEFAULT_TRAIN_PATH.read_text(encoding="utf-8"), (
        "train.jsonl is stale: run python assistant/data/build_train.py"
    )


def test_there_is_one_phrase_file_per_intent_of_the_contract() -> None:
    files = phrases.load_phrases()
    assert sorted(files) == sorted(INTENTS)
    assert all(entry.hand for entry in files.values())


def test_a_template_naming_an_unknown_slot_is_reported(tmp_path: Path) -> None:
    (tmp_path / "_slots.toml").write_text('pos = ["pos机"]\n', encoding="utf-8")
    (tmp_path / "printer_paper.toml").write_text(
        'hand = ["不出小票"]\ntemplates = ["{pos}{colour}"]\n', encoding="utf-8"
    )
    with pytest.raises(KeyError, match="colour"):
        phrases.build_rows(directory=tmp_path)


def test_a_phrase_file_with_a_misspelt_section_is_refused(tmp_path: Path) -> None:
    (tmp_path / "_slots.toml").write_text("", encoding="utf-8")
    (tmp_path / "greeting.toml").write_text('hnad = ["你好"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="hnad"):
        phrases.load_phrases(tmp_path)
