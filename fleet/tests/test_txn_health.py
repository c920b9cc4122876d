"""Transaction health alerts and outage detection on real transactions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fleet.models import OutageProposal, TxnAlert
from fleet.outages import OutageError, confirm_proposal, propose_outages
from fleet.txnhealth import scan_transactions
from payments.tests.factories import TransactionFactory
from tests.factories import MerchantFactory, TerminalFactory

NOW = timezone.now().replace(minute=30, second=0, microsecond=0)


def txns(terminal, count, *, end, txn_type="sale", code="00", start_seq=0):
    for n in range(count):
        seq = start_seq + n
        TransactionFactory(
            terminal=terminal,
            local_time=end - dt.timedelta(minutes=20 * n + 40),
            txn_type=txn_type,
            response_code=code,
            status="approved" if code == "00" else "declined",
            stan=f"{seq:06d}",
            rrn=f"{seq:012d}",
        )


@pytest.fixture
def steady_shop(terminal_a):
    """Four weeks of a steady 40 sales in the same 24 hours of the week, one refund each."""
    for week in range(1, 5):
        end = NOW - dt.timedelta(weeks=week)
        txns(terminal_a, 39, end=end, start_seq=week * 1000)
        txns(terminal_a, 1, end=end, txn_type="refund", start_seq=week * 1000 + 500)
    return terminal_a


@pytest.mark.django_db
def test_a_refund_spike_goes_to_the_risk_team_once(steady_shop):
    txns(steady_shop, 26, end=NOW, start_seq=1)
    txns(steady_shop, 14, end=NOW, txn_type="refund", start_seq=100)
    alerts = scan_transactions(NOW)
    assert [(a.kind, a.audience) for a in alerts] == [("refund_spike", "risk")]
    assert "风控" in alerts[0].reason["zh"] and "risk" in alerts[0].reason["en"]
    assert scan_transactions(NOW) == []  # the same window scanned again adds nothing
    assert TxnAlert.objects.count() == 1


@pytest.mark.django_db
def test_a_pin_spike_tells_the_merchant_through_the_contact_policy(steady_shop):
    from outreach.models import ContactRequest

    txns(steady_shop, 28, end=NOW, start_seq=1)
    txns(steady_shop, 12, end=NOW, code="55", start_seq=100)
    alerts = {a.code: a for a in scan_transactions(NOW) if a.kind == "code_spike"}
    assert "密码" in alerts["55"].reason["zh"] and alerts["55"].audience == "merchant"
    request = ContactRequest.objects.get()
    assert request.merchant == steady_shop.merchant and request.purpose == "transaction_anomaly"
    assert request.content_en == alerts["55"].reason["en"] and request.subject_en


@pytest.mark.django_db
def test_a_small_shop_raises_no_noise(terminal_a):
    for week in range(1, 5):
        txns(terminal_a, 6, end=NOW - dt.timedelta(weeks=week), start_seq=week * 100)
    txns(terminal_a, 4, end=NOW, txn_type="refund", start_seq=1)
    assert scan_transactions(NOW) == []


@pytest.fixture
def city_96():
    """Eight terminals of four merchants in one city failing with 96; elsewhere all is well."""
    terminals = []
    for m in range(4):
        merchant = MerchantFactory(merchant_id=f"89844015812{m:04d}", region_code="440106")
        for t in range(2):
            terminals.append(
                TerminalFactory(merchant=merchant, terminal_id=f"4401{m}{t}00", comm_type="4g")
            )
    elsewhere = TerminalFactory(
        merchant=MerchantFactory(merchant_id="898310158129999", region_code="310101"),
        terminal_id="31000001",
    )
    now = timezone.now()
    for index, terminal in enumerate(terminals):
        for n in range(5):
            TransactionFactory(
                terminal=terminal,
                local_time=now - dt.timedelta(minutes=5 * n + 2),
                response_code="96" if n < 4 else "00",
                status="declined",
                stan=f"{index * 10 + n:06d}",
                rrn=f"{index * 10 + n:012d}",
            )
    for n in range(5):
        TransactionFactory(
            terminal=elsewhere,
            local_time=now - dt.timedelta(minutes=5 * n + 2),
            stan=f"{900 + n:06d}",
            rrn=f"{900 + n:012d}",
        )
    return terminals


@pytest.mark.django_db
def test_a_regional_96_spike_proposes_one_incident(city_96):
    proposals = propose_outages()
    assert len(proposals) == 1
    assert proposals[0].terminal_count == 8 and len(proposals[0].merchant_ids) == 4
    assert propose_outages() == []  # still waiting for a supervisor: not proposed twice


@pytest.mark.django_db
def test_a_supervisor_confirms_and_each_merchant_hears_once(city_96, supervisor, agent, make_user):
    from desk.defaults import ensure_defaults
    from desk.services import open_ticket
    from notifications.models import Notification

    ensure_defaults()
    owner = make_user("owner1")
    first = city_96[0].merchant
    first.members.add(owner)
    ticket = open_ticket(
        merchant=first, category="transaction_failure", description="交易失败 96", channel="phone"
    )
    proposal = propose_outages()[0]
    with pytest.raises(OutageError):
        confirm_proposal(proposal, by=agent)
    outage = confirm_proposal(proposal, by=supervisor)
    ticket.refresh_from_db()
    assert ticket.outage == outage
    proposal.refresh_from_db()
    assert proposal.status == OutageProposal.Status.CONFIRMED
    assert Notification.objects.filter(recipient=owner, subject=outage.title).count() == 1
    with pytest.raises(OutageError):
        confirm_proposal(proposal, by=supervisor)


@pytest.mark.django_db
def test_console_shows_alerts_and_proposals_to_staff_only(client, city_96, supervisor, alice):
    propose_outages()
    client.force_login(supervisor)
    page = client.get("/console/").content.decode()
    assert "待确认的故障" in page and "确认为故障" in page
    client.force_login(alice)
    assert client.get("/console/").status_code == 403
    proposal = OutageProposal.objects.get()
    client.post(f"/fleet/outages/{proposal.pk}/confirm/")
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


@pytest.fixture
def two_tills(steady_shop):
    """The steady shop's second terminal, with the same four weeks of history."""
    second = TerminalFactory(merchant=steady_shop.merchant, terminal_id="10000009")
    for week in range(1, 5):
        end = NOW - dt.timedelta(weeks=week)
        txns(second, 39, end=end, start_seq=20_000 + week * 1000)
        txns(second, 1, end=end, txn_type="refund", start_seq=20_000 + week * 1000 + 500)
    return steady_shop, second


