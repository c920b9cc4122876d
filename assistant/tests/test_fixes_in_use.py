"""Fixes seen in use (issue 11): promises from the ticket's own SLA calendar, low confidence
asks before any ticket, out of scope answered as such, a code question in English, and the
contact preferences offered to a merchant who is called too often."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assistant.models import HandOff
from assistant.nlu import Understanding, understand

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Thursday, 00:25: nobody is in the office, the 7×24 desk is.
NIGHT = dt.datetime(2026, 11, 26, 0, 25, tzinfo=SHANGHAI)
NOON = dt.datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)


def test_a_7x24_p2_ticket_at_0025_is_promised_by_its_own_sla_not_by_office_hours(
    chat, alice, terminal_a, agent
):
    from desk.models import Queue, Ticket

    Queue.objects.get(code="l1").members.add(agent)
    talk = chat(alice)
    talk.say("所有交易都失败了", now=NIGHT)
    reply = talk.say("转人工", now=NIGHT)
    while reply.action == "ask":
        reply = talk.say("不清楚", now=NIGHT)
    ticket = Ticket.objects.get()
    assert ticket.priority == "P2" and ticket.first_response_due_at is not None
    assert "不在人工值班时间" not in reply.text and "10:00" not in reply.text
    # Promised by the P2 policy's first response (30 minutes round the clock).
    due = ticket.first_response_due_at.astimezone(SHANGHAI)
    assert due - ticket.created_at <= dt.timedelta(minutes=30)
    assert due.strftime("%Y-%m-%d %H:%M") in reply.text
    handoff = HandOff.objects.get()
    assert not handoff.outside_hours and handoff.callback_due_at is None
    assert talk.conversation.staffed_hours == "7×24"


def test_the_staffing_of_a_ticket_comes_from_its_own_policy(alice, terminal_a):
    from assistant import backends
    from desk.services import open_ticket

    p2 = open_ticket(
        merchant=terminal_a.merchant,
        category="transaction_failure",
        description="全部失败",
        channel="assistant",
        facts={},
        terminal=terminal_a,
        transcript=[],
        idempotency_key="k2",
    )
    p3 = open_ticket(
        merchant=terminal_a.merchant,
        category="other",
        description="问个事",
        channel="assistant",
        facts={},
        terminal=terminal_a,
        transcript=[],
        idempotency_key="k3",
    )
    night_p2 = backends.ticket_staffing(backends._ticket_info(p2), NIGHT)
    assert night_p2.staffed and night_p2.hours == "7×24"
    night_p3 = backends.ticket_staffing(backends._ticket_info(p3), NIGHT)
    assert not night_p3.staffed
    assert night_p3.next_open_at == dt.datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)


class _Reads:
    """A model stand-in that reads every message as one intent with a set confidence: the
    dialogue's policy is tested, not the model's reading of the words."""

    clarify_threshold = 0.25

    def __init__(self, intent: str, confidence: float, alternatives: list) -> None:
        self.intent, self.confidence, self.alternatives = intent, confidence, alternatives

    def predict(self, text):
        from assistant.nlu.classifier import Prediction

        return Prediction(self.intent, self.confidence, self.alternatives)

    def decide(self, prediction):
        from assistant.nlu.classifier import decide

        return decide(prediction, self.clarify_threshold)


def test_an_office_hours_ticket_at_0025_is_told_when_the_office_opens(alice, terminal_a):
    from assistant import services

    conversation = services.start_conversation(user=alice, session_key="s", channel="portal")
    text = "我要投诉你们的业务员"
    model = _Reads("complaint", 0.95, [("other", 0.03), ("device_fault", 0.02)])
    exchange = services.post_message(conversation, text, user=alice, now=NIGHT, model=model)
    reply = exchange.reply
    assert reply.action == "handoff"
    assert "不在人工值班时间" in reply.text and "工作日 09:00–12:00, 13:30–18:00" in reply.text


def test_low_confidence_asks_first_and_opens_no_ticket(alice, terminal_a):
    from assistant import services

    conversation = services.start_conversation(user=alice, session_key="s", channel="portal")
    model = _Reads("complaint", 0.25, [("device_fault", 0.2), ("other", 0.15)])
    exchange = services.post_message(conversation, "怎么保养POS机", user=alice, model=model)
    assert exchange.reply.action == "clarify"
    assert not HandOff.objects.exists()


def test_out_of_scope_is_answered_as_out_of_scope_with_the_hotline(chat, alice):
    from directory.models import Hotline, Institution

    unionpay = Institution.objects.filter(code="unionpay").first() or Institution.objects.create(
        code="unionpay", name="中国银联", name_en="UnionPay", kind="scheme"
    )
    if not Hotline.objects.public().exists():
        Hotline.objects.create(institution=unionpay, number="95516", name="银联客服")
    reply = chat(alice).say("今天天气怎么样", now=NOON)
    assert reply.intent == "other" and reply.action == "answer"
    assert "不在 POS 商户服务的范围内" in reply.text and "官方客服热线" in reply.text
    assert not HandOff.objects.exists()


def test_my_pos_shows_51_is_a_code_question(nlu_model):
    result: Understanding = understand("my pos shows 51, what does it mean", model=nlu_model)
    assert result.intent == "txn_failed_code" and result.action == "answer"
    assert result.entities["response_codes"] == ["51"]


def test_a_merchant_called_too_often_is_offered_the_contact_preferences(chat, alice, merchant_a):
    reply = chat(alice).say("你们天天打电话骚扰我，能不能别再打了", now=NOON)
    assert reply.intent == "too_many_calls" and reply.action == "answer"
    assert f"/portal/contacts/{merchant_a.merchant_id}/preferences/" in reply.text


def test_the_preferences_link_is_a_link_in_the_chat_but_a_merchants_text_is_not(client, alice):
    from django.template.loader import render_to_string

    from assistant.models import Message

    out = Message(direction="out", text="联系偏好：/portal/contacts/898110154110001/preferences/")
    html = render_to_string("assistant/_message.html", {"message": out})
    assert '<a href="/portal/contacts/898110154110001/preferences/">' in html
    typed = Message(direction="in", text="/portal/contacts/x/ <b>hi</b>")
    html = render_to_string("assistant/_message.html", {"message": typed})
    assert "<a " not in html and "&lt;b&gt;" in html
