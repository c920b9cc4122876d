"""The agents' call list: take a call, place it from the registered line, log the outcome;
no answer keeps it open until the third try."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outreach.models import CallTask, ContactAttempt
from outreach.services import RequestError, claim_call, log_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(file, clock, contact_a):
    request = file(contact_a.merchant, purpose="risk_alert", channels=["phone"])
    return CallTask.objects.get(request=request)


def test_agent_takes_and_logs_a_call_from_the_page(client, agent, task):
    client.force_login(agent)
    page = client.get(reverse("call_tasks")).content.decode()
    assert task.merchant.name in page
    detail = client.get(reverse("call_task", args=[task.pk])).content.decode()
    assert task.verification_code in detail and "138 0000 1111" in detail
    client.post(reverse("call_task", args=[task.pk]), {"claim": "1"})
    task.refresh_from_db()
    assert task.status == "claimed" and task.assigned_to == agent
    response = client.post(
        reverse("call_task", args=[task.pk]),
        {
            "outcome": "answered",
            "registered_number": task.registered_number_id,
            "summary": "已提醒商户核对异常交易",
        },
    )
    assert response.status_code == 302
    attempt = ContactAttempt.objects.get(request=task.request)
    assert attempt.agent_no == "A1001" and attempt.outcome == "answered"
    assert attempt.from_number == task.registered_number.number
    assert attempt.verification_code == task.verification_code
    task.refresh_from_db()
    assert task.status == "done"


def test_second_agent_cannot_take_a_claimed_call(make_user, agent, task):
    other = make_user("agent2", role="l1", agent_no="A1002")
    assert claim_call(task, agent)
    assert not claim_call(task, other)


def test_no_answer_three_times_closes_as_unreachable(agent, task):
    for _ in range(3):
        log_call(
            task,
            agent=agent,
            outcome="no_answer",
            summary="",
            registered_number=task.registered_number,
        )
    task.refresh_from_db()
    assert task.status == "unreachable" and task.attempts == 3
    assert ContactAttempt.objects.filter(outcome="no_answer").count() == 3
    with pytest.raises(RequestError):
        log_call(
            task,
            agent=agent,
            outcome="answered",
            summary="",
            registered_number=task.registered_number,
        )


def test_technician_does_not_see_the_full_number(client, technician, task):
    client.force_login(technician)
    page = client.get(reverse("call_task", args=[task.pk])).content.decode()
    assert "13800001111" not in page.replace(" ", "")
