"""Issue 15: a merchant who is not signed in reports a scam number from the verify result —
no login, no captcha; a pass from the look-up, a per-address limit, a bot trap, masked card
numbers; and a report awaiting review does not raise the public count."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from outreach.models import ScamReport
from outreach.services import report_pass, review_scam_report

pytestmark = pytest.mark.django_db

NUMBER = "171 0000 1234"
CARD = "6222021234567890128"  # Luhn-valid UnionPay-style number


def verify(client, number=NUMBER):
    return client.post(reverse("verify_contact"), {"number": number})


def report_link(response) -> str:
    match = re.search(r'<a href="([^"]+)" id="report-number"', response.content.decode())
    assert match, "the verify result links to the report form"
    return match.group(1).replace("&amp;", "&")


def report(client, link, **data):
    token = parse_qs(urlsplit(link).query)["pass"][0]
    return client.post(reverse("scam_report_new"), {"report_pass": token, "kind": "call", **data})


def public_count(client, number=NUMBER) -> dict:
    body = client.post(
        "/api/verify-contact", {"number": number}, content_type="application/json"
    ).json()
    return {"verdict": body["verdict"], **body["scam_reports"]}


def test_verify_result_links_to_a_report_form_without_login(client):
    link = report_link(verify(client))
    assert "login" not in link
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "171 0000 1234" in html and 'name="report_pass"' in html
    assert "captcha" not in html.lower()


def test_anonymous_report_is_kept_masked_and_does_not_count_until_confirmed(client, supervisor):
    link = report_link(verify(client))
    response = report(
        client,
        link,
        claimed_to_be="银联客服",
        message=f"对方让我报卡号 {CARD} 和验证码",
    )
    assert response.status_code == 302 and response.url == reverse("verify_contact")
    saved = ScamReport.objects.get()
    assert saved.reporter is None and saved.reporter_digest and saved.number == "+8617100001234"
    assert CARD not in saved.message and "622202*********0128" in saved.message
    assert saved.status == ScamReport.Status.PENDING
    # Awaiting review: the public verdict and count are unchanged.
    assert public_count(client) == {"verdict": "unknown", "total": 0, "confirmed": 0}
    review_scam_report(saved, reviewer=supervisor, status="confirmed")
    assert public_count(client) == {"verdict": "reported_scam", "total": 1, "confirmed": 1}


def test_pending_report_changes_nothing_on_the_verify_page(client):
    report(client, report_link(verify(client)), message="冒充银联")
    html = verify(client).content.decode()
    assert "已被举报" not in html and "经主管审核确认的诈骗举报" not in html


def test_one_address_is_one_voice_per_number(client):
    link = report_link(verify(client))
    report(client, link, message="第一次")
    report(client, link, message="第二次")
    assert ScamReport.objects.count() == 1
    assert ScamReport.objects.get().message == "第二次"


def test_resubmitting_does_not_undo_a_rejection(client, supervisor):
    link = report_link(verify(client))
    report(client, link, message="第一次")
    review_scam_report(ScamReport.objects.get(), reviewer=supervisor, status="rejected")
    report(client, link, message="再来一次")
    assert ScamReport.objects.get().status == ScamReport.Status.REJECTED


def test_no_pass_no_report(client):
    page = client.get(reverse("scam_report_new") + "?number=17100001234")
    assert page.status_code == 200 and 'name="report_pass"' not in page.content.decode()
    forged = client.post(
        reverse("scam_report_new"), {"report_pass": "17100001234:forged", "kind": "call"}
    )
    assert forged.status_code == 200 and ScamReport.objects.count() == 0
    assert "过期" in forged.content.decode()


def test_an_expired_pass_is_refused(client, monkeypatch):
    token = report_pass(NUMBER)
    monkeypatch.setattr("outreach.services.scams.REPORT_PASS_MAX_AGE", -1)
    client.post(reverse("scam_report_new"), {"report_pass": token, "kind": "call"})
    assert ScamReport.objects.count() == 0


def test_a_pass_cannot_be_reused_for_another_number(client):
    token = report_pass(NUMBER)
    client.post(
        reverse("scam_report_new"),
        {"report_pass": token, "kind": "call", "number": "138 0013 8000"},
    )
    assert list(ScamReport.objects.values_list("number", flat=True)) == ["+8617100001234"]


def test_bot_trap_keeps_nothing_but_looks_the_same(client):
    link = report_link(verify(client))
    response = report(client, link, website="http://spam.example")
    assert response.status_code == 302
    assert ScamReport.objects.count() == 0


def test_reports_are_rate_limited_per_address(client, monkeypatch):
    from outreach.throttles import ScamReportThrottle

    monkeypatch.setattr(
        ScamReportThrottle,
        "THROTTLE_RATES",
        {**ScamReportThrottle.THROTTLE_RATES, "scam_report": "2/hour"},
    )
    tokens = [report_pass(f"171 0000 12{i:02d}") for i in range(3)]
    codes = [
        client.post(reverse("scam_report_new"), {"report_pass": t, "kind": "call"}).status_code
        for t in tokens
    ]
    assert codes == [302, 302, 429]
    assert ScamReport.objects.count() == 2


def test_signed_in_merchant_still_uses_the_portal_form(client, alice):
    client.force_login(alice)
    link = report_link(verify(client))
    assert "pass=" not in link and "number=" in link
    page = client.get(link)
    assert 'name="number"' in page.content.decode()


def test_supervisor_sees_anonymous_reports_for_review(client, supervisor):
    report(client, report_link(verify(client)), message="冒充银联")
    client.force_login(supervisor)
    html = client.get(reverse("scam_reports")).content.decode()
    assert "匿名（核实页面）" in html and "冒充银联" in html


def test_anonymous_reports_are_visible_to_no_merchant(alice, bob, client):
    report(client, report_link(verify(client)), message="冒充银联")
    assert not ScamReport.objects.visible_to(alice).exists()
    assert not ScamReport.objects.visible_to(bob).exists()
