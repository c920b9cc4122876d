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


def _fact_rows(client, ticket, language):
    client.cookies["django_language"] = language
    page = client.get(reverse("desk_ticket", args=[ticket.number])).content.decode()
    return page.split('id="missing-facts"')[0] if 'id="missing-facts"' in page else page


def test_the_facts_payments_writes_read_in_the_agents_language(sale, alice, agent, client):
    """The transaction, the takings of a day and the symptom are written in Chinese and English
    (Ticket.facts_en); an English reader of the desk sees English, a Chinese reader Chinese."""
    first = TransactionFactory(
        terminal=sale.terminal, local_time=dt.datetime(2025, 9, 30, 14, 1, tzinfo=CST)
    )
    dispute = open_dispute(sale, first, opened_by=alice).ticket
    funds = investigate_funds(
        sale.merchant, txn=sale, opened_by=alice, today=dt.date(2025, 10, 14)
    ).ticket
    day = investigate_funds(
        sale.merchant, date=dt.date(2025, 9, 30), today=dt.date(2025, 10, 14)
    ).ticket
    assert dispute.facts["symptom"] == "同一张卡 60 秒内被扣款两次"
    assert dispute.facts_en["symptom"] == "Card charged twice 60 s apart"
    zh, en = funds.facts["recent_transaction"], funds.facts_en["recent_transaction"]
    assert "消费" in zh and "参考号" in zh and sale.rrn in zh
    assert "Sale" in en and "RRN" in en and sale.rrn in en
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en)
    assert day.facts["recent_transaction"] == "2025-09-30 全天交易"
    assert day.facts_en["recent_transaction"] == "All takings of 2025-09-30"
    assert "merchant_id" not in funds.facts_en  # data, the same in both: kept once
    client.force_login(agent)
    for ticket in (dispute, funds, day):
        english = _fact_rows(client, ticket, "en")
        for key, value in ticket.facts_en.items():
            assert value in english and ticket.facts[key] not in english
        chinese = _fact_rows(client, ticket, "zh-hans")
        assert all(value in chinese for value in ticket.facts.values())
