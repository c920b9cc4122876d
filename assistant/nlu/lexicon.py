"""The domain lexicon: synonyms, typos and English wordings mapped to canonical Chinese terms.

Merchants say the same thing many ways (刷不了/读不了/无法识别, 到账/入账/结算款, "deposit
delayed"); the team-written training data uses a few of them. The classifier reads the message
followed by the canonical terms the lexicon finds in it, so a wording the training data never
saw still meets the evidence of the canonical one. The terms live in
``assistant/data/lexicon.toml`` (data, not code).
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon.toml"


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(canonical term, one compiled pattern of all its synonyms), in file order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = []
    for term, patterns in data.items():
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise ValueError(f"{path}: {term} must be a list of regular expressions")
        entries.append((term, re.compile("|".join(f"(?:{p})" for p in patterns))))
    return tuple(entries)


def canonical_terms(normalized_text: str, path: Path = LEXICON_PATH) -> list[str]:
    """The canonical terms whose synonyms occur in an already normalised message."""
    return [term for term, pattern in load_lexicon(path) if pattern.search(normalized_text)]
