"""Filing contact requests: the policy decides, what may go now goes now, every attempt is
logged with the registered number and a verification code; bad input gets a clear answer."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications.models import Notification
from notifications.transports.sms import LoggingSmsProvider
from outreach.models import CallTask, ContactAttempt, ContactPreference, ContactRequest
from outreach.services import RequestError, dispatch_due, file_request, update_preferences
from outreach.tests.conftest import WORKDAY_MORNING, WORKDAY_NIGHT

pytestmark = pytest.mark.django_db


def test_anomaly_goes_out_by_sms_with_a_code_and_is_logged(
    file, clock, alice, contact_a, django_capture_on_commit_callbacks
):
    LoggingSmsProvider.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = file(contact_a.merchant)
    assert (request.decision, request.status, request.channel) == ("send_now", "sent", "sms")
    attempt = ContactAttempt.objects.get(request=request)
    assert attempt.from_number == "95534" or attempt.from_number.startswith("+86")
    assert attempt.registered_number is not None
    assert len(attempt.verification_code) == 6
    assert attempt.to_address == contact_a.phone
    number, text = LoggingSmsProvider.sent[-1]
    assert number == contact_a.phone and attempt.verification_code in text
    assert "不会索要卡号" in text


def test_quiet_hours_schedule_then_the_dispatcher_sends(file, clock, contact_a):
    clock(WORKDAY_NIGHT)
    request = file(contact_a.merchant)
    assert request.status == "scheduled"
    assert request.scheduled_for == dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)
    assert any("免打扰" in r["zh"] for r in request.reasons)
    assert dispatch_due(WORKDAY_NIGHT + dt.timedelta(hours=1)) == 0
    assert not ContactAttempt.objects.exists()
    assert dispatch_due(request.scheduled_for) == 1
    request.refresh_from_db()
    assert request.status == "sent" and ContactAttempt.objects.filter(request=request).exists()


def test_opt_out_after_booking_is_honoured(clock, agent, merchant_a, alice):
    update_preferences(merchant_a, user=alice, marketing_opt_in=True)
    request = file_request(
        merchant=merchant_a,
        purpose="marketing",
        urgency="normal",
        channels=["inbox"],
        subject="新品推荐",
        content="扫码付费率优惠",
        requested_by=agent,
    )
    assert request.status == "scheduled" and request.digest
    update_preferences(merchant_a, user=alice, marketing_opt_in=False)
    request.refresh_from_db()
    assert request.status == "suppressed"
    assert dispatch_due(request.scheduled_for) == 0
    assert not Notification.objects.filter(merchant=merchant_a).exists()


def test_digest_sends_one_message_for_several_notices(file, clock, alice, merchant_a):
    for subject in ("系统升级通知", "回访：上周报修"):
        file(
            merchant_a,
            purpose="system_update" if "升级" in subject else "service_followup",
            urgency="normal",
            channels=["inbox"],
            subject=subject,
        )
    due = ContactRequest.objects.filter(digest=True, status="scheduled")
    assert due.count() == 2
    assert dispatch_due(due.first().scheduled_for) == 2
    message = Notification.objects.get(recipient=alice)
    assert "2" in message.subject and "系统升级通知" in message.body and "回访" in message.body
    assert ContactAttempt.objects.filter(merchant=merchant_a, digest=True).count() == 2


def test_duplicate_key_merges(file, clock, contact_a):
    first = file(contact_a.merchant, dedupe_key="txn-anomaly-20261124")
    second = file(contact_a.merchant, dedupe_key="txn-anomaly-20261124")
    assert second.status == "merged" and second.merged_into == first
    assert ContactAttempt.objects.count() == 1


def test_phone_decision_becomes_an_agent_task(file, clock, contact_a):
    request = file(contact_a.merchant, purpose="risk_alert", channels=["phone", "sms"])
    task = CallTask.objects.get(request=request)
    assert task.phone == contact_a.phone and task.status == "open"
    assert task.registered_number.is_active and len(task.verification_code) == 6


def test_urgent_security_override_needs_a_reason_and_is_recorded(file, clock, contact_a, agent):
    clock(WORKDAY_NIGHT)
    with pytest.raises(RequestError) as error:
        file(contact_a.merchant, purpose="security_verification", urgency="urgent")
    assert "理由" in error.value.messages["zh"] and "reason" in error.value.messages["en"]
    request = file(
        contact_a.merchant,
        purpose="security_verification",
        urgency="urgent",
        justification="疑似盗刷：10 分钟内 5 笔大额境外卡交易",
    )
    assert request.override and request.status == "sent" and request.channel == "phone"
    assert request.requested_by == agent


@pytest.mark.parametrize(
    ("overrides", "field", "zh", "en"),
    [
        ({"purpose": "lottery"}, "purpose", "未知的联系事由", "Unknown contact purpose"),
        ({"channels": ["fax"]}, "channels", "未知的渠道", "Unknown channel"),
        (
            {"expires_at": WORKDAY_MORNING - dt.timedelta(hours=1)},
            "expires_at",
            "已过期",
            "expired",
        ),
        (
            {"purpose": "marketing", "urgency": "normal"},
            "purpose",
            "不接收",
            "does not accept",
        ),
    ],
)
def test_bad_requests_are_refused_in_both_languages(
    file, clock, contact_a, overrides, field, zh, en
):
    with pytest.raises(RequestError) as error:
        file(contact_a.merchant, **overrides)
    assert error.value.field == field
    assert zh in error.value.messages["zh"] and en in error.value.messages["en"]
    assert not ContactRequest.objects.exists()


def test_survey_opt_out_is_refused(file, clock, merchant_a, alice):
    update_preferences(merchant_a, user=alice, survey_opt_in=False)
    with pytest.raises(RequestError):
        file(merchant_a, purpose="survey", urgency="normal", channels=["inbox"])
    assert ContactPreference.objects.get(merchant=merchant_a).updated_by == alice
