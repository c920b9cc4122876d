"""Supervisors edit the knowledge base the answers come from; the dashboard shows
containment, hand-off reasons, top intents and the messages the assistant could not answer."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from assistant.models import Article, HandOff
from assistant.reports import dashboard

pytestmark = pytest.mark.django_db


def test_answers_come_from_published_articles_only(chat, alice, articles):
    reply = chat(alice).say("怎么撤销一笔交易")
    assert reply.intent == "refund_void" and "消费撤销" in reply.text
    reply = chat(alice).say("费率是多少")
    assert reply.intent == "fee_rate"
    assert "未发布" not in reply.text and reply.unanswered  # the only fee article is a draft


def test_supervisor_edits_an_article_and_the_next_answer_uses_it(
    client, chat, alice, supervisor, articles
):
    client.force_login(supervisor)
    article = articles[1]
    response = client.post(
        reverse("assistant_article_edit", args=[article.pk]),
        {
            "slug": article.slug,
            "title_zh": "撤销与退货（新版）",
            "title_en": "Void and refund (new)",
            "body_zh": "当日交易请用“消费撤销”；需要主管密码。",
            "body_en": "Same-day: void; needs the supervisor password.",
            "intents": ["refund_void", "duplicate_charge"],
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.updated_by == supervisor and article.intents == [
        "refund_void",
        "duplicate_charge",
    ]
    reply = chat(alice).say("顾客被重复扣款了两次怎么办")
    assert reply.intent == "duplicate_charge" and "新版" in reply.text


def test_supervisor_creates_an_article_with_both_languages(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("assistant_article_new"),
        {"slug": "x", "title_zh": "标题", "body_zh": "正文", "intents": ["hotline"]},
    )
    assert response.status_code == 200  # English title and body are required
    assert not Article.objects.exists()


def test_transcript_shows_articles_to_agents(client, chat, alice, agent, articles):
    talk = chat(alice)
    talk.say("怎么做退货")
    client.force_login(agent)
    html = client.get(reverse("assistant_transcript", args=[talk.conversation.pk])).content.decode()
    assert "撤销与退货" in html and "怎么做退货" in html


def test_dashboard_figures(client, chat, alice, bob, supervisor, articles, anonymous):
    chat(alice).say("刷卡显示51")  # answered
    chat(bob).say("转人工")  # handed off
    chat(anonymous, session_key="s2").say("费率是多少")  # no published article: not answered
    data = dashboard(supervisor)
    assert data["conversations"] == 3 and data["handed_off"] == 1
    assert data["containment"] == pytest.approx(0.667, abs=0.001)
    assert data["handoff_reasons"][0]["reason"] == HandOff.Reason.REQUESTED
    assert {row["intent"] for row in data["top_intents"]} == {
        "txn_failed_code",
        "human_agent",
        "fee_rate",
    }
    assert [m.text for m in data["unanswered_messages"]] == ["费率是多少"]
    assert data["daily"][0]["conversations"] == 3
    client.force_login(supervisor)
    html = client.get(reverse("assistant_dashboard")).content.decode()
    assert "67%" in html and "费率是多少" in html and "chart.umd.min.js" in html


def test_staff_pages_in_english_have_no_untranslated_chinese(client, chat, alice, make_user):
    supervisor = make_user("chen", role="supervisor", agent_no="S9", display_name="Chen")
    alice.merchants.update(name="Green Grocer")  # data, not interface text
    talk = chat(alice)
    talk.say("hello")
    client.cookies["django_language"] = "en"
    client.force_login(supervisor)
    urls = [
        reverse("assistant_dashboard"),
        reverse("assistant_articles"),
        reverse("assistant_article_new"),
        reverse("assistant_transcripts"),
    ]
    for url in urls:
        html = client.get(url).content.decode()
        text = re.sub(r"<option[^>]*>.*?</option>", "", html)
        text = re.sub(r"<script.*?</script>", "", text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        assert not re.findall(r"[\u4e00-\u9fff]", text), url
    client.force_login(alice)
    html = client.get(reverse("assistant_chat")).content.decode()
    assert "Assistant" in html and "Talk to a person" in html
