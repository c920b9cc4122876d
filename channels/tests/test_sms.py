"""Two-way SMS through the provider webhooks: 退订 changes the preferences at once, a reply
lands on the open ticket, a question is answered by the assistant; resent texts count once."""

from __future__ import annotations

import pytest

from channels.models import InboundSms
from desk.models import Interaction
from outreach.models import ContactPreference

pytestmark = pytest.mark.django_db


def _generic(gateway, message_id: str, sender: str, text: str):
    return gateway.send(
        "/api/sms/inbound/generic", {"messages": [{"id": message_id, "from": sender, "text": text}]}
    )


def test_unsubscribe_removes_sms_from_the_preferences_at_once(sms_gateway, caller_a):
    response = _generic(sms_gateway, "m1", "13800001111", "退订")
    assert response.json()["messages"][0]["route"] == "unsubscribe"
    prefs = ContactPreference.objects.get(merchant=caller_a.merchant)
    assert "sms" not in prefs.channels and not prefs.marketing_opt_in


def test_stop_in_the_aliyun_format(sms_gateway, caller_a):
    report = [
        {
            "phone_number": "13800001111",
            "content": "STOP",
            "send_time": "2026-12-02 10:00:00",
            "sequence_id": 42,
        }
    ]
    response = sms_gateway.send("/api/sms/inbound/aliyun", report)
    assert response.status_code == 200 and response.json()["messages"][0]["route"] == "unsubscribe"
    assert "sms" not in ContactPreference.objects.get(merchant=caller_a.merchant).channels


def test_a_reply_lands_on_the_open_ticket(sms_gateway, caller_a, alice, ticket_a):
    _generic(sms_gateway, "m2", "+8613800001111", "打印机已经换纸了，还是不出小票")
    interaction = Interaction.objects.get(ticket=ticket_a, direction="inbound")
    assert "还是不出小票" in interaction.body


def test_a_question_goes_to_the_assistant(sms_gateway, caller_a, alice):
    response = _generic(sms_gateway, "m3", "13800001111", "刷卡显示51")
    message = response.json()["messages"][0]
    assert message["route"] == "assistant" and "51" in message["reply"] and message["reply"]


def test_the_same_text_twice_is_processed_once(sms_gateway, caller_a, alice, ticket_a):
    _generic(sms_gateway, "m4", "13800001111", "收到")
    again = _generic(sms_gateway, "m4", "13800001111", "收到")
    assert again.json()["messages"][0]["new"] is False
    assert Interaction.objects.filter(ticket=ticket_a, direction="inbound").count() == 1


def test_card_numbers_in_texts_are_masked(sms_gateway, caller_a):
    _generic(sms_gateway, "m5", "13800009999", "我的卡号 6222021234567890128 被扣款")
    assert "6222021234567890128" not in InboundSms.objects.get().text


def test_unknown_sender_and_another_institutions_merchant_are_not_matched(sms_gateway, merchant_b):
    from tests.factories import ContactFactory

    ContactFactory(merchant=merchant_b, phone="+8613900002222")  # merchant B has no acquirer here
    assert (
        _generic(sms_gateway, "m6", "13900002222", "退订").json()["messages"][0]["route"]
        == "unmatched"
    )
    assert not ContactPreference.objects.exists()


def test_bad_webhooks_get_clear_errors(sms_gateway, client):
    assert sms_gateway.send("/api/sms/inbound/unknown", {"messages": []}).status_code == 404
    assert (
        sms_gateway.send("/api/sms/inbound/generic", {"messages": [{"id": "x"}]}).status_code == 400
    )
    assert sms_gateway.send("/api/sms/inbound/generic", {"messages": []}).status_code == 400
    assert sms_gateway.send("/api/sms/inbound/aliyun", {"not": "a list"}).status_code == 400
    assert (
        client.post("/api/sms/inbound/generic", b"{}", content_type="application/json").status_code
        == 401
    )
