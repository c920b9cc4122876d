"""The same message sent twice — a double tap on a quick reply, a form sent again, an API
client's retry — is one message: the first sending's answer, nothing stored or done twice. The
same words sent again after the answer (a second "still not working") are a new message."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from assistant.models import HandOff, Message

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 11, 24, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _last_id(conversation) -> int:
    return conversation.messages.order_by("pk").last().pk


def test_still_not_working_tapped_twice_is_not_taken_as_the_answer_to_the_next_question(
    chat, alice, terminal_a
):
    talk = chat(alice)
    talk.say("打印机不出纸了", now=NOON)
    talk.say("还是不行", now=NOON)
    talk.say("还是不行", now=NOON)  # the last step offered
    seen = _last_id(talk.conversation)
    first = talk.services.post_message(talk.conversation, "还是不行", user=alice, after=seen)
    second = talk.services.post_message(talk.conversation, "还是不行", user=alice, after=seen)
    assert first.outbound.action == "ask" and not first.repeated
    assert second.repeated and second.outbound.pk == first.outbound.pk
    assert second.inbound.pk == first.inbound.pk
    assert talk.conversation.messages.filter(pk__gt=seen).count() == 2
    handoff = HandOff.objects.get()
    assert "serial_number" not in handoff.facts  # "还是不行" is no serial number
    talk.conversation.refresh_from_db()
    assert talk.conversation.state["flow"] == "collect"


def test_the_same_words_after_the_answer_are_a_new_message(chat, alice, terminal_a):
    talk = chat(alice)
    talk.say("打印机不出纸了", now=NOON)
    one = talk.services.post_message(
        talk.conversation, "还是不行", user=alice, after=_last_id(talk.conversation)
    )
    two = talk.services.post_message(
        talk.conversation, "还是不行", user=alice, after=_last_id(talk.conversation)
    )
    assert not two.repeated
    assert "第 2 步" in one.outbound.text and "第 3 步" in two.outbound.text


def test_a_quick_reply_tapped_twice_in_the_portal_shows_one_answer(client, alice, terminal_a):
    client.force_login(alice)
    client.post(reverse("assistant_send"), {"text": "打印机不出纸了"}, HTTP_HX_REQUEST="true")
    seen = Message.objects.order_by("pk").last().pk
    page = client.get(reverse("assistant_chat")).content.decode()
    assert f'name="after" value="{seen}"' in page  # the form and every quick reply carry it
    tap = {"text": "还是不行", "after": seen}
    first = client.post(reverse("assistant_send"), tap, HTTP_HX_REQUEST="true").content.decode()
    second = client.post(reverse("assistant_send"), tap, HTTP_HX_REQUEST="true").content.decode()
    assert first.count('class="bubble ') == 2 and "第 2 步" in first
    assert 'class="bubble ' not in second  # nothing new to show
    assert Message.objects.filter(pk__gt=seen).count() == 2
    newest = Message.objects.order_by("pk").last().pk
    assert f'id="chat-after" value="{newest}"' in first and "hx-swap-oob" in first


def test_an_api_retry_gets_the_first_answer_and_stores_nothing(client, alice, terminal_a):
    client.force_login(alice)
    url = "/api/assistant/messages"
    start = client.post(url, {"text": "打印机不出纸了"}, content_type="application/json").json()
    retry = {"conversation": start["conversation"], "text": "还是不行", "after": start["message"]}
    first = client.post(url, retry, content_type="application/json").json()
    again = client.post(url, retry, content_type="application/json").json()
    assert again["message"] == first["message"] and again["reply"] == first["reply"]
    assert "第 2 步" in first["reply"]
    assert Message.objects.count() == 4


def test_a_message_number_past_64_bits_is_refused_not_a_500(client, alice, terminal_a):
    client.force_login(alice)
    url = "/api/assistant/messages"
    start = client.post(url, {"text": "打印机不出纸了"}, content_type="application/json").json()
    huge = {"conversation": start["conversation"], "text": "还是不行", "after": 10**30}
    response = client.post(url, huge, content_type="application/json")
    assert response.status_code == 400 and "after" in response.json()
    assert Message.objects.count() == 2
