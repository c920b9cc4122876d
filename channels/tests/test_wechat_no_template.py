"""An Official Account without a notice template (`Integration.template_id` empty): a notice
reaches a bound follower as a customer-service message while they wrote to the account in the
last 48 hours; after that WeChat cannot reach them, so the notice goes by SMS to the user's
phone instead, or — no phone, or SMS turned off — it is recorded as not deliverable with the
reason, which agents see on the merchant's 360° page. Never dropped without a trace."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from channels.tests.conftest import CUSTOM_SEND
from notifications.models import Delivery
from notifications.services import notify, set_preference
from notifications.transports.sms import LoggingSmsProvider

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_template(account, bound, alice):
    """The account has no template; alice wrote to it an hour ago; her phone is on file."""
    account.template_id = ""
    account.save(update_fields=["template_id"])
    bound.last_message_at = timezone.now() - dt.timedelta(hours=1)
    bound.save(update_fields=["last_message_at"])
    alice.phone = "+8613800001111"
    alice.save(update_fields=["phone"])
    LoggingSmsProvider.sent.clear()
    return bound


def _window_closed(follower) -> None:
    follower.last_message_at = timezone.now() - dt.timedelta(hours=48, minutes=1)
    follower.save(update_fields=["last_message_at"])


def _ticket_update(merchant, capture) -> None:
    with capture(execute=True):
        notify(
            merchant,
            event="desk.ticket_update",
            subject="工单 T1 有新进展",
            body="技术员已出发",
            link="/portal/tickets/",
        )


def test_inside_the_window_the_notice_is_a_customer_service_message(
    wechat_api, no_template, merchant_a, django_capture_on_commit_callbacks
):
    _ticket_update(merchant_a, django_capture_on_commit_callbacks)
    assert wechat_api.paths == [CUSTOM_SEND]
    (sent,) = wechat_api.sent
    assert sent["touser"] == "o-alice" and sent["msgtype"] == "text"
    lines = sent["text"]["content"].split("\n")
    assert lines[:2] == ["工单 T1 有新进展", "技术员已出发"]
    assert lines[2].endswith("/portal/tickets/")  # the link the template would have carried
    (attempt,) = Delivery.objects.filter(channel="wechat")
    assert attempt.status == "sent" and attempt.reason == ""
    assert LoggingSmsProvider.sent == []


def test_outside_the_window_the_notice_goes_by_sms_instead(
    wechat_api, no_template, merchant_a, django_capture_on_commit_callbacks
):
    _window_closed(no_template)
    _ticket_update(merchant_a, django_capture_on_commit_callbacks)
    assert wechat_api.sent == []
    assert LoggingSmsProvider.sent == [("+8613800001111", "工单 T1 有新进展：技术员已出发")]
    tried = Delivery.objects.filter(channel="wechat").get()
    assert (tried.status, tried.reason) == ("failed", "wechat_closed_sms")
    instead = Delivery.objects.filter(channel="sms").get()
    assert (instead.status, instead.reason) == ("sent", "instead_of_wechat")
    assert instead.address == "+8613800001111"


def test_when_wechat_says_the_window_closed_the_notice_goes_by_sms(
    wechat_api, no_template, merchant_a, django_capture_on_commit_callbacks
):
    wechat_api.mode = "window_closed"  # poscare thought the window open; WeChat says 45015
    _ticket_update(merchant_a, django_capture_on_commit_callbacks)
    assert wechat_api.sent == [] and len(LoggingSmsProvider.sent) == 1
    assert Delivery.objects.get(channel="wechat").reason == "wechat_closed_sms"


@pytest.mark.parametrize("why", ["no_phone", "sms_off"])
def test_without_a_number_to_fall_back_to_it_is_recorded_as_not_deliverable(
    wechat_api, no_template, alice, merchant_a, django_capture_on_commit_callbacks, why
):
    if why == "no_phone":
        alice.phone = ""
        alice.save(update_fields=["phone"])
    else:
        set_preference(alice, "desk.ticket_update", "sms", False)
    _window_closed(no_template)
    _ticket_update(merchant_a, django_capture_on_commit_callbacks)
    assert wechat_api.sent == [] and LoggingSmsProvider.sent == []
    (tried,) = Delivery.objects.all()
    assert (tried.channel, tried.status, tried.reason) == ("wechat", "failed", "wechat_closed")


def test_the_sms_the_user_gets_anyway_is_not_sent_twice(
    wechat_api, no_template, alice, merchant_a, django_capture_on_commit_callbacks
):
    set_preference(alice, "desk.ticket_update", "sms", True)
    _window_closed(no_template)
    _ticket_update(merchant_a, django_capture_on_commit_callbacks)
    assert LoggingSmsProvider.sent == [("+8613800001111", "工单 T1 有新进展：技术员已出发")]
    assert Delivery.objects.get(channel="wechat").reason == "wechat_closed_sms"


def test_agents_see_why_a_notice_did_not_reach_the_merchant(
    client, wechat_api, no_template, alice, agent, technician, merchant_a, merchant_b,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    alice.phone = ""
    alice.save(update_fields=["phone"])
    _window_closed(no_template)
    _ticket_update(merchant_a, django_capture_on_commit_callbacks)
    Delivery.objects.create(
        merchant=merchant_b, event="desk.ticket_update", channel="sms", address="+8613900002222",
        status="failed", error="gateway refused +8613900002222",
    )  # fmt: skip
    page = reverse("merchant_360", args=[merchant_a.merchant_id])
    client.force_login(agent)
    text = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "公众号没有通知模板，且粉丝 48 小时内未发消息；没有可改发短信的手机号" in text
    client.cookies["django_language"] = "en"
    english = client.get(page).content.decode()
    assert "no phone number to send an SMS to instead" in english
    other = client.get(reverse("merchant_360", args=[merchant_b.merchant_id])).content.decode()
    assert "gateway refused" in other  # an L1 agent sees the provider's words
    client.force_login(technician)  # an L2 technician sees contact numbers masked: not these
    other = client.get(reverse("merchant_360", args=[merchant_b.merchant_id])).content.decode()
    assert 'id="delivery-problems"' in other and "8613900002222" not in other
    client.force_login(alice)
    assert client.get(page).status_code in (302, 403, 404)


def test_outreach_does_not_pick_wechat_for_a_follower_it_cannot_reach(
    wechat_api, no_template, merchant_a, agent, clock, django_capture_on_commit_callbacks
):
    from outreach.models import ContactPreference
    from outreach.services import file_request

    _window_closed(no_template)
    ContactPreference.objects.update_or_create(
        merchant=merchant_a, defaults={"channels": ["inbox", "wechat"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = file_request(
            merchant=merchant_a,
            purpose="service_outage",
            urgency="high",
            channels=["inbox", "wechat"],
            subject="支付通道故障",
            content="正在抢修",
            requested_by=agent,
        )
    request.refresh_from_db()
    assert request.channel == "inbox" and any(r["code"] == "no_wechat" for r in request.reasons)
