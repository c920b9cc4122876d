"""The outreach API: contact requests with clear errors in zh and en, the contact log, scam
reports and their review."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token

from outreach.models import ContactRequest, ScamReport
from outreach.tests.conftest import WORKDAY_MORNING

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, agent):
    token = Token.objects.create(user=agent)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def create(api, **data):
    body = {
        "merchant_id": "898110154110001",
        "purpose": "system_update",
        "urgency": "normal",
        "channels": ["inbox", "sms"],
        "subject": "终端固件升级",
        "content": "今晚 23:00 自动升级，约 10 分钟。",
    }
    body.update(data)
    return api.post("/api/contact-requests/", body, content_type="application/json")


def test_internal_system_files_a_request_and_reads_the_decision(api, clock, merchant_a):
    response = create(api, dedupe_key="fw-2026-11")
    assert response.status_code == 201
    body = response.json()
    assert body["decision"] == "schedule" and body["digest"] is True
    assert body["scheduled_for"].startswith("2026-11-25T10:00")
    assert any("daily digest" in r["en"] for r in body["reasons"])
    again = create(api, dedupe_key="fw-2026-11").json()
    assert again["decision"] == "merge" and again["merged_into"] == body["id"]
    listed = api.get("/api/contact-requests/?status=scheduled").json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]


@pytest.mark.parametrize(
    ("data", "field", "en"),
    [
        ({"purpose": "lottery"}, "purpose", "Unknown contact purpose"),
        ({"channels": ["pager"]}, "channels", "Unknown channel"),
        ({"purpose": "marketing"}, "purpose", "does not accept"),
        (
            {"expires_at": (WORKDAY_MORNING - dt.timedelta(minutes=5)).isoformat()},
            "expires_at",
            "expired",
        ),
        ({"merchant_id": "898310158120002x"}, "merchant_id", "not found"),
    ],
)
def test_bad_requests_get_clear_errors(api, clock, merchant_a, data, field, en):
    response = create(api, **data)
    assert response.status_code == 400
    error = response.json()[field]
    assert en in error["en"] and error["zh"]
    assert not ContactRequest.objects.exists()


def test_merchant_users_cannot_file_requests(client, alice, clock):
    client.force_login(alice)
    assert create(client).status_code == 403


def test_contact_log_is_scoped(client, file, clock, alice, bob, contact_a):
    file(contact_a.merchant)
    client.force_login(alice)
    mine = client.get("/api/contact-log/").json()["results"]
    assert len(mine) == 1 and mine[0]["merchant_id"] == contact_a.merchant.merchant_id
    assert mine[0]["verification_code"]
    client.force_login(bob)
    assert client.get("/api/contact-log/").json()["results"] == []


def test_scam_report_and_supervisor_review(client, alice, supervisor):
    client.force_login(alice)
    response = client.post(
        "/api/scam-reports/",
        {"number": "0755-8888 1234", "kind": "call", "claimed_to_be": "银联客服"},
        content_type="application/json",
    )
    assert response.status_code == 201
    report = ScamReport.objects.get()
    assert report.number == "+8675588881234"
    assert (
        client.post(f"/api/scam-reports/{report.pk}/review/", {"status": "confirmed"}).status_code
        == 403
    )
    client.force_login(supervisor)
    reviewed = client.post(
        f"/api/scam-reports/{report.pk}/review/",
        {"status": "confirmed", "note": "多起同类举报"},
        content_type="application/json",
    )
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "confirmed"


def test_one_report_per_reporter_and_number(client, alice):
    client.force_login(alice)
    for _ in range(3):
        client.post(
            "/api/scam-reports/", {"number": "17100001234"}, content_type="application/json"
        )
    assert ScamReport.objects.count() == 1
