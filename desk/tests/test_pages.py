"""Every desk page: who may see it (alice, bob, charlie, anonymous, staff) and what it shows."""

import pytest
from django.urls import reverse

from desk import services
from desk.models import Outage, Ticket
from desk.tests.conftest import jpeg

pytestmark = pytest.mark.django_db

CONSOLE_PAGES: list[tuple[str, list[str]]] = [
    ("desk_queue", []),
    ("desk_new_ticket", []),
    ("desk_outages", []),
]


def refused(user):
    """How a page for another role answers: anonymous → the login page, signed in → 403."""
    return 302 if user is None else 403


def get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("name,args", CONSOLE_PAGES)
def test_console_pages_are_for_staff(client, alice, charlie, agent, name, args):
    url = reverse(name, args=args)
    assert get(client, agent, url).status_code == 200
    for user in (alice, charlie, None):
        assert get(client, user, url).status_code == refused(user)


def test_ticket_page_for_staff_only(client, ticket_a, alice, bob, charlie, agent):
    url = reverse("desk_ticket", args=[ticket_a.number])
    page = get(client, agent, url)
    assert page.status_code == 200
    text = page.content.decode()
    assert ticket_a.number in text and "开始时间" in text  # still missing
    for user in (alice, bob, charlie, None):
        assert get(client, user, url).status_code == refused(user)
    action = reverse("desk_ticket_action", args=[ticket_a.number, "interaction"])
    client.force_login(alice)
    assert client.post(action, {"i-kind": "call", "i-body": "x"}).status_code == 403
    assert not ticket_a.interactions.filter(body="x").exists()


