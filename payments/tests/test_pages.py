"""Every page: the owner sees their own data, another merchant and a user without a merchant
see nothing of it, an anonymous visitor is sent to log in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from payments.models import DisputeCase, Investigation
from payments.tests.factories import CST, PayoutFactory, TransactionFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2025, 9, 30, 14, 0, tzinfo=CST)


@pytest.fixture
def txn_a(terminal_a):
    return TransactionFactory(terminal=terminal_a, local_time=T0, rrn="093014000777")


@pytest.fixture
def twin_a(terminal_a, txn_a):
    return TransactionFactory(terminal=terminal_a, local_time=T0 + dt.timedelta(seconds=60))


@pytest.fixture
def txn_b(terminal_b):
    return TransactionFactory(terminal=terminal_b, local_time=T0, rrn="093014000888", amount=777)


def test_portal_lookup_shows_only_own_transactions(client, alice, bob, charlie, txn_a, txn_b):
    url = reverse("portal_transactions")
    client.force_login(alice)
    page = client.get(url, {"rrn": "093014000777"}).content.decode()
    assert "123.45" in page
    page = client.get(url, {"rrn": "093014000888"}).content.decode()
    assert "7.77" not in page
    by_amount = client.get(
        url, {"amount": "123.45", "time_from": "2025-09-30T13:00", "time_to": "2025-09-30T15:00"}
    )
    assert reverse("transaction_detail", args=[txn_a.pk]) in by_amount.content.decode()
    by_stan = client.get(
        url, {"stan": txn_a.stan.lstrip("0"), "date": "2025-09-30"}
    ).content.decode()
    assert reverse("transaction_detail", args=[txn_a.pk]) in by_stan
    by_card = client.get(url, {"last4": "0123", "date": "2025-09-30"}).content.decode()
    assert reverse("transaction_detail", args=[txn_a.pk]) in by_card
    assert reverse("transaction_detail", args=[txn_b.pk]) not in by_card
    client.force_login(charlie)
    assert (
        reverse("transaction_detail", args=[txn_a.pk])
        not in client.get(url, {"date": "2025-09-30"}).content.decode()
    )
    client.logout()
    assert client.get(url).status_code == 302


def test_stan_without_date_is_a_form_error(client, alice, txn_a):
    client.force_login(alice)
    page = client.get(reverse("portal_transactions"), {"stan": "12"}).content.decode()
    assert reverse("transaction_detail", args=[txn_a.pk]) not in page


def test_console_lookup_is_for_staff(client, alice, agent, txn_a, txn_b):
    url = reverse("console_transactions")
    client.force_login(agent)
    page = client.get(url, {"date": "2025-09-30"}).content.decode()
    assert reverse("transaction_detail", args=[txn_a.pk]) in page
    assert reverse("transaction_detail", args=[txn_b.pk]) in page
    client.force_login(alice)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_transaction_page_explains_and_gives_the_payout_date(
    client, alice, bob, charlie, agent, txn_a
):
    url = reverse("transaction_detail", args=[txn_a.pk])
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert "2025-10-09" in page and "approved, 00" in page
    for other in (bob, charlie):
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.force_login(agent)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def test_investigate_button(client, alice, bob, charlie, txn_a):
    url = reverse("investigate_transaction", args=[txn_a.pk])
    for other in (bob, charlie):
        client.force_login(other)
        assert client.post(url).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302 and not Investigation.objects.exists()
    client.force_login(alice)
    response = client.post(url)
    investigation = Investigation.objects.get()
    assert response.url == reverse("investigation_detail", args=[investigation.pk])
    partial = client.post(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "#" in partial.content.decode()
    assert client.get(response.url).status_code == 200
    client.force_login(bob)
    assert client.get(response.url).status_code == 404


def test_payouts_and_day_investigation(client, alice, bob, charlie, merchant_a, merchant_b, txn_a):
    PayoutFactory(merchant=merchant_a, amount=4321_00)
    PayoutFactory(merchant=merchant_b, amount=8765_00)
    client.force_login(alice)
    page = client.get(reverse("payouts")).content.decode()
    assert "4,321.00" in page and "8,765.00" not in page
    response = client.post(
        reverse("investigate_day"), {"merchant_id": merchant_a.merchant_id, "date": "2025-09-30"}
    )
    assert (
        response.status_code == 302 and Investigation.objects.filter(merchant=merchant_a).exists()
    )
    assert (
        client.post(
            reverse("investigate_day"),
            {"merchant_id": merchant_b.merchant_id, "date": "2025-09-30"},
        ).status_code
        == 404
    )
    client.force_login(charlie)
    assert "4,321.00" not in client.get(reverse("payouts")).content.decode()
    client.logout()
    assert client.get(reverse("payouts")).status_code == 302


def test_duplicates_page_and_dispute(client, alice, bob, charlie, merchant_a, terminal_a, txn_b):
    recently = timezone.now() - dt.timedelta(hours=2)
    first = TransactionFactory(terminal=terminal_a, local_time=recently)
    twin = TransactionFactory(terminal=terminal_a, local_time=recently + dt.timedelta(seconds=60))
    url = reverse("duplicate_charges", args=[merchant_a.merchant_id])
    open_url = reverse("open_dispute", args=[merchant_a.merchant_id])
    for other in (bob, charlie):
        client.force_login(other)
        assert client.get(url).status_code == 404
        assert client.post(open_url, {"first": first.pk, "second": twin.pk}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(alice)
    page = client.get(url).content.decode()
    assert reverse("transaction_detail", args=[twin.pk]) in page
    assert client.post(open_url, {"first": first.pk, "second": txn_b.pk}).status_code == 404
    assert client.post(open_url, {"first": first.pk, "second": twin.pk}).status_code == 302
    case = DisputeCase.objects.get()
    assert case.merchant == merchant_a and case.opened_by == alice


def test_panels_on_shared_pages(client, alice, agent, merchant_a, terminal_a, txn_a):
    client.force_login(agent)
    page = client.get(reverse("merchant_360", args=[merchant_a.merchant_id])).content.decode()
    assert reverse("transaction_detail", args=[txn_a.pk]) in page
    client.force_login(alice)
    page = client.get(reverse("portal_merchant", args=[merchant_a.merchant_id])).content.decode()
    assert reverse("transaction_detail", args=[txn_a.pk]) in page
    # The terminal page lists its last 31 days and links to the search for the rest.
    page = client.get(reverse("terminal_detail", args=[terminal_a.terminal_id])).content.decode()
    assert reverse("transaction_detail", args=[txn_a.pk]) not in page
    assert f"terminal_id={terminal_a.terminal_id}" in page
    recent = TransactionFactory(terminal=terminal_a, local_time=timezone.now())
    page = client.get(reverse("terminal_detail", args=[terminal_a.terminal_id])).content.decode()
    assert reverse("transaction_detail", args=[recent.pk]) in page


def test_pages_in_english_have_no_untranslated_chinese(client, make_user):
    import re

    from tests.factories import MerchantFactory, TerminalFactory

    merchant = MerchantFactory(name="Green Grocer", short_name="Green", address="1 Tianhe Road")
    terminal = TerminalFactory(merchant=merchant, terminal_id="10000009")
    owner = make_user("owner")
    merchant.members.add(owner)
    agent = make_user("agentx", role="l1", agent_no="A9009", display_name="Chen")
    recently = timezone.now() - dt.timedelta(hours=2)
    sale = TransactionFactory(terminal=terminal, local_time=recently)
    TransactionFactory(terminal=terminal, local_time=recently + dt.timedelta(seconds=30))
    # A trace number the factory's sequence does not reach, whatever ran before.
    TransactionFactory(terminal=terminal, local_time=recently, response_code="51", stan="990051")
    PayoutFactory(merchant=merchant, status="held", reason="risk_hold")
    client.cookies["django_language"] = "en"
    client.force_login(owner)
    client.post(reverse("investigate_transaction", args=[sale.pk]))
    investigation = Investigation.objects.get()
    pages = [
        (owner, reverse("portal_transactions")),
        (owner, reverse("transaction_detail", args=[sale.pk])),
        (owner, reverse("payouts")),
        (owner, reverse("investigation_detail", args=[investigation.pk])),
        (owner, reverse("duplicate_charges", args=[merchant.merchant_id])),
        (owner, reverse("portal_merchant", args=[merchant.merchant_id])),
        (agent, reverse("console_transactions")),
        (agent, reverse("merchant_360", args=[merchant.merchant_id])),
    ]
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for who, url in pages:
        client.force_login(who)
        html = client.get(url).content.decode()
        text = re.sub(r"<option[^>]*>.*?</option>", "", html)
        text = re.sub(r"<[^>]+>", " ", text)
        chinese = cjk.findall(text)
        assert not chinese, f"{url}: {''.join(chinese)[:80]}"


def test_lookup_list_queries_do_not_grow_with_rows(
    client, alice, terminal_a, django_assert_max_num_queries
):
    recently = timezone.now() - dt.timedelta(hours=3)
    for n in range(30):
        TransactionFactory(terminal=terminal_a, local_time=recently + dt.timedelta(minutes=n))
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        page = client.get(
            reverse("console_transactions" if alice.is_agent else "portal_transactions")
        )
    assert page.content.decode().count('class="txn-card"') == 30


def test_window_bounds_the_business_date_without_losing_rows(terminal_a):
    """in_window adds a txn_date bound (so PostgreSQL reads only the partitions it needs); a
    merchant whose local date differs from the service's by a day is still inside it."""
    from payments.models import Transaction

    start = dt.datetime(2025, 9, 30, 0, 0, tzinfo=CST)
    end = start + dt.timedelta(days=1)
    inside = [
        # 00:30 in Shanghai is still the previous day in Los Angeles.
        TransactionFactory(
            terminal=terminal_a,
            local_time=start + dt.timedelta(minutes=30),
            txn_date=dt.date(2025, 9, 29),
        ),  # fmt: skip
        # 23:30 in Shanghai is the next day in Auckland.
        TransactionFactory(
            terminal=terminal_a,
            local_time=end - dt.timedelta(minutes=30),
            txn_date=dt.date(2025, 10, 1),
        ),  # fmt: skip
    ]
    TransactionFactory(terminal=terminal_a, local_time=end + dt.timedelta(minutes=1))
    found = Transaction.objects.in_window(start, end)
    assert sorted(t.pk for t in found) == sorted(t.pk for t in inside)
    assert "txn_date" in str(found.query)


def test_console_lookup_queries_do_not_grow_with_rows(
    client, agent, terminal_a, django_assert_max_num_queries
):
    recently = timezone.now() - dt.timedelta(hours=3)
    for n in range(30):
        TransactionFactory(terminal=terminal_a, local_time=recently + dt.timedelta(minutes=n))
    client.force_login(agent)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("console_transactions"))
    assert page.content.decode().count('href="/transactions/') == 30  # a link to each row