@pytest.mark.django_db
def test_a_terminal_is_judged_against_its_own_baseline(two_tills):
    from outreach.models import ContactRequest

    calm, failing = two_tills
    txns(calm, 40, end=NOW, start_seq=1)
    txns(failing, 26, end=NOW, start_seq=200)
    txns(failing, 14, end=NOW, code="55", start_seq=300)
    alerts = scan_transactions(NOW)
    by_terminal = {(a.terminal_id, a.kind, a.code) for a in alerts}
    assert (failing.pk, "code_spike", "55") in by_terminal
    assert (None, "code_spike", "55") in by_terminal  # the merchant as a whole departs too
    assert not any(a.terminal_id == calm.pk for a in alerts)
    own = next(a for a in alerts if a.terminal_id == failing.pk and a.code == "55")
    assert own.merchant == failing.merchant and own.volume == 40
    assert failing.terminal_id in own.reason["zh"] and failing.terminal_id in own.reason["en"]
    # The merchant hears of the 55 spike once (its own alert), not again for the terminal.
    assert ContactRequest.objects.filter(merchant=failing.merchant).count() == 1
    assert scan_transactions(NOW) == []  # scanned again: nothing new


@pytest.mark.django_db
def test_a_merchant_with_one_terminal_gets_no_second_alert_for_it(steady_shop):
    txns(steady_shop, 26, end=NOW, start_seq=1)
    txns(steady_shop, 14, end=NOW, code="55", start_seq=100)
    alerts = scan_transactions(NOW)
    assert alerts and all(a.terminal_id is None for a in alerts)


@pytest.mark.django_db
def test_terminal_alerts_show_where_merchant_alerts_do_to_those_who_may_see_them(
    client, two_tills, agent, alice, bob, charlie
):
    from django.urls import reverse

    calm, failing = two_tills
    txns(calm, 40, end=NOW, start_seq=1)
    txns(failing, 26, end=NOW, start_seq=200)
    txns(failing, 14, end=NOW, code="55", start_seq=300)
    scan_transactions(NOW, notify=False)
    terminal_page = reverse("terminal_detail", args=[failing.terminal_id])
    merchant_page = reverse("merchant_360", args=[failing.merchant.merchant_id])
    client.force_login(agent)
    page = client.get(merchant_page).content.decode()
    assert f"终端 {failing.terminal_id}" in page and terminal_page in page
    page = client.get(terminal_page).content.decode()
    assert "交易健康告警" in page and "txn-alert-code_spike" in page
    page = client.get(reverse("terminal_detail", args=[calm.terminal_id])).content.decode()
    assert "txn-alert-" not in page  # the calm terminal has none of its own
    client.force_login(alice)  # the merchant's own user sees its terminal's alert
    assert "txn-alert-code_spike" in client.get(terminal_page).content.decode()
    for other in (bob, charlie):
        client.force_login(other)
        assert client.get(terminal_page).status_code == 404
        assert client.get(merchant_page).status_code in (403, 404)
