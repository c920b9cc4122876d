"""Every outreach page and endpoint with alice (owner of merchant A), bob (merchant B),
charlie (no merchant), anonymous, and staff: nobody sees another merchant's contacts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outreach.models import CallTask, Campaign, FrequencyComplaint, ScamReport
from outreach.services import ask_for_fewer_contacts, report_scam

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(file, clock, alice, bob, charlie, agent, supervisor, contact_a, contact_b):
    sms = file(contact_a.merchant, subject="A 的交易异常")
    call = file(contact_a.merchant, purpose="risk_alert", channels=["phone"], subject="A 的风险")
    ask_for_fewer_contacts(contact_a.merchant, user=alice, note="太多了")
    report = report_scam(reporter=alice, number="17100001234")
    campaign = Campaign.objects.create(
        name="c",
        purpose="survey",
        channels=["inbox"],
        subject="s",
        content="c",
        created_by=supervisor,
    )
    return {
        "sms": sms,
        "task": CallTask.objects.get(request=call),
        "complaint": FrequencyComplaint.objects.get(),
        "report": report,
        "campaign": campaign,
        "merchant_a": contact_a.merchant,
    }


def status(client, user, url, method="get", data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, data or {}).status_code


def test_portal_pages(client, world, alice, bob, charlie, agent):
    merchant_id = world["merchant_a"].merchant_id
    history = reverse("contact_history")
    prefs = reverse("contact_preferences", args=[merchant_id])
    fewer = reverse("fewer_contacts", args=[merchant_id])
    assert status(client, alice, history) == 200
    client.force_login(alice)
    assert "A 的交易异常" in client.get(history).content.decode()
    client.force_login(bob)
    assert "A 的交易异常" not in client.get(history).content.decode()
    assert status(client, charlie, history) == 200
    assert status(client, None, history) == 302
    assert status(client, agent, history) == 403  # staff use the 360° page
    assert status(client, alice, prefs) == 200
    for user in (bob, charlie):
        assert status(client, user, prefs) == 404
        assert status(client, user, fewer, "post") == 404
    assert status(client, None, prefs) == 302
    assert status(client, None, fewer, "post") == 302
    assert FrequencyComplaint.objects.count() == 1


def test_console_pages(client, world, alice, bob, charlie, agent, supervisor):
    staff_pages = [
        reverse("outreach_requests"),
        reverse("outreach_request", args=[world["sms"].pk]),
        reverse("call_tasks"),
        reverse("call_task", args=[world["task"].pk]),
    ]
    supervisor_pages = [
        reverse("outreach_frequency"),
        reverse("campaigns"),
        reverse("campaign_detail", args=[world["campaign"].pk]),
        reverse("scam_reports"),
    ]
    for url in staff_pages:
        assert status(client, agent, url) == 200, url
    for url in supervisor_pages:
        assert status(client, supervisor, url) == 200, url
        assert status(client, agent, url) == 403, url
    for url in staff_pages + supervisor_pages:
        for user in (alice, bob, charlie):
            assert status(client, user, url) == 403, (url, user)
        assert status(client, None, url) == 302, url  # to the login page
    resolve = reverse("complaint_resolve", args=[world["complaint"].pk])
    for user in (alice, bob, charlie, agent):
        assert status(client, user, resolve, "post") == 403
    assert status(client, None, resolve, "post") == 302
    world["complaint"].refresh_from_db()
    assert world["complaint"].status == "open"
    assert status(client, supervisor, resolve, "post") == 302
    world["complaint"].refresh_from_db()
    assert world["complaint"].status == "resolved"


def test_merchant_360_panel_for_staff_only(client, world, agent, alice):
    url = reverse("merchant_360", args=[world["merchant_a"].merchant_id])
    client.force_login(agent)
    page = client.get(url).content.decode()
    assert "联系记录与频次" in page and "A 的交易异常" in page
    assert status(client, alice, url) == 403


def test_scam_report_page_and_public_verify(client, world, alice, bob, charlie):
    url = reverse("scam_report_new")
    # Anonymous: the public report page (it asks for a verify look-up first), no reports shown.
    assert status(client, None, url) == 200
    client.logout()
    assert "171 0000 1234" not in client.get(url).content.decode()
    for user in (alice, bob, charlie):
        assert status(client, user, url) == 200
    client.force_login(bob)
    assert "171 0000 1234" not in client.get(url).content.decode()  # alice's report
    client.force_login(alice)
    assert "171 0000 1234" in client.get(url).content.decode()
    assert status(client, None, reverse("verify_contact")) == 200


def test_api_endpoints(client, world, alice, bob, charlie, agent, supervisor):
    sms, report = world["sms"], world["report"]
    request_list = "/api/contact-requests/"
    request_detail = f"/api/contact-requests/{sms.pk}/"
    assert status(client, agent, request_list) == 200
    assert status(client, agent, request_detail) == 200
    for user in (alice, bob, charlie):
        assert status(client, user, request_list) == 403
        assert status(client, user, request_detail) == 403
    assert status(client, None, request_list) in (401, 403)

    log = "/api/contact-log/"
    for user, count in ((alice, 1), (bob, 0), (charlie, 0), (agent, 1)):
        client.force_login(user)
        assert client.get(log).json()["count"] == count, user
    assert status(client, None, log) in (401, 403)

    detail = f"/api/scam-reports/{report.pk}/"
    assert status(client, alice, detail) == 200
    assert status(client, supervisor, detail) == 200
    for user in (bob, charlie, agent):
        assert status(client, user, detail) == 404
    assert status(client, None, detail) in (401, 403)
    assert ScamReport.objects.count() == 1
