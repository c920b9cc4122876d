"""Hand-off rules that do not depend on the desk: visitors and users without a merchant are
sent to the official hotlines; merchants with several merchants are asked which one; the
staffed-hours window decides the call-back promise."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assistant import backends
from assistant.models import Conversation, HandOff

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_visitor_is_given_the_official_hotlines(chat, anonymous):
    talk = chat(anonymous)
    reply = talk.say("我要投诉你们的服务太差了")
    assert reply.action == "handoff"
    assert "95516" in reply.text and "登录" in reply.text
    handoff = HandOff.objects.get()
    assert handoff.reason == HandOff.Reason.COMPLAINT
    assert handoff.status == HandOff.Status.NO_TICKET and handoff.ticket is None
    assert talk.conversation.status == Conversation.Status.HANDED_OFF


def test_user_without_merchant_gets_hotlines_not_a_ticket(chat, charlie):
    reply = chat(charlie).say("转人工")
    assert reply.action == "handoff" and "95534" in reply.text
    assert HandOff.objects.get().status == HandOff.Status.NO_TICKET


def test_several_merchants_are_asked_which_one(chat, alice, merchant_b, terminal_a):
    merchant_b.members.add(alice)
    merchant_b.short_name = "老王面馆"
    merchant_b.save(update_fields=["short_name"])
    talk = chat(alice)
    reply = talk.say("转人工")
    assert reply.action == "ask"
    # Shop names, not bare 15-digit IDs.
    assert "老王面馆" in reply.quick_replies and len(reply.quick_replies) == 2
    assert not any(label.isdigit() for label in reply.quick_replies)
    reply = talk.say("老王面馆")
    assert talk.conversation.merchant == merchant_b
    assert reply.action == "handoff"


def test_merchant_id_still_accepted_and_twin_names_told_apart(chat, alice, merchant_b):
    from assistant.turn import merchant_choices

    merchant_b.members.add(alice)
    merchants = list(alice.merchants.order_by("merchant_id"))
    for merchant in merchants:
        merchant.short_name = "测试商户"
        merchant.save(update_fields=["short_name"])
    assert merchant_choices(merchants) == ["测试商户（…0001）", "测试商户（…0002）"]
    talk = chat(alice)
    talk.say("转人工")
    reply = talk.say("898310158120002")
    assert talk.conversation.merchant == merchant_b
    assert reply.action == "handoff"


def test_someone_elses_merchant_id_is_not_accepted(chat, alice, merchant_b, make_user):
    from tests.factories import MerchantFactory

    second = MerchantFactory(merchant_id="898110154110009")
    second.members.add(alice)
    talk = chat(alice)
    talk.say("转人工")
    reply = talk.say("898310158120002")  # bob's merchant
    assert talk.conversation.merchant is None
    assert reply.action == "ask"


def test_staffed_hours_window(settings):
    settings.ASSISTANT_STAFFED_HOURS = "08:00-20:00"
    noon = dt.datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)
    late = dt.datetime(2026, 11, 24, 22, 30, tzinfo=SHANGHAI)
    early = dt.datetime(2026, 11, 25, 6, 0, tzinfo=SHANGHAI)
    assert backends.staffing(noon).staffed
    after = backends.staffing(late)
    assert not after.staffed and after.hours == "每天 08:00–20:00"
    assert after.next_open_at == dt.datetime(2026, 11, 25, 8, 0, tzinfo=SHANGHAI)
    assert backends.staffing(early).next_open_at == dt.datetime(2026, 11, 25, 8, 0, tzinfo=SHANGHAI)


def test_outside_staffed_hours_records_a_call_back(chat, alice, terminal_a, agent, settings):
    from desk.models import Queue, Ticket

    Queue.objects.get(code="l1").members.add(agent)
    settings.ASSISTANT_STAFFED_HOURS = "08:00-20:00"
    late = dt.datetime.now(SHANGHAI).replace(hour=22, minute=30)
    reply = chat(alice).say("转人工", now=late)
    ticket = Ticket.objects.get()
    assert ticket.number in reply.text and ticket.priority == "P3"
    # The promise follows the ticket's own SLA calendar (P3: office hours), not a global window.
    assert "不在人工值班时间" in reply.text and "工作日 09:00–12:00, 13:30–18:00" in reply.text
    handoff = HandOff.objects.get()
    assert handoff.outside_hours and handoff.callback_due_at is not None
    assert handoff.callback_due_at.astimezone(SHANGHAI).hour == 10
    commitment = ticket.commitments.get()
    assert commitment.due_at == handoff.callback_due_at and commitment.owner == agent
    assert ticket.number in commitment.promise and commitment.created_by == alice


def test_staffed_hours_follow_the_desk_calendar_by_default(settings):
    settings.ASSISTANT_STAFFED_HOURS = ""
    saturday = dt.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)
    weekday_morning = dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)
    lunch = dt.datetime(2026, 11, 26, 12, 30, tzinfo=SHANGHAI)
    assert backends.staffing(weekday_morning).staffed
    at_lunch = backends.staffing(lunch)
    assert not at_lunch.staffed
    assert at_lunch.next_open_at == dt.datetime(2026, 11, 26, 13, 30, tzinfo=SHANGHAI)
    weekend = backends.staffing(saturday)
    assert not weekend.staffed
    assert weekend.next_open_at == dt.datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
    assert "09:00–12:00" in weekend.hours


def test_the_same_conversation_does_not_open_a_second_ticket(chat, alice, terminal_a):
    from desk.models import Ticket

    talk = chat(alice)
    first = talk.say("转人工")
    second = talk.say("转人工")
    assert Ticket.objects.count() == 1
    assert first.ticket_number and first.ticket_number in second.text


def test_with_several_terminals_one_tap_names_the_terminal(chat, alice, terminal_a):
    from desk.models import Ticket
    from tests.factories import TerminalFactory

    second = TerminalFactory(merchant=terminal_a.merchant, terminal_id="10000002")
    talk = chat(alice)
    talk.say("POS机开不了机")
    for _step in range(3):
        reply = talk.say("还是不行")
    assert reply.action == "ask" and "哪一台终端" in reply.text
    assert reply.quick_replies == ["10000001", "10000002", "不清楚"]
    reply = talk.say("10000002")
    assert reply.action in ("ask", "handoff") and "终端" not in reply.text.split("？")[0]
    while reply.action == "ask":
        reply = talk.say("不清楚")
    ticket = Ticket.objects.get()
    assert ticket.terminal == second and ticket.facts["serial_number"] == second.serial_number


def test_english_hand_off_outside_desk_hours(chat, alice, terminal_a, settings):
    settings.ASSISTANT_STAFFED_HOURS = ""  # the desk's office calendar
    saturday = dt.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)
    talk = chat(alice)
    reply = talk.say("I want to talk to a real person", now=saturday)
    assert reply.action == "handoff" and "Agents are not on duty" in reply.text
    assert "working days 09:00–12:00, 13:30–18:00" in talk.conversation.staffed_hours
    assert talk.conversation.outside_staffed_hours


def test_the_agent_reads_the_facts_of_a_handoff_under_their_labels(client, agent, chat, alice):
    from django.urls import reverse

    talk = chat(alice)
    HandOff.objects.create(
        conversation=talk.conversation,
        sequence=1,
        reason=HandOff.Reason.TROUBLESHOOTING_FAILED,
        facts={"serial_number": "N910X", "started_at": "今天上午"},
        outside_hours=True,
        callback_due_at=dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI),
    )
    client.force_login(agent)
    url = reverse("assistant_transcript", args=[talk.conversation.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "序列号 (SN)" in html and "N910X" in html and "serial_number" not in html
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    assert "Serial number (SN)" in html and "started_at" not in html
    assert "call-back promised by: 2026-11-26 10:00" in html
