"""The merchant portal: contact history, preferences that change the next decision, and
"ask for fewer contacts"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outreach.models import ContactPreference, FrequencyComplaint

pytestmark = pytest.mark.django_db


def test_history_shows_who_contacted_me_when_and_why(client, file, clock, alice, contact_a):
    request = file(contact_a.merchant, subject="您的终端交易失败率升高")
    attempt = request.attempts.get()
    client.force_login(alice)
    page = client.get(reverse("contact_history")).content.decode()
    assert "您的终端交易失败率升高" in page and "交易异常" in page and "短信" in page
    assert "2026-11-24 10:30" in page  # local time
    assert attempt.verification_code in page and attempt.from_display in page


def test_changing_preferences_changes_the_next_decision(client, file, clock, alice, contact_a):
    merchant = contact_a.merchant
    first = file(merchant)
    assert first.channel == "sms"
    client.force_login(alice)
    response = client.post(
        reverse("contact_preferences", args=[merchant.merchant_id]),
        {
            "channels": ["email"],  # no more SMS or calls
            "quiet_start": "21:00",
            "quiet_end": "09:00",
            "survey_opt_in": "on",
            "call_cap_per_week": "",
        },
    )
    assert response.status_code == 302
    prefs = ContactPreference.objects.get(merchant=merchant)
    assert prefs.channels == ["inbox", "email"] and prefs.updated_by == alice
    second = file(merchant, dedupe_key="another-incident")
    assert second.channel == "inbox"
    assert any("Channel: portal inbox" in r["en"] for r in second.reasons)


def test_quiet_hours_set_in_the_portal_hold_the_next_sms(client, file, clock, alice, contact_a):
    merchant = contact_a.merchant
    client.force_login(alice)
    client.post(
        reverse("contact_preferences", args=[merchant.merchant_id]),
        {"channels": ["sms", "phone"], "quiet_start": "08:00", "quiet_end": "12:00"},
    )
    request = file(merchant)  # 10:30 local
    assert request.status == "scheduled"
    assert any("08:00–12:00" in r["zh"] for r in request.reasons)


def test_ask_for_fewer_contacts(client, file, clock, alice, contact_a):
    merchant = contact_a.merchant
    file(merchant)
    client.force_login(alice)
    page = client.get(reverse("contact_preferences", args=[merchant.merchant_id]))
    assert "请减少联系" in page.content.decode()
    client.post(
        reverse("fewer_contacts", args=[merchant.merchant_id]),
        {"purpose": "marketing", "note": "每天都有推销电话"},
    )
    complaint = FrequencyComplaint.objects.get(merchant=merchant)
    assert complaint.raised_by == alice and complaint.contacts_last_30d == 1
    assert complaint.note == "每天都有推销电话" and complaint.status == "open"
    from desk.models import Ticket

    ticket = Ticket.objects.get(number=complaint.ticket_ref)
    assert ticket.category == "outreach_complaint" and ticket.merchant == merchant
    assert ContactPreference.objects.get(merchant=merchant).fewer_contacts
    follow_up = file(merchant, purpose="service_followup", dedupe_key="x")
    assert follow_up.channel == "inbox"


def test_portal_merchant_page_has_the_contacts_panel(client, file, clock, alice, contact_a):
    file(contact_a.merchant)
    client.force_login(alice)
    page = client.get(reverse("portal_merchant", args=[contact_a.merchant.merchant_id]))
    assert "最近谁联系过我" in page.content.decode()


def test_english_portal_is_translated(client, file, clock, alice, contact_a):
    file(contact_a.merchant)
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("contact_history"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Who contacted me" in page and "Transaction anomaly" in page


def test_contact_me_less_unticks_sms_voice_and_phone_everywhere(client, alice, agent, merchant_a):
    """The preferences page, the stored channels and the agent's 360° page agree."""
    from outreach.models import ContactPreference

    ContactPreference.objects.create(
        merchant=merchant_a, channels=["inbox", "sms", "voice", "phone"]
    )
    client.force_login(alice)
    client.post(reverse("fewer_contacts", args=[merchant_a.merchant_id]), {"note": "太多了"})
    prefs = ContactPreference.objects.get(merchant=merchant_a)
    assert prefs.fewer_contacts and prefs.channels == ["inbox"]
    page = client.get(reverse("contact_preferences", args=[merchant_a.merchant_id]))
    for box in page.content.decode().split('type="checkbox"')[1:]:
        tag = box.split(">", 1)[0]
        if 'value="sms"' in tag or 'value="voice"' in tag or 'value="phone"' in tag:
            assert "checked" not in tag, tag
    client.force_login(agent)
    panel = client.get(reverse("merchant_360", args=[merchant_a.merchant_id])).content.decode()
    assert (
        "已要求减少联系" in panel
        and "短信" not in panel.split("已要求减少联系")[0].rsplit("偏好", 1)[-1]
    )
