"""Clarifying questions for the confusable pairs: both readings offered in plain words, the
merchant's choice answered and kept as a labelled example for a supervisor to review."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from assistant.models import LearnedExample

NOON = dt.datetime(2026, 6, 10, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("question", "first", "second"),
    [
        ("撤销", "撤销或退掉一笔交易", "不再使用这台 POS 机（注销或退机）"),
        (
            "店里所有交易都显示96",
            "POS 机上显示了一个代码",
            "所有交易都刷不了，想知道是不是系统故障",
        ),
        ("卡刷不了", "机器读不了卡（插卡、刷卡或挥卡没反应）", "读卡以后交易被拒绝"),
        (
            "有人给我打电话说POS机的事",
            "有人来电说 POS 的事，想核实是不是我们打的",
            "推销或回访电话太多，想少接电话",
        ),
    ],
)
def test_a_confusable_question_offers_both_readings_in_plain_words(
    chat, alice, question, first, second
):
    reply = chat(alice).say(question, now=NOON)
    assert reply.action == "clarify"
    assert first in reply.text and second in reply.text
    assert reply.quick_replies == [first, second, "转人工"]


def test_an_english_conversation_offers_the_readings_and_quick_replies_in_english(chat, alice):
    from tests.browser import chinese_in

    reply = chat(alice, language="en").say("cancel", now=NOON)
    assert reply.action == "clarify" and len(reply.quick_replies) == 3
    assert not chinese_in(" ".join(reply.quick_replies)), reply.quick_replies
    assert not chinese_in(reply.text), reply.text


def test_the_merchants_choice_is_answered_and_kept_for_review(chat, alice, articles):
    talk = chat(alice)
    talk.say("撤销", now=NOON)
    answer = talk.say("撤销或退掉一笔交易", now=NOON)
    assert answer.intent == "refund_void" and answer.action == "answer"
    assert "消费撤销" in answer.text
    example = LearnedExample.objects.get()
    assert (example.text, example.intent, example.status) == ("撤销", "refund_void", "pending")
    assert example.offered == ["refund_void", "cancel_pos"]


def test_the_other_reading_leads_to_the_other_answer(chat, alice):
    talk = chat(alice)
    talk.say("撤销", now=NOON)
    answer = talk.say("不再使用这台 POS 机（注销或退机）", now=NOON)
    assert answer.intent == "cancel_pos"
    assert LearnedExample.objects.get().intent == "cancel_pos"


def test_words_that_settle_the_reading_are_answered_without_a_question(chat, alice, articles):
    reply = chat(alice).say("刚才那笔消费怎么撤销", now=NOON)
    assert reply.action == "answer" and reply.intent == "refund_void"


def test_learned_examples_are_for_staff_only(chat, alice, bob, charlie, agent):
    talk = chat(alice)
    talk.say("撤销", now=NOON)
    talk.say("撤销或退掉一笔交易", now=NOON)
    assert LearnedExample.objects.visible_to(agent).count() == 1
    for user in (alice, bob, charlie):
        assert LearnedExample.objects.visible_to(user).count() == 0


def test_a_supervisor_accepts_an_example_in_the_admin(client, chat, alice, supervisor):
    talk = chat(alice)
    talk.say("撤销", now=NOON)
    talk.say("撤销或退掉一笔交易", now=NOON)
    example = LearnedExample.objects.get()
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:assistant_learnedexample_changelist"),
        {"action": "accept", "_selected_action": [example.pk]},
    )
    assert response.status_code == 302
    example.refresh_from_db()
    assert example.status == "accepted" and example.reviewed_by == supervisor


@pytest.fixture
def unsure_reading(monkeypatch):
    """The model's reading of a given message replaced by an unsure one (what it says of
    "不清楚" depends on the training data; the dialogue's handling of it must not)."""
    from assistant import services
    from assistant.nlu import Understanding

    real = services.understand
    readings = {}

    def understand(text, **kwargs):
        if text in readings:
            return readings[text]
        return real(text, **kwargs)

    monkeypatch.setattr(services, "understand", understand)

    def unsure(text, intent, alternative):
        readings[text] = Understanding(
            intent=intent, confidence=0.19, alternatives=[(alternative, 0.12)], action="clarify"
        )

    return unsure


def test_i_dont_know_to_a_clarifying_question_is_not_taken_as_a_choice(
    chat, alice, terminal_a, unsure_reading
):
    unsure_reading("小票怎么弄", "printer_paper", "other")
    unsure_reading("不清楚", "printer_paper", "other")
    talk = chat(alice)
    asked = talk.say("小票怎么弄", now=NOON)
    assert asked.action == "clarify" and talk.conversation.state["flow"] == "clarify"
    reply = talk.say("不清楚", now=NOON)
    # Not the printing guide on an unsure guess: asked to say it in other words, or a person.
    assert "第 1 步" not in reply.text
    assert "换个说法" in reply.text and reply.quick_replies == ["转人工"]
    assert talk.conversation.state == {}
    assert not LearnedExample.objects.exists()


def test_an_unsure_reading_that_is_one_of_the_options_is_no_choice(
    chat, alice, terminal_a, unsure_reading
):
    unsure_reading("小票怎么弄", "printer_paper", "other")
    unsure_reading("嗯嗯", "printer_paper", "other")
    talk = chat(alice)
    talk.say("小票怎么弄", now=NOON)
    reply = talk.say("嗯嗯", now=NOON)
    assert "第 1 步" not in reply.text
    assert not LearnedExample.objects.exists()
