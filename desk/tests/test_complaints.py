"""Complaints and escalation (issue 15): a complaint category of its own, a merchant escalates
an overdue ticket from the portal (only when overdue, once, with a reason), escalating to the
supervisor tier always assigns someone; the merchant's page speaks plain words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import PermissionDeniedError
from desk import services
from desk.defaults import ensure_defaults
from desk.models import Queue, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket_a(alice, merchant_a):
    ensure_defaults()
    return services.open_ticket(
        merchant=merchant_a,
        category="printer_paper",
        description="打印机不出纸",
        channel="portal",
        opened_by=alice,
    )


def overdue(ticket):
    Ticket.objects.filter(pk=ticket.pk).update(
        sla_due_at=timezone.now() - dt.timedelta(hours=1), sla_breached=True
    )
    ticket.refresh_from_db()
    return ticket


def test_complaint_is_a_category_of_its_own(merchant_a, alice):
    ensure_defaults()
    ticket = services.open_ticket(
        merchant=merchant_a,
        category="complaint",
        description="我想投诉，客服态度很差",
        channel="portal",
        opened_by=alice,
    )
    assert ticket.get_category_display() == "服务投诉"
    from assistant.intents import desk_category

    assert desk_category("complaint") == "complaint"  # the assistant's hand-off files it so


def test_escalating_to_the_supervisor_tier_always_assigns_someone(ticket_a, agent, supervisor):
    Queue.objects.filter(tier="supervisor").delete()  # no supervisor queue at all
    services.escalate(ticket_a, to_tier="supervisor", reason="商户多次来电", by=agent)
    ticket_a.refresh_from_db()
    assert ticket_a.tier == "supervisor" and ticket_a.assignee == supervisor


def test_supervisor_queue_without_members_still_assigns(ticket_a, agent, supervisor):
    for queue in Queue.objects.filter(tier="supervisor"):
        queue.members.clear()
    services.escalate(ticket_a, to_tier="supervisor", reason="急", by=agent)
    ticket_a.refresh_from_db()
    assert ticket_a.assignee == supervisor


def test_merchant_escalates_an_overdue_ticket_once_with_a_reason(
    client, ticket_a, alice, supervisor
):
    client.force_login(alice)
    url = reverse("portal_escalate", args=[ticket_a.number])
    page = client.get(reverse("portal_ticket", args=[ticket_a.number])).content.decode()
    assert "申请升级" not in page.split('id="escalate"')[1].split("</article>")[0].replace(
        "暂时不能申请升级", ""
    )
    client.post(url, {"reason": "等了很久"})
    ticket_a.refresh_from_db()
    assert ticket_a.tier == "l1"  # not overdue: refused
    overdue(ticket_a)
    response = client.post(url, {"reason": "  "}, follow=True)
    assert "请说明为什么要升级" in response.content.decode()
    response = client.post(url, {"reason": "已经等了两天，还是不能收款"}, follow=True)
    ticket_a.refresh_from_db()
    assert ticket_a.tier == "supervisor" and ticket_a.assignee == supervisor
    page = response.content.decode()
    assert "客服主管会尽快联系您" in page and "已转交客服主管继续处理" in page
    response = client.post(url, {"reason": "再升级一次"}, follow=True)
    assert "您已经为这张工单申请过升级" in response.content.decode()
    assert ticket_a.events.filter(kind="escalated").count() == 1


def test_only_the_merchant_of_the_ticket_may_escalate(client, ticket_a, bob, agent):
    overdue(ticket_a)
    with pytest.raises(PermissionDeniedError):
        services.escalate_from_portal(ticket_a, by=bob, reason="x")
    with pytest.raises(PermissionDeniedError):
        services.escalate_from_portal(ticket_a, by=agent, reason="x")
    client.force_login(bob)
    assert (
        client.post(reverse("portal_escalate", args=[ticket_a.number]), {"reason": "x"}).status_code
        == 404
    )


def test_merchant_page_shows_plain_words_and_no_internal_entries(client, ticket_a, alice, agent):
    services.add_interaction(ticket_a, by=agent, kind="note", body="商户比较着急")
    ticket_a.refresh_from_db()
    assert ticket_a.status == "open"  # an agent's note moves it off 新建
    services.escalate(ticket_a, to_tier="l2", reason="需要远程诊断", by=agent)
    client.force_login(alice)
    page = client.get(reverse("portal_ticket", args=[ticket_a.number])).content.decode()
    main = page.split("<main", 1)[1]
    assert "商户比较着急" not in main and "内部" not in main
    assert "二线技术" not in main and "(L2)" not in main
    assert "已转交技术专家继续处理" in main
    assert "新建" not in main.split("处理进展")[0]


def test_agent_page_timeline_has_tier_names_not_codes(client, ticket_a, agent):
    services.add_interaction(ticket_a, by=agent, kind="note", body="先远程看看")
    services.escalate(ticket_a, to_tier="l2", reason="需要远程诊断", by=agent)
    client.force_login(agent)
    page = client.get(reverse("desk_ticket", args=[ticket_a.number])).content.decode()
    assert "(l1 → l2)" not in page and "一线 (L1) → 二线技术 (L2)" in page
    assert "内部 · " not in page and "内部 · 内部" not in page


def test_agent_forms_default_to_internal_and_offer_only_technicians(
    client, ticket_a, agent, technician, supervisor
):
    from desk.forms import InteractionForm, VisitForm

    assert InteractionForm(prefix="i").fields["is_public"].initial is False
    offered = list(VisitForm().fields["technician"].queryset)
    assert offered == [technician]  # no supervisor, no admin
    client.force_login(agent)
    page = client.get(reverse("desk_ticket", args=[ticket_a.number])).content.decode()
    box = (
        page.split('name="i-is_public"')[0].rsplit("<input", 1)[1]
        + page.split('name="i-is_public"')[1].split(">", 1)[0]
    )
    assert "checked" not in box
