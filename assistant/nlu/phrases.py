"""The team-written training data: phrase files in assistant/data/phrases/ → train.jsonl rows.

``python assistant/data/build_train.py`` writes the file. The phrases are data, one TOML file per
intent (``hand``: written by the team, ``short``: two-or-three-word messages, ``hard``: near
misses of other intents, ``templates`` with {slot} placeholders filled from ``_slots.toml``).
The output is deterministic (fixed seed, sorted rows) and committed;
``assistant/tests/test_training_data.py`` checks that building from the phrase files gives the
committed file. The evaluation sets (eval.jsonl, real.jsonl) are never generated from here.
"""

from __future__ import annotations

import json
import random
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from opencc import OpenCC

SEED = 20240611
TARGET_PER_INTENT = 130
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PHRASES_DIR = DATA_DIR / "phrases"
SLOTS_FILE = PHRASES_DIR / "_slots.toml"
TRAIN_FILE = DATA_DIR / "train.jsonl"


@dataclass(frozen=True)
class IntentPhrases:
    """The phrases of one intent, as its file lists them."""

    intent: str
    hand: list[str] = field(default_factory=list)
    short: list[str] = field(default_factory=list)
    hard: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    # Wordings in the style of the real questions, for the error families of the development
    # folds (never the test part): help-centre headings, forum posts, other platforms.
    wild: list[str] = field(default_factory=list)


def _string_list(path: Path, key: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{path}: {key} must be a list of strings")
    return list(value)


def load_phrases(directory: Path = PHRASES_DIR) -> dict[str, IntentPhrases]:
    """Every intent's phrases, keyed by intent (the file name without .toml)."""
    phrases = {}
    for path in sorted(directory.glob("*.toml")):
        if path.name.startswith("_"):
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        unknown = set(data) - {"hand", "short", "hard", "templates", "wild"}
        if unknown:
            raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
        lists = {key: _string_list(path, key, value) for key, value in data.items()}
        phrases[path.stem] = IntentPhrases(intent=path.stem, **lists)
    return phrases


def load_slots(path: Path = SLOTS_FILE) -> dict[str, list[str]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {key: _string_list(path, key, value) for key, value in data.items()}


# Spelling noise merchants really produce; applied to a share of the examples.
NOISE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pos机", ("poss机", "po机", "POS機", "pos 机", "POS")),
    ("到账", ("到帐",)),
    ("小票", ("小飘", "凭条")),
    ("签到", ("签倒",)),
)

_T2S_REVERSE = OpenCC("s2t")


def _fill(template: str, slots: dict[str, list[str]], rng: random.Random) -> str:
    def pick(match: re.Match[str]) -> str:
        return rng.choice(slots[match.group(1)])

    return re.sub(r"\{(\w+)\}", pick, template)


def _noisy(text: str, rng: random.Random) -> str:
    for original, variants in NOISE:
        if original in text and rng.random() < 0.5:
            text = text.replace(original, rng.choice(variants), 1)
    if rng.random() < 0.15:
        text = str(_T2S_REVERSE.convert(text))
    return text


def build_rows(seed: int = SEED, directory: Path = PHRASES_DIR) -> list[dict[str, str]]:
    """The training rows: every listed phrase, then templated and noisy variants."""
    rng = random.Random(seed)
    phrases = load_phrases(directory)
    slots = load_slots(directory / SLOTS_FILE.name)
    rows: list[dict[str, str]] = []
    for intent in sorted(phrases):
        entry = phrases[intent]
        texts: list[str] = []  # insertion-ordered and unique: a dict would do, this reads better

        def keep(text: str, texts: list[str] = texts) -> None:
            text = text.strip()
            if text and text not in texts:
                texts.append(text)

        for text in entry.hand + entry.short + entry.hard + entry.wild:
            keep(text)
        attempts = 0
        while entry.templates and len(texts) < TARGET_PER_INTENT and attempts < 2000:
            attempts += 1
            keep(_noisy(_fill(rng.choice(entry.templates), slots, rng), rng))
        # Hand-written lines also get a noisy twin, so typos are not template-only.
        for text in entry.hand:
            if len(texts) >= TARGET_PER_INTENT + 20:
                break
            keep(_noisy(text, rng))
        rows.extend({"text": text, "intent": intent} for text in texts)
    return sorted(rows, key=lambda row: (row["intent"], row["text"]))


def render(rows: list[dict[str, str]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
