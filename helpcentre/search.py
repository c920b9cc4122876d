"""Search over the help centre's articles, without Django: a few dozen articles in two
languages, ranked in Python so SQLite and PostgreSQL agree.

Chinese has no spaces, so a Chinese query is cut into overlapping pairs of characters
("打印不出" → 打印, 印不, 不出) and an article scores for each pair it contains; Latin words
are matched whole-word-prefix, case-insensitively. Hits in the title weigh more than hits in
the summary, and those more than hits in the body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
WORD = re.compile(r"[a-z0-9]+")
WEIGHTS = {"title": 5, "summary": 3, "body": 1}
MAX_QUERY = 100


@dataclass(frozen=True)
class Document:
    key: str
    title: str
    summary: str
    body: str


def terms(query: str) -> list[str]:
    """The terms of a query: Chinese character pairs (a single character alone) and words."""
    text = query.lower()[:MAX_QUERY]
    found: list[str] = []
    for run in CJK_RUN.findall(text):
        found += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
    found += [word for word in WORD.findall(text) if len(word) > 1 or word.isdigit()]
    return list(dict.fromkeys(found))


def _matches(term: str, text: str) -> bool:
    if CJK_RUN.fullmatch(term):
        return term in text
    return re.search(rf"(?<![a-z0-9]){re.escape(term)}", text) is not None


def score(document: Document, query_terms: Sequence[str]) -> int:
    fields = {
        "title": document.title.lower(),
        "summary": document.summary.lower(),
        "body": document.body.lower(),
    }
    total = 0
    for term in query_terms:
        total += max(
            (WEIGHTS[name] for name, text in fields.items() if _matches(term, text)), default=0
        )
    return total


def rank(documents: Iterable[Document], query: str) -> list[str]:
    """Keys of the documents that match, best first; an article must match at least half of
    a long query's terms, so one common pair ("问题") does not pull in everything."""
    query_terms = terms(query)
    if not query_terms:
        return []
    needed = max(1, len(query_terms) // 2)
    scored = []
    for document in documents:
        hits = sum(
            1
            for term in query_terms
            if _matches(term, f"{document.title} {document.summary} {document.body}".lower())
        )
        if hits >= needed:
            scored.append((-score(document, query_terms), document.key))
    return [key for _score, key in sorted(scored)]
