"""Who may see what: every assistant page and endpoint for alice (owner), bob (another
merchant), charlie (no merchant), an anonymous visitor, an agent and a supervisor."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from assistant.models import Article, Conversation, HandOff, Message

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def alice_talk(chat, alice, terminal_a):
    talk = chat(alice)
    talk.say("刷卡显示55")
    return talk.conversation


def test_querysets_scope_conversations_messages_and_handoffs(
    alice_talk, alice, bob, charlie, agent, anonymous
):
    assert list(Conversation.objects.visible_to(alice)) == [alice_talk]
    for user in (bob, charlie, anonymous):
        assert not Conversation.objects.visible_to(user).exists()
        assert not Message.objects.visible_to(user).exists()
        assert not HandOff.objects.visible_to(user).exists()
    assert Conversation.objects.visible_to(agent).count() == 1
    assert Message.objects.visible_to(alice).count() == 2


def test_draft_articles_only_for_staff(articles, alice, anonymous, agent):
    assert Article.objects.visible_to(alice).count() == 2
    assert Article.objects.visible_to(anonymous).count() == 2
    assert Article.objects.visible_to(agent).count() == 3


def test_chat_page_shows_only_own_conversation(client, alice_talk, alice, bob, charlie, agent):
    html = as_user(client, alice).get(reverse("assistant_chat")).content.decode()
    assert "刷卡显示55" in html and "PIN" in html
    for user in (bob, charlie, None):
        response = as_user(client, user).get(reverse("assistant_chat"))
        assert response.status_code == 200
        assert "刷卡显示55" not in response.content.decode()
    assert as_user(client, agent).get(reverse("assistant_chat")).status_code == 302


def test_sending_continues_only_own_conversation(client, alice_talk, alice, bob):
    as_user(client, bob).post(reverse("assistant_send"), {"text": "打印不出小票"})
    assert alice_talk.messages.count() == 2  # bob's message went to bob's own conversation
    assert Conversation.objects.filter(user=bob).count() == 1
    as_user(client, alice).post(reverse("assistant_send"), {"text": "谢谢"})
    assert alice_talk.messages.count() == 4


def test_anonymous_visitors_keep_their_own_session_conversation(client, alice_talk):
    client.logout()
    client.post(reverse("assistant_send"), {"text": "95516 是银联的电话吗"})
    mine = Conversation.objects.get(user__isnull=True)
    assert mine.session_digest and mine.messages.count() == 2
    other = client.__class__()
    html = other.get(reverse("assistant_chat")).content.decode()
    assert "95516 是银联的电话吗" not in html


@pytest.mark.parametrize("name", ["assistant_transcripts", "assistant_transcript"])
def test_transcripts_are_staff_only(client, alice_talk, alice, bob, charlie, agent, name):
    url = reverse(name, args=[alice_talk.pk] if name == "assistant_transcript" else [])
    for user in (alice, bob, charlie, None):
        assert as_user(client, user).get(url).status_code == (302 if user is None else 403)
    response = as_user(client, agent).get(url)
    assert response.status_code == 200
    if name == "assistant_transcript":
        assert "刷卡显示55" in response.content.decode()


@pytest.mark.parametrize(
    "name", ["assistant_dashboard", "assistant_articles", "assistant_article_new"]
)
def test_supervisor_pages(client, alice, bob, charlie, agent, supervisor, name):
    url = reverse(name)
    for user in (alice, bob, charlie, None, agent):
        assert as_user(client, user).get(url).status_code == (302 if user is None else 403)
    assert as_user(client, supervisor).get(url).status_code == 200


def test_article_edit_page_is_supervisor_only(client, articles, alice, agent, supervisor):
    url = reverse("assistant_article_edit", args=[articles[0].pk])
    for user in (alice, None, agent):
        assert as_user(client, user).get(url).status_code == (302 if user is None else 403)
    assert as_user(client, supervisor).get(url).status_code == 200


def test_merchant_360_panel_lists_the_merchants_conversations(client, alice_talk, agent, alice):
    url = reverse("merchant_360", args=[alice_talk.merchant.merchant_id])
    html = as_user(client, agent).get(url).content.decode()
    assert reverse("assistant_transcript", args=[alice_talk.pk]) in html


def api_post(client, user, payload):
    client.logout()
    headers = {}
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    return client.post(
        reverse("api_assistant_messages"), payload, content_type="application/json", **headers
    )


def test_api_conversations_belong_to_their_user(client, alice, bob, charlie, agent, terminal_a):
    first = api_post(client, alice, {"text": "刷卡显示51"})
    assert first.status_code == 200
    body = first.json()
    assert body["intent"] == "txn_failed_code" and body["action"] == "answer"
    assert body["entities"] == {"response_codes": ["51"]} and "资金不足" in body["reply"]
    conversation = body["conversation"]
    again = api_post(client, alice, {"conversation": conversation, "text": "谢谢"})
    assert again.status_code == 200 and again.json()["conversation"] == conversation
    for user in (bob, charlie):
        response = api_post(client, user, {"conversation": conversation, "text": "转人工"})
        assert response.status_code == 404
    assert api_post(client, None, {"text": "转人工"}).status_code in (401, 403)
    assert api_post(client, agent, {"text": "转人工"}).status_code == 403
    assert Message.objects.filter(conversation__public_id=conversation).count() == 4


def test_api_rejects_empty_and_overlong_messages(client, alice):
    assert api_post(client, alice, {"text": ""}).status_code == 400
    assert api_post(client, alice, {"text": "长" * 1001}).status_code == 400
    assert not Message.objects.exists()
