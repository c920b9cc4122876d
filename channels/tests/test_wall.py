"""The supervisor's live wall shows what the phone system reported, and only to supervisors."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_wall_counts_waiting_and_talking_calls_per_queue(client, pbx, supervisor, agent, caller_a):
    pbx.call("ringing", "w1", caller="13800001111", queue="hotline")
    pbx.call("ringing", "w2", caller="13800002222", queue="hotline", agent="A1001")
    pbx.call("answered", "w2", agent="A1001")
    client.force_login(supervisor)
    page = client.get(reverse("calls_wall_live")).content.decode()
    assert 'data-waiting="hotline">1<' in page and 'data-talking="hotline">1<' in page
    assert "A1001" in page and "通话中" in page


def test_wall_is_for_supervisors_only(client, agent, alice, charlie):
    for user in (agent, alice, charlie):
        client.force_login(user)
        assert client.get(reverse("calls_wall")).status_code == 403
        assert client.get(reverse("calls_wall_live")).status_code == 403


def test_the_systems_own_staff_accounts_are_not_agents_on_the_wall(
    client, supervisor, agent, technician
):
    """The fleet monitor (F0001) and the settlement notices (SYS-PAY) sign what they do as
    staff but never take a call: the wall lists the people who can."""
    from fleet.accounts import monitor_user
    from statements.notices import notice_sender

    system = [monitor_user(), notice_sender()]
    client.force_login(supervisor)
    page = client.get(reverse("calls_wall_live")).content.decode()
    assert agent.agent_no in page and technician.agent_no in page
    assert all(account.agent_no not in page for account in system)
