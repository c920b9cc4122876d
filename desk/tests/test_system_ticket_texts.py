"""Tickets the system opens with words of its own (a chargeback, a frequency complaint, the
assistant's hand-off) keep the description in Chinese and English and show each reader theirs;
what a person typed is kept and shown as written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from desk.models import Ticket
from desk.services import open_ticket

pytestmark = pytest.mark.django_db


def _page(client, url, language):
    client.cookies["django_language"] = language
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_a_chargeback_ticket_reads_in_the_agents_and_the_merchants_language(
    client, agent, alice, merchant_a, terminal_a, desk_staff
):
    from chargebacks import services
    from payments.tests.factories import TransactionFactory

    txn = TransactionFactory(terminal=terminal_a, rrn="520000000001", amount=88800)
    case = services.open_case(
        "chargeback",
        merchant_a,
        by=agent,
        transaction_row=txn,
        reason_code="not_received",
        description="持卡人称未收到货",
    )
    ticket = case.ticket
    assert ticket.description.startswith(f"[{case.number}] 拒付 · 持卡人称未收到商品或服务")
    assert ticket.description_en.startswith(
        f"[{case.number}] Chargeback · The cardholder says the goods or service never arrived"
    )
    # Amount, transaction and what the network wrote are data: the same in both.
    for text in (ticket.description, ticket.description_en):
        assert "¥888.00" in text and "520000000001" in text and "持卡人称未收到货" in text
    client.force_login(agent)
    english = _page(client, reverse("desk_ticket", args=[ticket.number]), "en")
    assert "The cardholder says the goods or service never arrived" in english
    assert "持卡人称未收到商品或服务" not in english
    chinese = _page(client, reverse("desk_ticket", args=[ticket.number]), "zh-hans")
    assert "持卡人称未收到商品或服务" in chinese
    queue = _page(client, reverse("desk_queue"), "en")
    assert f"[{case.number}] Chargeback" in queue
    client.force_login(alice)
    portal = _page(client, reverse("portal_ticket", args=[ticket.number]), "en")
    assert f"[{case.number}] Chargeback" in portal


def test_a_frequency_complaint_ticket_keeps_both_and_the_merchants_note(alice, merchant_a):
    from outreach.services import ask_for_fewer_contacts

    complaint = ask_for_fewer_contacts(merchant_a, user=alice, note="每天都打，太多了")
    ticket = Ticket.objects.get(number=complaint.ticket_ref)
    assert ticket.description == "商户反映联系过于频繁（近 30 天 0 次）。 每天都打，太多了"
    assert ticket.description_en == (
        "The merchant says we contact them too often (0 times in the last 30 days). "
        "每天都打，太多了"
    )


def test_a_typed_description_is_kept_as_written(client, agent, merchant_a, desk_staff):
    ticket = open_ticket(
        merchant=merchant_a, category="other", description="打印机卡纸", channel="phone"
    )
    assert ticket.description == "打印机卡纸" and ticket.description_en == ""
    client.force_login(agent)
    assert "打印机卡纸" in _page(client, reverse("desk_ticket", args=[ticket.number]), "en")
    api = client.get(f"/api/tickets/{ticket.number}/").json()
    assert api["description"] == "打印机卡纸" and api["description_en"] == ""


def test_the_staff_notice_of_a_new_ticket_carries_both(agent, merchant_a, desk_staff):
    from django.utils.translation import gettext_lazy

    from notifications.models import Notification

    open_ticket(
        merchant=merchant_a,
        category="other",
        description=gettext_lazy("商户在电话自助语音中预约回电"),
        channel="phone",
    )
    notice = Notification.objects.get(event="desk.assigned")
    assert notice.body == "商户在电话自助语音中预约回电"
    assert notice.body_en == "The merchant booked a call-back in the phone menu"
