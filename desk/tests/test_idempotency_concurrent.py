"""Idempotency-Key under concurrency: the same POST /api/tickets/ sent by several threads at
the same moment (a client's retries racing its first try) makes exactly one ticket, and every
request is answered as the first was — 201 and the same body. Real threads and transactions
on a SQLite file and on PostgreSQL (`concurrent_db`)."""

from __future__ import annotations

from django.test import Client

from desk.models import Ticket


def _post(user, body: dict, key: str):
    client = Client()
    client.force_login(user)
    return client.post(
        "/api/tickets/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def _body(merchant, terminal) -> dict:
    return {
        "merchant_id": merchant.merchant_id,
        "terminal_id": terminal.terminal_id,
        "category": "transaction_failure",
        "description": "刷卡提示交易失败 96",
        "channel": "api",
        "facts": {"error_code": "96"},
    }


def test_same_key_at_the_same_moment_makes_one_ticket(
    agent, merchant_a, terminal_a, desk_staff, concurrent_db
):
    body = _body(merchant_a, terminal_a)

    responses = concurrent_db.run(lambda _i: _post(agent, body, "retry-7f3a"), 8)

    assert [getattr(r, "status_code", r) for r in responses] == [201] * 8
    bodies = [r.json() for r in responses]
    assert all(b == bodies[0] for b in bodies)
    assert concurrent_db.call(lambda: Ticket.objects.count()) == 1
    # Once it has settled, a later replay still answers the same.
    later = concurrent_db.call(lambda: _post(agent, body, "retry-7f3a"))
    assert later.status_code == 201 and later.json() == bodies[0]


def test_a_merchant_retrying_from_the_portal_app_gets_one_ticket(
    alice, merchant_a, terminal_a, desk_staff, concurrent_db
):
    body = {**_body(merchant_a, terminal_a), "channel": "portal"}

    responses = concurrent_db.run(lambda i: _post(alice, body, f"k-{i % 2}"), 6)

    assert [getattr(r, "status_code", r) for r in responses] == [201] * 6
    numbers = {r.json()["number"] for r in responses}
    assert len(numbers) == 2  # two keys, two tickets
    assert concurrent_db.call(lambda: Ticket.objects.count()) == 2
