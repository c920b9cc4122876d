"""'Was that call really from us?': verdicts, guidance, privacy for anonymous callers, the rate
limit, and a merchant verifying a logged call by number and code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from directory.models import RegisteredNumber
from outreach.models import CallTask
from outreach.services import claim_call, log_call, report_scam, review_scam_report
from outreach.tests.conftest import WORKDAY_MORNING

pytestmark = pytest.mark.django_db

API = "/api/verify-contact"


@pytest.fixture
def logged_call(file, clock, contact_a, agent):
    """An agent phoned merchant A (alice's) about a risk alert and logged it."""
    request = file(contact_a.merchant, purpose="risk_alert", channels=["phone"])
    task = CallTask.objects.get(request=request)
    claim_call(task, agent)
    return log_call(
        task,
        agent=agent,
        outcome="answered",
        summary="提醒商户近期有冒充银联的诈骗电话",
        registered_number=task.registered_number,
    )


def post(client, **data):
    return client.post(API, data, content_type="application/json")


def test_merchant_verifies_a_logged_call_by_number_and_code(client, alice, logged_call):
    client.force_login(alice)
    body = post(client, number=logged_call.from_number, code=logged_call.verification_code).json()
    assert body["verdict"] == "ours"
    assert body["contact"]["agent_no"] == "A1001"
    assert body["contact"]["purpose"] == "risk_alert"
    assert body["contact"]["merchant_id"] == logged_call.merchant.merchant_id
    assert any(h["number"] == "95534" for h in body["hotlines"])
    assert any("卡号" in g["zh"] and "card number" in g["en"] for g in body["guidance"])


def test_merchant_without_code_finds_their_own_call_by_time(client, alice, logged_call):
    client.force_login(alice)
    body = post(client, number=logged_call.from_number, time=WORKDAY_MORNING.isoformat()).json()
    assert body["verdict"] == "ours" and body["contact"]["agent_no"] == "A1001"


def test_anonymous_learns_nothing_about_other_merchants(client, bob, logged_call):
    number = logged_call.from_number
    contacted = post(client, number=number).json()
    wrong_code = post(client, number=number, code="ZZZZZZ").json()
    # The same official number, never used: exactly the same answer.
    other = RegisteredNumber.objects.exclude(number=number).filter(is_active=True).first()
    untouched = post(client, number=other.number).json()
    for body in (contacted, wrong_code, untouched):
        assert body["verdict"] == "official_no_record"
        assert body["contact"] is None
    assert {
        k: v
        for k, v in contacted.items()
        if k not in ("number", "official_institution", "hotlines")
    } == {
        k: v
        for k, v in untouched.items()
        if k not in ("number", "official_institution", "hotlines")
    }
    # Bob (another merchant) neither, without the code.
    client.force_login(bob)
    body = post(client, number=number, time=WORKDAY_MORNING.isoformat()).json()
    assert body["verdict"] == "official_no_record" and body["contact"] is None


def test_right_code_confirms_but_reveals_no_merchant_purpose_or_agent(client, bob, logged_call):
    for user in (None, bob):
        if user:
            client.force_login(user)
        body = post(client, number=logged_call.from_number, code=logged_call.verification_code)
        body = body.json()
        assert body["verdict"] == "ours" and body["contact"] is None
        text = str(body)
        assert "A1001" not in text and logged_call.merchant.name not in text
        assert "risk_alert" not in text


def test_call_in_progress_can_be_verified_before_it_is_logged(
    client, file, clock, contact_a, agent
):
    request = file(contact_a.merchant, purpose="risk_alert", channels=["phone"])
    task = CallTask.objects.get(request=request)
    claim_call(task, agent)
    body = post(client, number=task.registered_number.number, code=task.verification_code).json()
    assert body["verdict"] == "ours"


def test_unknown_number_is_probably_not_us_with_guidance(client):
    body = post(client, number="138 0013 8000").json()
    assert body["verdict"] == "unknown"
    assert "Probably not us" in body["message"]["en"] and "很可能不是我们" in body["message"]["zh"]
    assert len(body["guidance"]) == 3 and body["hotlines"]


def test_reported_number_warns(client, make_user, supervisor):
    reporters = [make_user(f"shop{i}") for i in range(2)]
    for user in reporters:
        report_scam(reporter=user, number="+86 171 0000 1234", claimed_to_be="银联客服")
    body = post(client, number="17100001234").json()
    # Reports awaiting review count for nothing in public.
    assert body["verdict"] == "unknown" and body["scam_reports"] == {"total": 0, "confirmed": 0}
    report = reporters[0].scam_reports.get()
    review_scam_report(report, reviewer=supervisor, status="confirmed")
    body = post(client, number="17100001234").json()
    assert body["verdict"] == "reported_scam"
    assert body["scam_reports"] == {"total": 1, "confirmed": 1}


def test_malformed_number_gets_a_bilingual_error(client):
    response = post(client, number="12ab")
    assert response.status_code == 400
    assert "无法识别号码" in response.json()["number"]["zh"]
    assert "mobile" in response.json()["number"]["en"]


def test_a_flood_from_one_address_is_refused(client):
    codes = [post(client, number="95534").status_code for _ in range(12)]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]
    # The public page shares the limit.
    page = client.post(reverse("verify_contact"), {"number": "95534"})
    assert page.status_code == 429
    # Another address is not affected.
    other = client.post(
        API, {"number": "95534"}, content_type="application/json", REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 200


def test_public_page_shows_verdict_and_hotlines(client, logged_call, alice):
    page = client.post(
        reverse("verify_contact"),
        {"number": logged_call.from_number, "code": logged_call.verification_code.lower()},
    ).content.decode()
    assert "是我们" in page and "95516" in page and "A1001" not in page
    client.force_login(alice)
    page = client.post(
        reverse("verify_contact"),
        {"number": logged_call.from_number, "code": logged_call.verification_code},
    ).content.decode()
    assert "A1001" in page and "风险提示" in page


def test_code_expires_after_thirty_days(client, alice, logged_call, clock):
    clock(WORKDAY_MORNING + dt.timedelta(days=31))
    client.force_login(alice)
    body = post(client, number=logged_call.from_number, code=logged_call.verification_code).json()
    assert body["verdict"] == "official_no_record"
