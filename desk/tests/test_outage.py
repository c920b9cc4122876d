"""Master incidents: one update or resolution reaches every affected merchant exactly once."""

import pytest
from django.core import mail
from django.utils import timezone

from desk import services
from desk.models import Interaction, Ticket
from merchants.models import Contact, Merchant
from notifications.models import Notification, SentKey

pytestmark = pytest.mark.django_db

MERCHANTS = 120
TICKETS = 500


@pytest.fixture
def outage_with_500_tickets(agent, make_user):
    merchants = Merchant.objects.bulk_create(
        Merchant(
            merchant_id=f"8984401581{i:05d}", name=f"商户{i}", mcc="5411", region_code="440106"
        )
        for i in range(MERCHANTS)
    )
    Contact.objects.bulk_create(
        Contact(
            merchant=m,
            name="店主",
            phone=f"+86139{i:08d}",
            email=f"m{i}@example.cn",
            is_primary=True,
        )
        for i, m in enumerate(merchants)
    )
    owners = []
    for i in range(3):
        user = make_user(f"owner{i}")
        merchants[i].members.add(user)
        owners.append(user)
    now = timezone.now()
    tickets = Ticket.objects.bulk_create(
        Ticket(
            merchant=merchants[i % MERCHANTS],
            category="transaction_failure",
            channel="phone",
            description="交易失败",
            status="open",
            created_at=now,
        )
        for i in range(TICKETS)
    )
    for ticket in tickets:
        ticket.number = Ticket.format_number(ticket.pk, now)
    Ticket.objects.bulk_update(tickets, ["number"])
    outage = services.declare_outage(
        title="银联系统维护", kind="maintenance", public_message="系统升级中", by=agent
    )
    services.link_to_outage(tickets, outage, by=agent)
    return outage, owners


def test_resolving_an_outage_with_500_tickets_notifies_each_merchant_once(
    outage_with_500_tickets, agent, django_capture_on_commit_callbacks
):
    outage, owners = outage_with_500_tickets
    with django_capture_on_commit_callbacks(execute=True):
        notified = services.resolve_outage(outage, message="系统已恢复，交易正常", by=agent)
    assert notified == MERCHANTS
    assert (
        Ticket.objects.filter(outage=outage, status="resolved", resolution_code="outage").count()
        == TICKETS
    )
    assert not Ticket.objects.filter(is_open=True).exists()
    assert Interaction.objects.filter(body="系统已恢复，交易正常").count() == TICKETS
    # Merchant 0 has five linked tickets and one user: one inbox message, one e-mail each.
    assert Ticket.objects.filter(merchant__members=owners[0]).count() > 1
    for owner in owners:
        assert (
            Notification.objects.filter(recipient=owner, event="desk.outage_resolved").count() == 1
        )
    recipients = [address for message in mail.outbox for address in message.to]
    assert len(recipients) == len(set(recipients)) == MERCHANTS
    assert SentKey.objects.filter(key=f"outage:{outage.pk}:resolved").count() == MERCHANTS


def test_each_update_is_one_notice_per_merchant_and_repeats_are_dropped(
    outage_with_500_tickets, agent
):
    outage, owners = outage_with_500_tickets
    services.update_outage(outage, message="预计 15:00 恢复", by=agent)
    services.update_outage(outage, message="预计 16:00 恢复", by=agent)
    inbox = Notification.objects.filter(recipient=owners[0], event="desk.outage_update")
    assert inbox.count() == 2
    # The same update sent again (a retry) reaches nobody twice.
    from desk.notify import notify_merchant

    again = notify_merchant(
        Merchant.objects.get(members=owners[0]),
        event="desk.outage_update",
        subject="x",
        body="x",
        dedupe_key=f"outage:{outage.pk}:update:2",
    )
    assert again is False and inbox.count() == 2
    services.resolve_outage(outage, message="已恢复", by=agent)
    with pytest.raises(services.DeskError):
        services.resolve_outage(outage, message="已恢复", by=agent)
