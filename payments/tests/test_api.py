"""API: scoped transaction look-ups, settlement, investigations, payouts, disputes and the
batch ingestion endpoint — each tested for owner, other merchant, no merchant, anonymous."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.test import APIClient

from payments.models import DisputeCase, Investigation, Transaction
from payments.tests.conftest import row
from payments.tests.factories import CST, PayoutFactory, TransactionFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2025, 9, 30, 14, 0, tzinfo=CST)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def txn_a(terminal_a):
    return TransactionFactory(terminal=terminal_a, local_time=T0, rrn="093014000777")


@pytest.fixture
def txn_b(terminal_b):
    return TransactionFactory(terminal=terminal_b, local_time=T0, rrn="093014000888")


def ids(response):
    return {item["id"] for item in response.json()["results"]}


def test_transaction_list_is_scoped_and_filters(api, alice, bob, charlie, agent, txn_a, txn_b):
    api.force_authenticate(alice)
    assert ids(api.get("/api/transactions/")) == {txn_a.pk}
    assert ids(api.get("/api/transactions/", {"rrn": "093014000888"})) == set()
    assert ids(
        api.get("/api/transactions/", {"stan": txn_a.stan.lstrip("0"), "date": "2025-09-30"})
    ) == {txn_a.pk}
    assert ids(
        api.get(
            "/api/transactions/",
            {"amount": "123.45", "since": "2025-09-30T05:00:00Z", "until": "2025-09-30T07:00:00Z"},
        )
    ) == {txn_a.pk}
    assert ids(api.get("/api/transactions/", {"card_last4": "0123"})) == {txn_a.pk}
    assert ids(api.get("/api/transactions/", {"today": "true"})) == set()
    api.force_authenticate(bob)
    assert ids(api.get("/api/transactions/")) == {txn_b.pk}
    api.force_authenticate(charlie)
    assert ids(api.get("/api/transactions/")) == set()
    api.force_authenticate(agent)
    assert ids(api.get("/api/transactions/")) == {txn_a.pk, txn_b.pk}
    api.force_authenticate(None)
    assert api.get("/api/transactions/").status_code in (401, 403)


def test_transaction_detail_settlement_and_investigation(api, alice, bob, charlie, txn_a):
    detail = f"/api/transactions/{txn_a.pk}/"
    api.force_authenticate(alice)
    body = api.get(detail, {"lang": "en"}).json()
    assert body["settlement"]["payout_date"] == "2025-10-09"
    assert (
        body["explanation"].startswith("approved, 00")
        and body["pan_masked"] == "622202*********0123"
    )
    assert api.get(detail + "settlement/").json()["payout_date"] == "2025-10-09"
    created = api.post(detail + "investigate/")
    assert (
        created.status_code == 201 and created.json()["merchant_id"] == txn_a.merchant.merchant_id
    )
    for other in (bob, charlie):
        api.force_authenticate(other)
        assert api.get(detail).status_code == 404
        assert api.get(detail + "settlement/").status_code == 404
        assert api.post(detail + "investigate/").status_code == 404
    api.force_authenticate(None)
    assert api.get(detail).status_code in (401, 403)
    assert api.post(detail + "investigate/").status_code in (401, 403)
    assert Investigation.objects.count() == 1


def test_investigations_endpoint(api, alice, bob, charlie, merchant_a, txn_a):
    api.force_authenticate(alice)
    response = api.post(
        "/api/investigations/", {"merchant_id": merchant_a.merchant_id, "date": "2025-09-30"}
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    assert api.get(f"/api/investigations/{pk}/").status_code == 200
    for other in (bob, charlie):
        api.force_authenticate(other)
        assert api.get(f"/api/investigations/{pk}/").status_code == 404
        assert api.get("/api/investigations/").json()["results"] == []
        assert (
            api.post(
                "/api/investigations/",
                {"merchant_id": merchant_a.merchant_id, "date": "2025-09-30"},
            ).status_code
            == 404
        )
    api.force_authenticate(None)
    assert api.get("/api/investigations/").status_code in (401, 403)


def test_payouts_endpoint(api, alice, bob, charlie, merchant_a, merchant_b):
    PayoutFactory(merchant=merchant_a)
    PayoutFactory(merchant=merchant_b)
    api.force_authenticate(alice)
    assert [p["merchant_id"] for p in api.get("/api/payouts/").json()["results"]] == [
        merchant_a.merchant_id
    ]
    api.force_authenticate(charlie)
    assert api.get("/api/payouts/").json()["results"] == []
    api.force_authenticate(None)
    assert api.get("/api/payouts/").status_code in (401, 403)


def test_duplicates_and_disputes_endpoints(api, alice, bob, charlie, merchant_a, terminal_a, txn_b):
    recently = timezone.now() - dt.timedelta(hours=1)
    first = TransactionFactory(terminal=terminal_a, local_time=recently)
    twin = TransactionFactory(terminal=terminal_a, local_time=recently + dt.timedelta(seconds=90))
    api.force_authenticate(alice)
    found = api.get("/api/duplicate-charges/", {"merchant_id": merchant_a.merchant_id}).json()
    assert [(d["first"]["id"], d["second"]["id"], d["seconds_apart"]) for d in found] == [
        (first.pk, twin.pk, 90)
    ]
    assert api.post("/api/disputes/", {"first": first.pk, "second": txn_b.pk}).status_code == 404
    created = api.post("/api/disputes/", {"first": first.pk, "second": twin.pk})
    assert created.status_code == 201 and created.json()["evidence"]["seconds_apart"] == 90
    case = DisputeCase.objects.get()  # the API still names the linked ticket by its number
    assert case.ticket is not None and created.json()["ticket_reference"] == case.ticket.number
    for other in (bob, charlie):
        api.force_authenticate(other)
        assert (
            api.get("/api/duplicate-charges/", {"merchant_id": merchant_a.merchant_id}).status_code
            == 404
        )
        assert api.get("/api/disputes/").json()["results"] == []
        assert api.post("/api/disputes/", {"first": first.pk, "second": twin.pk}).status_code == 404
    api.force_authenticate(None)
    assert api.get("/api/disputes/").status_code in (401, 403)
    assert DisputeCase.objects.count() == 1


def test_batch_endpoint_ingests_idempotently(api, supervisor, terminal_a):
    records = [
        row(),
        row(stan="2", rrn="000000000002", amount="12,3a"),
        row(stan="3", rrn="000000000003"),
    ]
    api.force_authenticate(supervisor)
    first = api.post("/api/transactions/batch", {"transactions": records}, format="json").json()
    assert first["created"] == 2 and first["error_rows"] == 1
    assert first["errors"][0]["row"] == 2 and first["errors"][0]["column"] == "amount"
    assert first["masked_pans"] == 2
    again = api.post("/api/transactions/batch/", records, format="json").json()
    assert again["created"] == 0 and again["duplicates"] == 2
    assert not Transaction.objects.exclude(pan_masked="622202*********0123").exists()


def test_batch_endpoint_needs_the_ingest_permission(
    api, alice, charlie, agent, make_user, terminal_a
):
    for user in (alice, charlie, agent):
        api.force_authenticate(user)
        assert (
            api.post(
                "/api/transactions/batch", {"transactions": [row()]}, format="json"
            ).status_code
            == 403
        )
    api.force_authenticate(None)
    assert api.post(
        "/api/transactions/batch", {"transactions": [row()]}, format="json"
    ).status_code in (401, 403)
    host = make_user("acquirer-host", role="l1", agent_no="H0001")
    host.user_permissions.add(Permission.objects.get(codename="add_transaction"))
    api.force_authenticate(host)
    assert (
        api.post("/api/transactions/batch", {"transactions": [row()]}, format="json").json()[
            "created"
        ]
        == 1
    )
    assert Transaction.objects.count() == 1
