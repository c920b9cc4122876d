"""What people are told: merchants by inbox and e-mail (a real SMTP server), staff in the
console inbox for assignments, commitment reminders and SLA breaches."""

import datetime as dt

import pytest
from django.utils import timezone

from desk import services
from desk.models import Ticket
from notifications.models import Delivery, Notification
from tests.factories import ContactFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_visit_appointment_reaches_the_merchant_over_smtp(
    smtp_server, merchant_a, terminal_a, alice, agent, technician, desk_staff
):
    alice.email = "alice@shop.example.cn"
    alice.save()
    ContactFactory(merchant=merchant_a, email="owner@shop.example.cn")
    ticket = services.open_ticket(
        merchant=merchant_a,
        terminal=terminal_a,
        category="printer_paper",
        description="不出小票",
        channel="portal",
        opened_by=alice,
    )
    start = timezone.now() + dt.timedelta(days=1)
    services.dispatch_visit(
        ticket,
        technician=technician,
        window_start=start,
        window_end=start + dt.timedelta(hours=2),
        by=agent,
    )
    recipients = sorted(r for envelope in smtp_server for r in envelope.rcpt_tos)
    assert recipients == ["alice@shop.example.cn", "owner@shop.example.cn"]
    body = smtp_server[0].content.decode("utf-8", "replace")
    assert ticket.number in body or "=?utf-8?" in body
    assert Delivery.objects.filter(channel="email", status="sent").count() == 2
    assert Notification.objects.filter(recipient=alice, event="desk.visit_scheduled").count() == 1
    # The technician is told in the console inbox (staff desk events are inbox-only).
    assert Notification.objects.filter(recipient=technician, event="desk.assigned").exists()


@pytest.mark.django_db
def test_assignment_and_merchant_reply_reach_the_agent(ticket_a, agent, alice):
    assert Notification.objects.filter(recipient=agent, event="desk.assigned").count() == 1
    services.add_interaction(ticket_a, by=alice, body="还是不出纸")
    assert Notification.objects.filter(recipient=agent, event="desk.merchant_reply").count() == 1


@pytest.mark.django_db
def test_commitment_reminded_before_due_then_flagged_overdue(ticket_a, agent, technician):
    now = timezone.now()
    commitment = services.add_commitment(
        ticket_a, owner=technician, due_at=now + dt.timedelta(minutes=20), promise="回电", by=agent
    )
    assert services.remind_commitments(now) == (1, 0)
    assert services.remind_commitments(now) == (0, 0)  # once
    assert services.remind_commitments(now + dt.timedelta(minutes=21)) == (0, 1)
    commitment.refresh_from_db()
    assert commitment.overdue_flagged_at is not None and commitment.status == "open"
    events = set(Notification.objects.filter(recipient=technician).values_list("event", flat=True))
    assert {
        "desk.commitment_assigned",
        "desk.commitment_reminder",
        "desk.commitment_overdue",
    } <= events


@pytest.mark.django_db
def test_sla_breach_is_flagged_notified_and_escalated(ticket_a, agent, supervisor):
    Ticket.objects.filter(pk=ticket_a.pk).update(priority="P1")
    ticket_a.refresh_from_db()
    services.refresh_sla(ticket_a)
    later = timezone.now() + dt.timedelta(hours=5)  # past P1's 4-hour resolution on 7×24
    assert services.check_sla(later) == 1
    ticket_a.refresh_from_db()
    assert ticket_a.sla_breached and ticket_a.resolution_breached
    assert ticket_a.tier == "supervisor"
    assert Notification.objects.filter(recipient=agent, event="desk.sla_breach").count() == 1
    assert ticket_a.events.filter(kind="sla_breach").count() == 1
    assert services.check_sla(later) == 0  # not again right away


@pytest.mark.django_db
def test_sla_stays_right_after_edits(ticket_a, agent):
    """Raising the priority recomputes every due time from the log."""
    p3_due = ticket_a.first_response_due_at
    services.set_priority(ticket_a, "P1", by=agent, reason="商户无法收款")
    ticket_a.refresh_from_db()
    assert ticket_a.first_response_due_at < p3_due
    assert (ticket_a.first_response_due_at - ticket_a.created_at) <= dt.timedelta(minutes=15)
