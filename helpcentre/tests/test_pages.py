"""The public help centre: browse, search, read, take a quiz (scored on the server), the
charter from live settings; agents send an article from a ticket; the assistant links to it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from assistant.models import Article
from helpcentre.models import QuizAttempt

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def visible_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<option[^>]*>.*?</option>", "", html)  # the language menu names itself
    return re.sub(r"<[^>]+>", " ", html)


def right_answers(slug: str) -> dict[str, str]:
    quiz = Article.objects.get(slug=slug).quiz
    return {f"q{n}": str(q["answer"]) for n, q in enumerate(quiz, start=1)}


def test_anyone_browses_the_sections(client, help_articles):
    page = client.get(reverse("help_home")).content.decode()
    for label in ("常见问题与解决", "日常保养", "设置、限额与更新", "POS 机用不了时", "收银员培训"):
        assert label in page
    assert reverse("help_article", args=["pos-down"]) in page


def test_search_finds_the_printer_articles_in_both_languages(client, help_articles):
    page = client.get(reverse("help_home"), {"q": "打印头"}).content.decode()
    results = page.split('class="help-results"')[1].split("</section>")[0]
    assert "/help/printer-problems/" in results and "/help/transaction-limits/" not in results
    client.cookies["django_language"] = "en"
    page = client.get(reverse("help_home"), {"q": "print head"}).content.decode()
    assert "/help/printer-problems/" in page.split('class="help-results"')[1]
    nothing = client.get(reverse("help_home"), {"q": "zzzz"}).content.decode()
    assert "Nothing found" in nothing


def test_english_pages_have_no_chinese(client, help_articles):
    client.cookies["django_language"] = "en"
    for url in (
        reverse("help_home"),
        reverse("help_home") + "?q=battery",
        reverse("help_article", args=["service-charter"]),
        reverse("help_article", args=["lesson-card-safety"]),
    ):
        chinese = CJK.findall(visible_text(client.get(url)))
        assert not chinese, f"{url}: {''.join(chinese)[:60]}"


def test_quiz_is_scored_on_the_server_and_recorded_once(client, help_articles, alice, merchant_a):
    url = reverse("help_article", args=["lesson-sale-void-refund"])
    page = client.get(url).content.decode()
    assert "当天结算前的交易用" not in page  # explanations (and answers) only after hand-in
    client.force_login(alice)
    answers = right_answers("lesson-sale-void-refund") | {"attempt": "k1"}
    page = client.post(url, answers).content.decode()
    assert "答对 3 / 3 题" in page and "当天结算前的交易用" in page
    client.post(url, answers)  # the same form handed in again
    attempt = QuizAttempt.objects.get()
    assert (attempt.user, attempt.merchant, attempt.score, attempt.total) == (
        alice,
        merchant_a,
        3,
        3,
    )
    wrong = answers | {"q1": "0", "attempt": "k2"}
    page = client.post(url, wrong).content.decode()
    assert "答对 2 / 3 题" in page and "正确答案" in page
    assert QuizAttempt.objects.count() == 2


def test_incomplete_or_bad_answers_are_refused_clearly(client, help_articles):
    url = reverse("help_article", args=["lesson-end-of-day"])
    for bad in ({}, {"q1": "1"}, {"q1": "9", "q2": "1"}, {"q1": "x", "q2": "1"}):
        response = client.post(url, bad)
        assert response.status_code == 400
        assert "请回答全部题目后再提交" in response.content.decode()
    client.cookies["django_language"] = "en"
    response = client.post(url, {})
    assert "Please answer every question" in response.content.decode()
    assert QuizAttempt.objects.count() == 0  # anonymous visitors are scored, not recorded


def test_charter_shows_the_live_rules(client, help_articles):
    from desk.defaults import ensure_defaults
    from directory.models import Institution, RegisteredNumber

    ensure_defaults()
    bank = Institution.objects.create(code="cb", name="测试收单", name_en="Test Acquirer")
    RegisteredNumber.objects.create(institution=bank, number="01056710000")
    page = client.get(reverse("help_article", args=["service-charter"])).content.decode()
    assert "010 5671 0000" in page and "测试收单" in page
    assert "非紧急电话每周至多 2 次" in page and "21:00–09:00" in page
    assert "15 分钟" in page  # P1 first response
    assert reverse("verify_contact") in page


def test_drafts_are_not_public(client, help_articles, agent):
    Article.objects.filter(slug="care-paper").update(is_published=False)
    url = reverse("help_article", args=["care-paper"])
    assert client.get(url).status_code == 404
    assert "/help/care-paper/" not in client.get(reverse("help_home")).content.decode()


def test_agent_sends_an_article_from_a_ticket(client, help_articles, agent, alice, ticket_a):
    article = Article.objects.get(slug="care-paper")
    client.force_login(agent)
    action = reverse("desk_ticket_action", args=[ticket_a.number, "article"])
    client.post(action, {"h-article": article.pk})
    sent = ticket_a.interactions.get(body__contains="/help/care-paper/")
    assert sent.is_public and sent.agent_no == "A1001"
    client.force_login(alice)
    page = client.get(reverse("portal_ticket", args=[ticket_a.number])).content.decode()
    assert '<a href="/help/care-paper/">📖 打印纸的选购和保存</a>' in page
