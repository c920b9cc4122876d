"""The audit log: staff views of a merchant's contact and settlement details (page and API) and
every export are recorded with who, when, from where and what; supervisors read them at
/console/audit/ (filters, pages, zh/en); L1, L2, merchants and anonymous visitors cannot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AuditEvent

pytestmark = pytest.mark.django_db
AUDIT = "/console/audit/"


def test_a_staff_view_of_the_merchant_page_is_recorded(client, agent, merchant_a):
    client.force_login(agent)
    url = reverse("merchant_360", args=[merchant_a.merchant_id])
    assert client.get(url, REMOTE_ADDR="203.0.113.5").status_code == 200
    event = AuditEvent.objects.get()
    assert event.actor == agent and event.actor_label.startswith("A1001")
    assert event.action == "merchant_details" and event.channel == "page"
    assert event.merchant == merchant_a and event.merchant_ref == merchant_a.merchant_id
    assert event.client_ip == "203.0.113.5"


def test_a_merchant_looking_at_its_own_page_is_not_staff_access(client, alice, merchant_a):
    client.force_login(alice)
    assert client.get(reverse("portal_merchant", args=[merchant_a.merchant_id])).status_code == 200
    assert not AuditEvent.objects.exists()


def test_the_merchant_api_is_recorded_too(agent, merchant_a, merchant_b):
    api = APIClient()
    api.force_authenticate(agent)
    assert api.get(f"/api/merchants/{merchant_a.merchant_id}/").status_code == 200
    assert api.get("/api/merchants/").status_code == 200
    one, page = AuditEvent.objects.order_by("id")
    assert one.channel == "api" and one.merchant == merchant_a
    assert page.channel == "api" and page.merchant is None and page.rows == 2


def test_every_export_is_recorded(client, agent, supervisor, alice, merchant_a):
    client.force_login(agent)
    body = b"".join(client.get(reverse("export", args=["merchants"])).streaming_content)
    assert merchant_a.merchant_id.encode() in body
    client.force_login(supervisor)
    assert client.get(reverse("desk_reports_csv")).status_code == 200
    client.force_login(alice)  # a merchant exporting its own rows: recorded as well
    b"".join(client.get(reverse("export", args=["terminals"])).streaming_content)
    exports = AuditEvent.objects.filter(action="export").order_by("id")
    assert [(e.actor, e.target) for e in exports] == [
        (agent, "merchants.csv"),
        (supervisor, "desk-report.csv"),
        (alice, "terminals.csv"),
    ]


def test_only_supervisors_read_the_log(client, agent, technician, alice, supervisor, merchant_a):
    client.force_login(agent)
    client.get(reverse("merchant_360", args=[merchant_a.merchant_id]))
    assert client.get(AUDIT).status_code == 403
    for user in (technician, alice):
        client.force_login(user)
        assert client.get(AUDIT).status_code == 403
    client.logout()
    anonymous = client.get(AUDIT)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert list(AuditEvent.objects.visible_to(agent)) == []
    assert list(AuditEvent.objects.visible_to(alice)) == []
    client.force_login(supervisor)
    page = client.get(AUDIT).content.decode()
    assert "A1001" in page and merchant_a.merchant_id in page and "查看商户联系人与结算信息" in page


def test_the_log_filters_and_pages(
    client, agent, technician, supervisor, merchant_a, merchant_b, settings
):
    settings.PAGE_SIZE = 2
    for user, merchant in [(agent, merchant_a), (agent, merchant_b), (technician, merchant_a)]:
        client.force_login(user)
        client.get(reverse("merchant_360", args=[merchant.merchant_id]))
    client.force_login(agent)
    b"".join(client.get(reverse("export", args=["merchants"])).streaming_content)
    AuditEvent.objects.filter(actor=technician).update(
        at=dt.datetime(2025, 9, 1, 10, tzinfo=dt.UTC)
    )
    client.force_login(supervisor)

    def rows(query: str) -> int:
        return client.get(AUDIT + query).content.decode().count("<tr><td>")

    assert rows("") == 2 and 'rel="next"' in client.get(AUDIT).content.decode()
    assert rows("?page=2") == 2
    assert rows("?action=export") == 1
    assert rows("?actor=a1001") == 2 and rows("?actor=A1001&page=2") == 1
    assert rows(f"?merchant={merchant_b.merchant_id}") == 1
    assert rows("?since=2025-09-01&until=2025-09-01") == 1
    # A date no business has is a form error on the page, not a 500.
    assert client.get(AUDIT + "?since=9999-12-31").status_code == 200


def test_the_log_in_english(client, supervisor, agent, merchant_a):
    client.force_login(agent)
    client.get(reverse("merchant_360", args=[merchant_a.merchant_id]))
    client.force_login(supervisor)
    client.cookies["django_language"] = "en"
    page = client.get(AUDIT).content.decode()
    assert "Audit log" in page and "Viewed merchant contacts and settlement details" in page
    assert "审计日志" not in page
