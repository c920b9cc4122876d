import pytest
from django.urls import reverse

from notifications.models import Delivery, Notification
from notifications.services import notify, set_preference
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_merchant_notice_reaches_inbox_and_smtp_once(alice, merchant_a, smtp_server):
    alice.email = "alice@example.cn"
    alice.save()
    ContactFactory(merchant=merchant_a, email="owner@example.cn")
    for _ in range(3):  # the same outage update sent three times
        notify(
            merchant_a,
            event="outage.resolved",
            subject="系统已恢复",
            body="交易已恢复正常",
            dedupe_key="outage:1:resolved",
        )
    assert Notification.objects.filter(recipient=alice).count() == 1
    recipients = sorted(r for env in smtp_server for r in env.rcpt_tos)
    assert recipients == ["alice@example.cn", "owner@example.cn"]
    assert Delivery.objects.filter(status="sent", channel="email").count() == 2


def test_opting_out_of_email_keeps_the_inbox(alice, merchant_a, smtp_server):
    alice.email = "alice@example.cn"
    alice.save()
    set_preference(alice, "ticket.update", "email", False)
    notify(alice, event="ticket.update", subject="工单更新", body="技术员已出发")
    assert Notification.objects.filter(recipient=alice).count() == 1
    assert smtp_server == []


def test_failed_smtp_is_recorded_not_raised(alice, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    alice.email = "alice@example.cn"
    alice.save()
    notify(alice, event="ticket.update", subject="工单更新", body="…")
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.error


def test_sms_goes_through_the_provider_adapter(alice, merchant_a):
    from notifications.transports.sms import LoggingSmsProvider

    LoggingSmsProvider.sent.clear()
    ContactFactory(merchant=merchant_a, phone="+8613800001111")
    notify(
        merchant_a,
        event="outage.update",
        subject="故障通知",
        body="预计 15:00 恢复",
        channels=["inbox", "sms"],
    )
    assert LoggingSmsProvider.sent == [("+8613800001111", "故障通知：预计 15:00 恢复")]


def test_inbox_is_private(client, alice, bob):
    notify(alice, event="x", subject="给 alice 的消息", body="…")
    message = Notification.objects.get()
    client.force_login(bob)
    assert "给 alice 的消息" not in client.get(reverse("inbox")).content.decode()
    assert client.post(reverse("notification_read", args=[message.pk])).status_code == 404
    client.force_login(alice)
    assert "给 alice 的消息" in client.get(reverse("inbox")).content.decode()
    client.post(reverse("notification_read", args=[message.pk]))
    message.refresh_from_db()
    assert message.read_at is not None
    client.logout()
    assert client.get(reverse("inbox")).status_code == 302
