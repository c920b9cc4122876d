"""Dispute reasons and the evidence that answers each, from `data/reasons.toml`."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "reasons.toml"


@functools.cache
def reasons() -> dict[str, dict[str, Any]]:
    with DATA.open("rb") as handle:
        return {row["code"]: row for row in tomllib.load(handle)["reason"]}


def describe(code: str, language: str = "zh") -> tuple[str, str]:
    """(what it means, which evidence helps) in the reader's language; the code itself when
    it is not one of ours (a network's code as received)."""
    row = reasons().get(code)
    if row is None:
        return code, ""
    if language == "en":
        return row["en"], row["evidence_en"]
    return row["zh"], row["evidence_zh"]


def choices() -> list[tuple[str, str]]:
    """For a form: evaluated when the form is shown, in the reader's language."""
    from core.language import current_language

    key = "en" if current_language() == "en" else "zh"
    return [("", "—"), *((code, row[key]) for code, row in reasons().items())]