def test_queue_shows_timer_filters_and_search(client, ticket_a, ticket_b, agent):
    client.force_login(agent)
    page = client.get(reverse("desk_queue") + "?view=all").content.decode()
    assert ticket_a.number in page and ticket_b.number in page
    filtered = client.get(reverse("desk_queue") + "?view=all&category=card_reading")
    assert ticket_b.number in filtered.content.decode()
    assert ticket_a.number not in filtered.content.decode()
    found = client.get(reverse("desk_queue") + f"?q={ticket_a.number}")
    assert found.status_code == 302 and found.url.endswith(f"/{ticket_a.number}/")
    by_terminal = client.get(reverse("desk_queue") + "?view=all&q=20000002").content.decode()
    assert ticket_b.number in by_terminal and ticket_a.number not in by_terminal
    partial = client.get(reverse("desk_queue") + "?view=all", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()


def test_agent_logs_a_call(client, agent, merchant_a, terminal_a, desk_staff):
    client.force_login(agent)
    response = client.post(
        reverse("desk_new_ticket"),
        {
            "merchant_id": merchant_a.merchant_id,
            "terminal_id": terminal_a.terminal_id,
            "category": "power_battery",
            "channel": "phone",
            "description": "开不了机",
            "fact_tried": "换了充电器",
        },
    )
    ticket = Ticket.objects.get()
    assert response.url == reverse("desk_ticket", args=[ticket.number])
    assert ticket.facts["tried"] == "换了充电器" and ticket.first_responded_at is not None
    bad = client.post(
        reverse("desk_new_ticket"),
        {
            "merchant_id": "000000000000000",
            "category": "fees",
            "channel": "phone",
            "description": "x",
        },
    )
    assert "未找到该商户" in bad.content.decode()


def test_ticket_actions_from_the_page(client, ticket_a, agent, technician):
    client.force_login(agent)

    def act(action, data):
        return client.post(reverse("desk_ticket_action", args=[ticket_a.number, action]), data)

    act(
        "interaction",
        {"i-kind": "call", "i-direction": "outbound", "i-body": "指导", "i-is_public": "on"},
    )
    act("escalate", {"e-tier": "l2", "e-reason": "需上门"})
    response = act("status", {"s-status": "closed", "s-reason": "x"})
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("不能" in m for m in messages)
    ticket_a.refresh_from_db()
    assert ticket_a.tier == "l2" and ticket_a.status == "open"


def test_every_ticket_action_answers_an_empty_form_with_a_message(client, ticket_a, agent):
    """Each row of the action table refuses an empty post with a page message, never a 500."""
    from desk.actions import ACTIONS

    client.force_login(agent)
    for name in ACTIONS:
        url = reverse("desk_ticket_action", args=[ticket_a.number, name])
        response = client.post(url, {})
        if name == "commitment_done":  # names a commitment that does not exist
            assert response.status_code == 404, name
            continue
        assert response.status_code == 302, name
        assert list(response.wsgi_request._messages), name
    unknown = reverse("desk_ticket_action", args=[ticket_a.number, "no_such_action"])
    assert client.post(unknown, {}).status_code == 404


def test_portal_list_and_ticket_are_scoped(client, ticket_a, ticket_b, alice, bob, charlie, agent):
    page = get(client, alice, reverse("portal_tickets")).content.decode()
    assert ticket_a.number in page and ticket_b.number not in page
    assert ticket_a.number not in get(client, charlie, reverse("portal_tickets")).content.decode()
    assert get(client, None, reverse("portal_tickets")).status_code == 302
    assert get(client, agent, reverse("portal_tickets")).status_code == 403
    url = reverse("portal_ticket", args=[ticket_a.number])
    assert get(client, alice, url).status_code == 200
    assert get(client, bob, url).status_code == 404
    assert get(client, charlie, url).status_code == 404
    assert get(client, None, url).status_code == 302


def test_portal_timeline_hides_internal_notes(client, ticket_a, alice, agent):
    services.add_interaction(ticket_a, by=agent, kind="note", body="商户比较着急")
    services.add_interaction(ticket_a, by=agent, kind="call", body="已指导清理打印头")
    text = get(client, alice, reverse("portal_ticket", args=[ticket_a.number])).content.decode()
    assert "已指导清理打印头" in text and "A1001" in text
    assert "商户比较着急" not in text


def test_report_form_asks_only_for_missing_facts(
    client, alice, merchant_a, terminal_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    url = reverse("portal_new_ticket")
    form = client.get(url, {"category": "printer_paper", "terminal": terminal_a.pk})
    fields = form.context["form"].fields
    asked = [name for name in fields if name.startswith("fact_")]
    assert asked == ["fact_symptom", "fact_started_at", "fact_tried"]
    partial = client.get(
        url, {"category": "funds_not_arrived", "merchant": merchant_a.pk}, HTTP_HX_REQUEST="true"
    )
    assert 'name="fact_recent_transaction"' in partial.content.decode()
    assert "fact_serial_number" not in partial.content.decode()
    response = client.post(
        url,
        {
            "merchant": merchant_a.pk,
            "terminal": terminal_a.pk,
            "category": "printer_paper",
            "description": "不出小票",
            "fact_symptom": "打印时没反应",
            "photo": jpeg(),
        },
    )
    ticket = Ticket.objects.get()
    assert response.url == reverse("portal_ticket", args=[ticket.number])
    assert ticket.channel == "portal" and ticket.facts["symptom"] == "打印时没反应"
    assert ticket.attachments.count() == 1
    download = client.get(reverse("desk_attachment", args=[ticket.attachments.get().pk]))
    assert download.status_code == 200


def test_portal_refuses_wrong_file_types_and_others_terminals(
    client, alice, bob, merchant_a, terminal_b
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(alice)
    response = client.post(
        reverse("portal_new_ticket"),
        {
            "merchant": merchant_a.pk,
            "category": "other",
            "description": "x",
            "photo": SimpleUploadedFile("a.jpg", b"GIF89a....", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200 and "JPEG" in response.content.decode()
    response = client.post(
        reverse("portal_new_ticket"),
        {
            "merchant": merchant_a.pk,
            "terminal": terminal_b.pk,
            "category": "other",
            "description": "x",
        },
    )
    assert response.status_code == 200 and Ticket.objects.count() == 0
    assert get(client, None, reverse("portal_new_ticket")).status_code == 302


def test_attachments_are_scoped(client, ticket_a, alice, bob, charlie, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment = services.attach_file(ticket_a, jpeg(), by=alice)
    url = reverse("desk_attachment", args=[attachment.pk])
    assert get(client, alice, url).status_code == 200
    assert get(client, agent, url).status_code == 200
    assert get(client, bob, url).status_code == 404
    assert get(client, charlie, url).status_code == 404
    assert get(client, None, url).status_code == 302


def test_outage_pages_are_for_staff(client, agent, alice, charlie, ticket_a):
    outage = services.declare_outage(
        title="广州地区网络故障", kind="network", public_message="运营商光缆中断", by=agent
    )
    url = reverse("desk_outage", args=[outage.pk])
    assert get(client, agent, url).status_code == 200
    for user in (alice, charlie, None):
        assert get(client, user, url).status_code == refused(user)
    client.force_login(agent)
    client.post(url, {"link": ticket_a.number})
    ticket_a.refresh_from_db()
    assert ticket_a.outage == outage
    client.post(url, {"message": "已恢复", "resolve": "on"})
    outage.refresh_from_db()
    ticket_a.refresh_from_db()
    assert outage.status == Outage.Status.RESOLVED and ticket_a.status == "resolved"
    text = get(client, alice, reverse("portal_ticket", args=[ticket_a.number])).content.decode()
    assert "广州地区网络故障" in text


def test_reports_and_csv_for_supervisors(client, supervisor, agent, alice, charlie, ticket_a):
    services.add_interaction(ticket_a, by=agent, kind="call", body="指导换纸")
    services.change_status(
        ticket_a, "resolved", by=agent, reason="已解决", resolution_code="first_contact"
    )
    page = get(client, supervisor, reverse("desk_reports"))
    assert page.status_code == 200
    assert page.context["report"]["fcr_rate"] == 100.0
    assert page.context["report"]["resolved"] == 1
    csv = get(client, supervisor, reverse("desk_reports_csv"))
    assert csv["Content-Type"].startswith("text/csv")
    assert "fcr_rate_pct,,100.0" in csv.content.decode()
    for user in (agent, alice, charlie, None):
        assert get(client, user, reverse("desk_reports")).status_code == refused(user)
        assert get(client, user, reverse("desk_reports_csv")).status_code == refused(user)


def test_panels_on_merchant_terminal_console_and_portal(client, ticket_a, agent, alice, terminal_a):
    import datetime as dt

    from django.utils import timezone

    services.add_commitment(
        ticket_a,
        owner=agent,
        due_at=timezone.now() + dt.timedelta(hours=1),
        promise="今天下班前回电",
        by=agent,
    )
    m360 = get(client, agent, reverse("merchant_360", args=[ticket_a.merchant.merchant_id]))
    assert ticket_a.number in m360.content.decode() and "今天下班前回电" in m360.content.decode()
    terminal = get(client, agent, reverse("terminal_detail", args=[terminal_a.terminal_id]))
    assert ticket_a.number in terminal.content.decode()
    console = get(client, agent, reverse("console")).content.decode()
    assert "今天下班前回电" in console and reverse("desk_queue") in console
    portal = get(client, alice, reverse("portal")).content.decode()
    assert ticket_a.number in portal and reverse("portal_tickets") in portal
