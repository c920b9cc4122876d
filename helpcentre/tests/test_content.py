"""The article files: every topic the help centre promises is there, in both languages, and
the body markup and quizzes are well formed."""

from __future__ import annotations

import pytest

from helpcentre.content import ContentError, check_article, parse_body, read_articles


def by_slug():
    return {article["slug"]: article for article in read_articles()}


def test_every_promised_topic_has_an_article():
    articles = by_slug()
    sections = {}
    for article in articles.values():
        sections.setdefault(article["section"], []).append(article["slug"])
    # the five common problems of the source article, and routine care in five parts
    assert len(sections["problems"]) == 5
    assert {"care-cleaning", "care-paper", "care-battery", "care-storage", "care-firmware"} <= set(
        sections["care"]
    )
    assert {"printer-settings", "transaction-limits", "how-updates-happen"} <= set(
        sections["settings"]
    )
    down = articles["pos-down"]["body_zh"]
    assert all(word in down for word in ("现金", "第二台 POS", "收款码", "该找谁"))
    assert sections["charter"] == ["service-charter"]
    lessons = [articles[slug] for slug in sections["training"]]
    assert len(lessons) >= 3 and all(len(lesson["quiz"]) >= 2 for lesson in lessons)


def test_english_texts_have_no_chinese_characters_or_punctuation():
    for article in read_articles():
        with pytest.raises(ContentError):
            check_article(article | {"body_en": article["body_en"] + "，"})


def test_a_quiz_answer_must_be_one_of_its_choices():
    lesson = by_slug()["lesson-card-safety"]
    bad = dict(lesson["quiz"][0], answer=7)
    with pytest.raises(ContentError, match="answer"):
        check_article(lesson | {"quiz": [bad]})


def test_body_markup():
    blocks = parse_body("开头\n\n## 步骤\n1. 一\n2. 二\n- 甲\n- 乙\n结尾")
    assert [(b.kind, b.lines) for b in blocks] == [
        ("p", ("开头",)),
        ("h", ("步骤",)),
        ("ol", ("一", "二")),
        ("ul", ("甲", "乙")),
        ("p", ("结尾",)),
    ]
