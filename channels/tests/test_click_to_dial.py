"""Click-to-dial from the merchant's page goes through the outreach policy, rings from the
registered number, and the call is in the contact log with its verification code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from channels.adapters import SimulatedPhoneSystem as Adapter
from channels.models import Call
from outreach.models import ContactAttempt, ContactRequest
from outreach.tests.conftest import WORKDAY_NIGHT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_calls_placed():
    Adapter.placed.clear()
    yield
    Adapter.placed.clear()


def test_agent_dials_a_merchant_and_the_call_is_logged_with_its_code(
    client, clock, integration_a, caller_a, agent, pbx, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("calls_dial", args=[caller_a.merchant.merchant_id]))
    assert response.status_code == 302 and response.url == reverse("calls_console")
    placed = Adapter.placed[-1]
    assert placed.from_number == "+861056710000" and placed.to_number == "+8613800001111"
    call = Call.objects.get(external_id=placed.call_id)
    code = call.call_task.verification_code
    assert code in client.get(reverse("calls_pop")).content.decode()

    pbx.call("answered", placed.call_id, direction="outbound", agent="A1001")
    pbx.call("ended", placed.call_id, direction="outbound")
    attempt = ContactAttempt.objects.get(merchant=caller_a.merchant, channel="phone")
    assert attempt.outcome == "answered" and attempt.verification_code == code
    assert attempt.agent_no == "A1001" and attempt.from_number == "+861056710000"


def test_at_night_the_policy_holds_the_call(client, clock, integration_a, caller_a, agent):
    clock(WORKDAY_NIGHT)
    client.force_login(agent)
    response = client.post(reverse("calls_dial", args=[caller_a.merchant.merchant_id]), follow=True)
    assert "联系策略未允许现在外呼" in response.content.decode()
    assert not Adapter.placed and not Call.objects.exists()
    assert ContactRequest.objects.get(merchant=caller_a.merchant).status == "scheduled"


def test_merchant_users_cannot_dial(client, alice, charlie, caller_a, integration_a):
    for user in (alice, charlie):
        client.force_login(user)
        client.post(reverse("calls_dial", args=[caller_a.merchant.merchant_id]))
    assert not Call.objects.exists() and not ContactRequest.objects.exists()


def test_dialing_an_unknown_merchant_is_404(client, agent, integration_a):
    client.force_login(agent)
    assert client.post(reverse("calls_dial", args=["000000000000000"])).status_code == 404
