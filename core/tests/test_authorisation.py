"""Authorisation in one layer: services check the actor (`check_*`) and raise one error,
which a page shows as the 403 page and the API as a 403 with the reason in both languages."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.test import APIClient

from accounts.permissions import check_staff, check_supervisor
from core.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db


def refuse(request: HttpRequest) -> HttpResponse:
    check_supervisor(request.user)
    return HttpResponse("ok")


urlpatterns = [path("refuse/", refuse), path("", include("poscare.urls"))]


@pytest.fixture
def ticket_a(alice, merchant_a):
    from desk.defaults import ensure_defaults
    from desk.services import open_ticket

    ensure_defaults()
    return open_ticket(
        merchant=merchant_a, category="other", description="x", channel="portal", opened_by=alice
    )


def test_checks_return_the_actor_or_refuse(alice, agent, supervisor, make_user):
    assert check_staff(agent) == agent
    assert check_supervisor(supervisor) == supervisor
    for outsider in (alice, None):
        with pytest.raises(PermissionDeniedError):
            check_staff(outsider)
    with pytest.raises(PermissionDeniedError):
        check_supervisor(agent)
    retired = make_user("retired", role="l1", agent_no="A1999", is_active=False)
    with pytest.raises(PermissionDeniedError):
        check_staff(retired)  # a deactivated agent acts no more


def test_services_check_the_actor_themselves(alice, agent, ticket_a):
    from desk import services

    with pytest.raises(PermissionDeniedError):
        services.change_status(ticket_a, "open", by=alice, reason="我自己处理")
    with pytest.raises(PermissionDeniedError):
        services.set_priority(ticket_a, "P1", by=alice, reason="急")
    ticket_a.refresh_from_db()
    assert ticket_a.status == "new" and ticket_a.priority != "P1"
    services.change_status(ticket_a, "open", by=agent, reason="已受理")


def test_outreach_reviews_are_for_supervisors(alice, agent, supervisor):
    from outreach.services import report_scam, review_scam_report

    report = report_scam(reporter=alice, number="17100001234")
    for actor in (alice, agent):
        with pytest.raises(PermissionDeniedError):
            review_scam_report(report, reviewer=actor, status="confirmed")
    review_scam_report(report, reviewer=supervisor, status="confirmed")
    report.refresh_from_db()
    assert report.status == "confirmed" and report.reviewed_by == supervisor


def test_the_api_answers_a_refusal_with_403_in_both_languages(alice, ticket_a):
    client = APIClient()
    client.force_authenticate(alice)
    response = client.patch(f"/api/tickets/{ticket_a.number}/", {"priority": "P1"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == {
        "zh": "只有客服人员可以执行此操作",
        "en": "Only service staff can do this",
    }


@pytest.mark.urls("core.tests.test_authorisation")
def test_a_page_answers_a_refusal_with_the_403_page(client, agent):
    client.force_login(agent)
    response = client.get("/refuse/")
    assert response.status_code == 403
    assert "只有主管可以执行此操作" in response.content.decode()
    client.cookies["django_language"] = "en"
    response = client.get("/refuse/")
    assert response.status_code == 403
    assert "Only supervisors can do this" in response.content.decode()
