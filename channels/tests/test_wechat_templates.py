"""WeChat template messages: notices to merchant users who bound the Official Account, sent
through the real HTTP adapter to a simulated WeChat API server (access token, template send),
via the notifications app (preferences, one Delivery per attempt) and the outreach policy.
The server answers ok, an error code, or not at all (a timeout)."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy as _

from channels.models import WeChatFollower
from channels.tests.conftest import TEMPLATE
from notifications.models import Delivery, Notification
from notifications.services import notify, set_preference

pytestmark = pytest.mark.django_db


def _notify(merchant, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        notify(merchant, **kwargs)


def test_a_ticket_update_reaches_the_bound_follower_as_a_template_message(
    wechat_api, bound, merchant_a, django_capture_on_commit_callbacks
):
    for n in (1, 2):
        _notify(
            merchant_a,
            django_capture_on_commit_callbacks,
            event="desk.ticket_update",
            subject=f"工单 T{n} 有新进展",
            body="技术员已出发，预计 30 分钟到店",
            link="/portal/tickets/",
        )
    first, second = wechat_api.sent
    assert first["touser"] == "o-alice" and first["template_id"] == TEMPLATE
    assert first["data"]["first"]["value"] == "工单 T1 有新进展"
    assert first["data"]["keyword1"]["value"] == "技术员已出发，预计 30 分钟到店"
    assert "商户服务平台" in first["data"]["remark"]["value"]
    assert first["url"].endswith("/portal/tickets/")
    assert second["data"]["first"]["value"] == "工单 T2 有新进展"
    assert wechat_api.tokens_issued == 1  # the access token is kept, not fetched per message
    deliveries = Delivery.objects.filter(channel="wechat").order_by("pk")
    assert [(d.status, d.address) for d in deliveries] == [
        ("sent", f"{bound.integration_id}:o-alice")
    ] * 2
    assert deliveries[0].provider_ref == "2000001"
    assert Notification.objects.filter(recipient=bound.user).count() == 2  # the inbox too


def test_a_follower_who_bound_in_english_gets_the_english_text(
    wechat_api, bound, merchant_a, django_capture_on_commit_callbacks
):
    bound.language = "en"
    bound.save()
    _notify(
        merchant_a,
        django_capture_on_commit_callbacks,
        event="desk.ticket_update",
        subject=_("工单进展"),
        body=_("故障进展"),
    )
    (sent,) = wechat_api.sent
    assert sent["data"]["first"]["value"] == "Ticket progress"
    assert sent["data"]["keyword1"]["value"] == "Outage update"
    remark = sent["data"]["remark"]["value"]
    assert remark and not any("\u4e00" <= ch <= "\u9fff" for ch in remark)


@pytest.mark.parametrize(
    ("mode", "error"), [("unfollowed", "43004"), ("silent", "timeout")], ids=["errcode", "timeout"]
)
def test_a_refused_or_unanswered_send_is_recorded_not_raised(
    wechat_api, bound, merchant_a, django_capture_on_commit_callbacks, mode, error
):
    wechat_api.mode = mode
    _notify(
        merchant_a,
        django_capture_on_commit_callbacks,
        event="desk.outage_update",
        subject="故障通知",
        body="预计 15:00 恢复",
    )
    # A refusal is final; no answer may mean delivered, so it is not sent again either.
    (attempt,) = Delivery.objects.filter(channel="wechat")
    assert error in attempt.error
    assert attempt.status == ("failed" if mode == "unfollowed" else "unknown")
    assert Notification.objects.filter(recipient=bound.user, subject="故障通知").exists()


def test_an_expired_token_is_fetched_again_once(
    wechat_api, bound, merchant_a, django_capture_on_commit_callbacks
):
    wechat_api.mode = "expired_once"
    _notify(
        merchant_a, django_capture_on_commit_callbacks, event="desk.ticket_update",
        subject="工单更新", body="…",
    )  # fmt: skip
    assert wechat_api.tokens_issued == 2 and len(wechat_api.sent) == 1
    assert Delivery.objects.get(channel="wechat").status == "sent"


def test_no_template_for_the_opted_out_the_unbound_or_another_merchant(
    wechat_api, bound, alice, merchant_a, merchant_b, make_user, django_capture_on_commit_callbacks
):
    bob = make_user("bob")
    merchant_b.members.add(bob)
    WeChatFollower.objects.create(integration=bound.integration, openid="o-pending", user=None)
    set_preference(alice, "desk.ticket_update", "wechat", False)
    _notify(
        merchant_a, django_capture_on_commit_callbacks, event="desk.ticket_update",
        subject="工单更新", body="…",
    )  # fmt: skip
    _notify(
        merchant_b, django_capture_on_commit_callbacks, event="desk.ticket_update",
        subject="给 bob 的工单更新", body="…",
    )  # fmt: skip
    assert wechat_api.sent == [] and not Delivery.objects.filter(channel="wechat").exists()


def test_an_outreach_notice_goes_by_wechat_when_the_policy_picks_it(
    wechat_api, bound, merchant_a, agent, clock, django_capture_on_commit_callbacks
):
    """A service-outage notice of high urgency needs the SMS rung; a merchant who allows
    WeChat gets it as a template message (the cheaper channel on that rung), logged in the
    contact log; the same for a merchant nobody of which is bound falls back to the inbox."""
    from outreach.models import ContactAttempt, ContactPreference
    from outreach.services import file_request

    ContactPreference.objects.update_or_create(
        merchant=merchant_a, defaults={"channels": ["inbox", "wechat", "sms"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = file_request(
            merchant=merchant_a,
            purpose="service_outage",
            urgency="high",
            channels=["inbox", "wechat", "sms"],
            subject="支付通道故障",
            content="部分银行卡交易失败，正在抢修",
            requested_by=agent,
        )
    request.refresh_from_db()
    assert request.channel == "wechat" and request.status == "sent"
    (sent,) = wechat_api.sent
    assert sent["touser"] == "o-alice" and sent["data"]["first"]["value"] == "支付通道故障"
    attempt = ContactAttempt.objects.get(request=request)
    assert attempt.channel == "wechat" and attempt.to_address == ""
    bound.delete()
    with django_capture_on_commit_callbacks(execute=True):
        fallback = file_request(
            merchant=merchant_a,
            purpose="service_outage",
            urgency="high",
            channels=["inbox", "wechat"],
            subject="支付通道故障（续）",
            content="仍在抢修",
            requested_by=agent,
        )
    fallback.refresh_from_db()
    assert fallback.channel == "inbox" and any(r["code"] == "no_wechat" for r in fallback.reasons)
    assert len(wechat_api.sent) == 1
