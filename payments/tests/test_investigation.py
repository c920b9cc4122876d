"""The funds-not-arrived checklist: verdict, expected date, next step; a ticket when unresolved."""

from __future__ import annotations

import datetime as dt

import pytest

from core.language import chinese_and_english
from payments import desk_link
from payments.models import Investigation, MaintenanceWindow
from payments.services import investigate_funds
from payments.tests.factories import CST, PayoutFactory, TransactionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale(terminal_a):
    merchant = terminal_a.merchant
    merchant.settlement_account_masked = "**** 1234"
    merchant.save()
    return TransactionFactory(
        terminal=terminal_a, local_time=dt.datetime(2025, 9, 30, 14, tzinfo=CST)
    )


def test_not_due_yet_over_national_day(sale, alice):
    result = investigate_funds(sale.merchant, txn=sale, opened_by=alice, today=dt.date(2025, 10, 3))
    assert result.verdict == Investigation.Verdict.NOT_DUE
    assert result.expected_date == dt.date(2025, 10, 9)
    assert "2025-10-09" in result.next_step_en
    assert any("国庆节" in f["zh"] for f in result.findings)
    assert result.opened_by == alice and result.ticket is None


def test_declined_transaction_expects_no_money(terminal_a):
    txn = TransactionFactory(terminal=terminal_a, response_code="51", status="declined")
    result = investigate_funds(txn.merchant, txn=txn, today=dt.date(2025, 10, 20))
    assert (
        result.verdict == Investigation.Verdict.NO_FUNDS_EXPECTED and result.expected_date is None
    )
    assert "insufficient funds" in result.findings[0]["en"]


def test_paid_held_and_failed_payouts(sale):
    payout = PayoutFactory(merchant=sale.merchant, bank_reference="20251009000123")
    paid = investigate_funds(sale.merchant, txn=sale, today=dt.date(2025, 10, 10))
    assert paid.verdict == Investigation.Verdict.PAID and "20251009000123" in paid.next_step_en
    payout.status, payout.reason = "held", "risk_hold"
    payout.save()
    held = investigate_funds(sale.merchant, txn=sale, today=dt.date(2025, 10, 10))
    assert held.verdict == Investigation.Verdict.HELD and "risk control" in held.summary_en
    payout.status, payout.reason = "failed", "wrong_account"
    payout.save()
    failed = investigate_funds(sale.merchant, txn=sale, today=dt.date(2025, 10, 10))
    assert failed.verdict == Investigation.Verdict.ACCOUNT_PROBLEM


def test_maintenance_window_on_the_payout_day(sale):
    MaintenanceWindow.objects.create(
        starts_at=dt.datetime(2025, 10, 9, 1, tzinfo=CST),
        ends_at=dt.datetime(2025, 10, 9, 6, tzinfo=CST),
        description_zh="清算系统升级",
        description_en="clearing upgrade",
    )
    result = investigate_funds(sale.merchant, txn=sale, today=dt.date(2025, 10, 10))
    assert result.verdict == Investigation.Verdict.MAINTENANCE


def test_overdue_without_payout_is_unresolved_and_hands_the_findings_to_the_desk(sale, monkeypatch):
    handed = {}

    def fake_open_ticket(**kwargs):
        handed.update(kwargs)
        return None

    monkeypatch.setattr(desk_link, "open_desk_ticket", fake_open_ticket)
    result = investigate_funds(
        sale.merchant, txn=sale, today=dt.date(2025, 10, 14), channel="assistant"
    )
    assert result.verdict == Investigation.Verdict.UNRESOLVED
    assert handed["category"] == "funds_not_arrived" and handed["channel"] == "assistant"
    assert handed["facts"]["merchant_id"] == sale.merchant.merchant_id
    assert sale.rrn in handed["facts"]["recent_transaction"]
    zh, en = chinese_and_english(handed["description"])  # kept in both languages
    for finding in result.findings:
        assert finding["zh"] in zh and finding["en"] in en
    assert f"#{result.pk}" in zh and f"#{result.pk}" in en
    assert handed["terminal"] == sale.terminal


def test_a_day_without_takings(terminal_a):
    result = investigate_funds(
        terminal_a.merchant, date=dt.date(2025, 9, 30), today=dt.date(2025, 10, 20)
    )
    assert result.verdict == Investigation.Verdict.NO_FUNDS_EXPECTED


def test_a_day_with_takings_overdue(sale):
    result = investigate_funds(
        sale.merchant, date=dt.date(2025, 9, 30), today=dt.date(2025, 10, 20)
    )
    assert result.verdict == Investigation.Verdict.UNRESOLVED
    assert result.expected_date == dt.date(2025, 10, 9)


def test_findings_read_the_same_whatever_language_ran_the_check(sale):
    from django.utils import translation

    PayoutFactory(merchant=sale.merchant, status="held", reason="risk_hold")
    with translation.override("en"):
        result = investigate_funds(sale.merchant, txn=sale, today=dt.date(2025, 10, 10))
    payout = next(f for f in result.findings if f["key"] == "payout")
    assert "暂缓付款" in payout["zh"] and "风控暂缓" in payout["zh"]
    assert "Held" in payout["en"] and "Risk hold" in payout["en"]
