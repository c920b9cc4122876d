"""POST /api/tickets/ and friends, with the same scoping as the pages."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from desk.models import Commitment, Ticket

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def payload(merchant, terminal=None, **extra):
    data = {
        "merchant_id": merchant.merchant_id,
        "category": "transaction_failure",
        "description": "刷卡提示交易失败 96",
        "channel": "api",
        "facts": {"error_code": "96"},
    }
    if terminal is not None:
        data["terminal_id"] = terminal.terminal_id
    data.update(extra)
    return data


def test_same_idempotency_key_twice_creates_one_ticket(agent, merchant_a, terminal_a, desk_staff):
    client = api(agent)
    first = client.post(
        "/api/tickets/", payload(merchant_a, terminal_a), format="json", HTTP_IDEMPOTENCY_KEY="ab-1"
    )
    second = client.post(
        "/api/tickets/", payload(merchant_a, terminal_a), format="json", HTTP_IDEMPOTENCY_KEY="ab-1"
    )
    assert first.status_code == 201 and second.status_code == 201
    assert first.json() == second.json()
    assert Ticket.objects.count() == 1
    body = first.json()
    assert body["facts"]["serial_number"] == "A920SN0001"
    assert body["missing_facts"] == ["recent_transaction", "started_at"]
    third = client.post("/api/tickets/", payload(merchant_a), format="json")
    assert third.status_code == 201 and Ticket.objects.count() == 2


def test_bad_input_is_a_clear_error_in_both_languages(agent, merchant_a, terminal_b):
    client = api(agent)
    unknown = client.post(
        "/api/tickets/", payload(merchant_a, merchant_id="999999999999999"), format="json"
    )
    assert unknown.status_code == 400 and "zh" in unknown.json()["merchant_id"]
    foreign = client.post("/api/tickets/", payload(merchant_a, terminal_b), format="json")
    assert foreign.status_code == 400 and "en" in foreign.json()["terminal_id"]
    category = client.post("/api/tickets/", payload(merchant_a, category="nope"), format="json")
    assert category.status_code == 400 and "category" in category.json()
    facts = client.post("/api/tickets/", payload(merchant_a, facts={"pin": "1"}), format="json")
    assert facts.status_code == 400
    assert Ticket.objects.count() == 0


def test_merchant_users_open_tickets_only_for_their_merchants(alice, merchant_a, merchant_b):
    assert api(alice).post("/api/tickets/", payload(merchant_a), format="json").status_code == 201
    refused = api(alice).post("/api/tickets/", payload(merchant_b), format="json")
    assert refused.status_code == 400  # unknown to alice: bob's merchant does not leak
    assert api().post("/api/tickets/", payload(merchant_a), format="json").status_code == 401


def test_list_and_detail_are_scoped(ticket_a, ticket_b, alice, bob, charlie, agent):
    def numbers(user):
        return [t["number"] for t in api(user).get("/api/tickets/").json()["results"]]

    assert numbers(alice) == [ticket_a.number]
    assert numbers(bob) == [ticket_b.number]
    assert numbers(charlie) == []
    assert sorted(numbers(agent)) == sorted([ticket_a.number, ticket_b.number])
    url = f"/api/tickets/{ticket_a.number}/"
    assert api(alice).get(url).status_code == 200
    assert api(bob).get(url).status_code == 404
    assert api(charlie).get(url).status_code == 404
    assert api().get(url).status_code == 401
    filtered = api(agent).get("/api/tickets/", {"merchant_id": ticket_b.merchant.merchant_id})
    assert [t["number"] for t in filtered.json()["results"]] == [ticket_b.number]


def test_update_is_for_staff_with_transitions_enforced(ticket_a, alice, bob, agent, technician):
    url = f"/api/tickets/{ticket_a.number}/"
    assert api(alice).patch(url, {"priority": "P1"}, format="json").status_code == 403
    assert api(bob).patch(url, {"priority": "P1"}, format="json").status_code == 404
    bad = api(agent).patch(url, {"status": "closed", "reason": "x"}, format="json")
    assert bad.status_code == 400 and "zh" in bad.json()["detail"]
    ok = api(agent).patch(
        url, {"tier": "l2", "reason": "需要技术支持", "priority": "P2"}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["tier"] == "l2" and ok.json()["assignee"] == technician.agent_no
    assert ok.json()["priority"] == "P2"
    done = api(agent).patch(
        url,
        {"status": "resolved", "reason": "远程重启后恢复", "resolution_code": "remote_fix"},
        format="json",
    )
    assert done.json()["status"] == "resolved"


def test_interactions_public_and_internal(ticket_a, alice, bob, agent):
    url = f"/api/tickets/{ticket_a.number}/interactions/"
    note = api(agent).post(url, {"kind": "note", "body": "内部：疑似硬件"}, format="json")
    reply = api(agent).post(url, {"kind": "call", "body": "已指导换纸"}, format="json")
    assert note.status_code == reply.status_code == 201
    assert reply.json()["agent_no"] == "A1001"
    seen_by_alice = [i["body"] for i in api(alice).get(url).json()]
    assert "已指导换纸" in seen_by_alice and "内部：疑似硬件" not in seen_by_alice
    assert api(alice).post(url, {"body": "还是不行"}, format="json").status_code == 201
    assert api(bob).post(url, {"body": "x"}, format="json").status_code == 404
    assert api(bob).get(url).status_code == 404
    assert api().get(url).status_code == 401


def test_commitments_by_staff_only(ticket_a, alice, bob, charlie, agent):
    url = f"/api/tickets/{ticket_a.number}/commitments/"
    due = (timezone.now() + dt.timedelta(hours=3)).isoformat()
    past = (timezone.now() - dt.timedelta(hours=3)).isoformat()
    made = api(agent).post(url, {"promise": "15:00 前回电", "due_at": due}, format="json")
    assert made.status_code == 201 and made.json()["owner"] == "A1001"
    assert api(agent).post(url, {"promise": "x", "due_at": past}, format="json").status_code == 400
    assert api(alice).post(url, {"promise": "x", "due_at": due}, format="json").status_code == 403
    assert [c["promise"] for c in api(alice).get(url).json()] == ["15:00 前回电"]
    assert api(bob).get(url).status_code == 404
    assert api(charlie).get(url).status_code == 404
    assert api().get(url).status_code == 401
    assert Commitment.objects.count() == 1
