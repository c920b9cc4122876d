"""The help centre's articles as data files (`helpcentre/data/articles/*.toml`), read and
checked without Django, so a bad file fails a test instead of a page.

Body markup, kept small on purpose: a blank line starts a paragraph, `## ` a heading, `- ` a
bullet and `1. ` a numbered step. A training lesson has a `quiz`: questions in both languages,
the choices, the index of the right one and an explanation.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data" / "articles"
SECTIONS = ("problems", "care", "settings", "backup", "training", "charter", "other")
FIELDS = (
    "slug",
    "section",
    "position",
    "intents",
    "title_zh",
    "title_en",
    "summary_zh",
    "summary_en",
    "body_zh",
    "body_en",
)
QUESTION_FIELDS = ("question_zh", "question_en", "choices_zh", "choices_en", "answer")
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


class ContentError(ValueError):
    """A data file that does not describe an article properly."""


@dataclass(frozen=True)
class Block:
    """One piece of an article body: a paragraph, a heading, or a list of items."""

    kind: str  # "p", "h", "ul", "ol"
    lines: tuple[str, ...]


def parse_body(text: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        pending: list[str] = []
        kind = ""
        for line in lines:
            if line.startswith("## "):
                _flush(blocks, kind, pending)
                blocks.append(Block("h", (line[3:].strip(),)))
                kind, pending = "", []
                continue
            bullet = re.match(r"^(- |· |\d+\. )(.*)$", line)
            line_kind = ("ol" if bullet.group(1)[0].isdigit() else "ul") if bullet else "p"
            if line_kind != kind:
                _flush(blocks, kind, pending)
                kind, pending = line_kind, []
            pending.append(bullet.group(2) if bullet else line)
        _flush(blocks, kind, pending)
    return blocks


def _flush(blocks: list[Block], kind: str, pending: list[str]) -> None:
    if not pending:
        return
    if kind == "p":
        blocks.append(Block("p", (" ".join(pending),)))
    else:
        blocks.append(Block(kind, tuple(pending)))


def check_question(slug: str, number: int, question: dict[str, Any]) -> None:
    missing = [name for name in QUESTION_FIELDS if name not in question]
    if missing:
        raise ContentError(f"{slug}: question {number} lacks {missing}")
    choices_zh, choices_en = question["choices_zh"], question["choices_en"]
    if len(choices_zh) != len(choices_en) or len(choices_zh) < 2:
        raise ContentError(f"{slug}: question {number} needs matching choices in both languages")
    if not 0 <= int(question["answer"]) < len(choices_zh):
        raise ContentError(f"{slug}: question {number} answer is not one of its choices")


def check_article(article: dict[str, Any]) -> dict[str, Any]:
    missing = [name for name in FIELDS if name not in article]
    slug = article.get("slug", "?")
    if missing:
        raise ContentError(f"{slug}: missing {missing}")
    if article["section"] not in SECTIONS:
        raise ContentError(f"{slug}: unknown section {article['section']!r}")
    english = " ".join(str(article[name]) for name in ("title_en", "summary_en", "body_en"))
    for number, question in enumerate(article.get("quiz", []), start=1):
        check_question(slug, number, question)
        english += " " + " ".join(
            [question["question_en"], question.get("explain_en", ""), *question["choices_en"]]
        )
    if CHINESE.search(english):
        raise ContentError(f"{slug}: Chinese characters or punctuation in the English text")
    return {name: article[name] for name in FIELDS} | {"quiz": list(article.get("quiz", []))}


def read_articles(directory: Path = DATA_DIR) -> list[dict[str, Any]]:
    """Every article of every data file, checked; slugs are unique."""
    articles: list[dict[str, Any]] = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        articles += [check_article(article) for article in data.get("article", [])]
    slugs = [article["slug"] for article in articles]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        raise ContentError(f"duplicate slugs: {duplicates}")
    return articles
