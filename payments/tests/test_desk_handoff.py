"""With the desk app: an unresolved funds investigation and a double-charge dispute each open a
real desk ticket that carries what payments found."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from desk.models import Ticket
from payments.models import Investigation
from payments.services import investigate_funds, open_dispute
from payments.tests.factories import CST, TransactionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale(terminal_a):
    merchant = terminal_a.merchant
    merchant.settlement_account_masked = "**** 1234"
    merchant.save()
    return TransactionFactory(
        terminal=terminal_a, local_time=dt.datetime(2025, 9, 30, 14, tzinfo=CST)
    )


def test_unresolved_investigation_opens_a_ticket_with_the_findings(sale, alice, client):
    investigation = investigate_funds(
        sale.merchant, txn=sale, opened_by=alice, today=dt.date(2025, 10, 14)
    )
    assert investigation.verdict == Investigation.Verdict.UNRESOLVED
    ticket = Ticket.objects.get(pk=investigation.ticket_id)
    assert investigation.ticket == ticket
    assert ticket.category == "funds_not_arrived" and ticket.channel == "portal"
    assert ticket.merchant == sale.merchant and ticket.terminal == sale.terminal
    assert ticket.facts["merchant_id"] == sale.merchant.merchant_id
    assert sale.rrn in ticket.facts["recent_transaction"]
    for finding in investigation.findings:
        assert finding["zh"] in ticket.description and finding["en"] in ticket.description_en
    # Running the check again opens a second investigation, and its own ticket.
    again = investigate_funds(sale.merchant, txn=sale, opened_by=alice, today=dt.date(2025, 10, 14))
    assert again.ticket_id != investigation.ticket_id
    client.force_login(alice)
    page = client.get(reverse("investigation_detail", args=[investigation.pk])).content.decode()
    assert reverse("portal_ticket", args=[ticket.number]) in page
    assert client.get(reverse("portal_ticket", args=[ticket.number])).status_code == 200


def test_resolved_investigation_opens_no_ticket(sale):
    investigate_funds(sale.merchant, txn=sale, today=dt.date(2025, 10, 3))
    assert not Ticket.objects.exists()


def test_dispute_opens_a_refund_dispute_ticket(terminal_a, alice):
    first = TransactionFactory(
        terminal=terminal_a, local_time=dt.datetime(2025, 9, 30, 14, tzinfo=CST)
    )
    second = TransactionFactory(
        terminal=terminal_a, local_time=dt.datetime(2025, 9, 30, 14, 1, tzinfo=CST)
    )
    case = open_dispute(first, second, opened_by=alice)
    ticket = Ticket.objects.get(pk=case.ticket_id)
    assert ticket.category == "refund_dispute" and case.ticket == ticket
    assert first.rrn in ticket.description and second.rrn in ticket.description
    assert "Suspected double charge" in ticket.description_en and first.rrn in ticket.description_en
    assert open_dispute(first, second) == case and Ticket.objects.count() == 1
