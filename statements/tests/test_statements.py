"""Statements for reconciliation (CSV with formula escaping, PDF with Chinese), scoped; and
money notices: a held or failed payout is told to the merchant once, with why and what to do,
through the outreach contact policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from notifications.models import Notification
from outreach.models import ContactRequest
from statements.models import PayoutNotice
from statements.notices import notify_payout, notify_recent_payouts

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def day(terminal_a):
    from payments.tests.factories import PayoutFactory, TransactionFactory

    at = dt.datetime(2025, 9, 30, 10, 0, tzinfo=CST)
    TransactionFactory(terminal=terminal_a, local_time=at, amount=10000, rrn="500000000001")
    TransactionFactory(
        terminal=terminal_a, local_time=at + dt.timedelta(hours=1), amount=2550, rrn="500000000002"
    )
    TransactionFactory(
        terminal=terminal_a,
        local_time=at + dt.timedelta(hours=2),
        txn_type="refund",
        amount=1000,
        rrn="500000000003",
    )
    TransactionFactory(
        terminal=terminal_a, local_time=at + dt.timedelta(days=1), rrn="500000000004"
    )
    return PayoutFactory(merchant=terminal_a.merchant, amount=11550, bank_reference="BK0001")


def download(client, user, merchant, period, fmt):
    client.force_login(user)
    return client.get(reverse("statement_download", args=[merchant.merchant_id, period, fmt]))


def test_daily_csv_lists_the_day_and_adds_up(client, alice, merchant_a, day):
    response = download(client, alice, merchant_a, "2025-09-30", "csv")
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "500000000001" in text and "500000000003" in text and "500000000004" not in text
    assert "净额（未扣手续费）,115.50" in text and "-10.00" in text
    assert "BK0001" in text  # the payout that paid the day


def test_monthly_csv_sums_each_day(client, alice, merchant_a, day):
    text = download(client, alice, merchant_a, "2025-09", "csv").content.decode("utf-8-sig")
    assert "2025-09-30,2,125.50,10.00,115.50" in text
    assert "2025-10-01" not in text


def test_cells_a_spreadsheet_would_run_are_escaped(client, alice, merchant_a, day):
    merchant_a.name = '=HYPERLINK("http://x")'
    merchant_a.save(update_fields=["name"])
    text = download(client, alice, merchant_a, "2025-09-30", "csv").content.decode("utf-8-sig")
    assert '"=HYPERLINK' not in text and "'=HYPERLINK" in text


def test_pdf_carries_the_chinese_font(client, alice, merchant_a, day):
    response = download(client, alice, merchant_a, "2025-09", "pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"STSong-Light" in response.content


def test_statements_are_scoped_and_refuse_bad_periods(
    client, alice, bob, merchant_a, day, make_user
):
    from merchants.models import Membership

    assert download(client, bob, merchant_a, "2025-09-30", "csv").status_code == 404
    cashier = make_user("till")
    Membership.objects.create(merchant=merchant_a, user=cashier, role="cashier")
    response = download(client, cashier, merchant_a, "2025-09-30", "csv")
    assert response.status_code == 403 and "对账单只对店主和店长开放" in response.content.decode()
    for period, fmt in (
        ("2025-13", "csv"),
        ("2025-09-31", "pdf"),
        ("yesterday", "csv"),
        ("2025-09", "xls"),
    ):
        response = download(client, alice, merchant_a, period, fmt)
        assert response.status_code == 400 and "2025-09-30" in response.content.decode()
    client.cookies["django_language"] = "en"
    response = download(client, alice, merchant_a, "2025-13", "csv")
    assert "daily statement" in response.content.decode()


def test_a_held_payout_is_told_once_with_why_and_what_to_do(alice, merchant_a, daytime):
    from payments.tests.factories import PayoutFactory

    payout = PayoutFactory(
        merchant=merchant_a, status="held", reason="risk_hold", bank_reference=""
    )
    notice = notify_payout(payout)
    assert notice is not None and notice.request is not None
    assert notice.request.purpose == "service_followup" and notice.request.merchant == merchant_a
    inbox = Notification.objects.get(recipient=alice)
    assert "暂缓支付" in inbox.subject and "Payout held" in inbox.subject_en
    assert "补充交易材料" in inbox.body and "the money is safe" in inbox.body_en
    assert notify_payout(payout) is None and notify_recent_payouts() == 0
    assert ContactRequest.objects.count() == 1
    payout.status, payout.reason = "failed", "wrong_account"
    payout.save()
    assert notify_recent_payouts() == 1  # a new state is a new notice
    assert "户名" in Notification.objects.filter(recipient=alice).order_by("-pk").first().body
    assert PayoutNotice.objects.count() == 2
    paid = PayoutFactory(
        merchant=merchant_a,
        status="paid",
        period_start=dt.date(2025, 10, 8),
        period_end=dt.date(2025, 10, 8),
    )
    assert notify_payout(paid) is None
