"""A double charge is disputed once: the same transaction cannot be claimed by two open cases
(swapped, re-paired with another twin, or sent by many requests at the same moment), and a
transaction cannot be its own duplicate. Clear errors in Chinese and English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from desk.models import Ticket
from payments.models import DisputeCase, Transaction
from payments.services import DisputeError, open_dispute, open_or_get_dispute
from payments.tests.factories import CST, TransactionFactory

T0 = dt.datetime(2025, 9, 30, 14, 0, tzinfo=CST)


@pytest.fixture
def triple(terminal_a):
    """One purchase charged three times within two minutes."""
    return [
        TransactionFactory(terminal=terminal_a, local_time=T0 + dt.timedelta(seconds=s))
        for s in (0, 60, 120)
    ]


@pytest.mark.django_db
def test_the_same_duplicate_is_not_claimed_twice(triple, alice):
    first, second, third = triple
    case, created = open_or_get_dispute(first, third, opened_by=alice)
    assert created
    # Paired with another twin, or swapped: the open case that claims it is answered.
    assert open_or_get_dispute(second, third, opened_by=alice) == (case, False)
    assert open_or_get_dispute(third, first, opened_by=alice) == (case, False)
    # The middle one is a duplicate of its own: a second case, once.
    other, created = open_or_get_dispute(first, second, opened_by=alice)
    assert created and other != case
    assert DisputeCase.objects.count() == 2
    assert Ticket.objects.filter(category="refund_dispute").count() == 2


@pytest.mark.django_db
def test_once_closed_a_new_pair_may_claim_it_again(triple, alice):
    first, second, third = triple
    case = open_dispute(first, third, opened_by=alice)
    DisputeCase.objects.filter(pk=case.pk).update(status=DisputeCase.Status.REJECTED)
    again, created = open_or_get_dispute(second, third, opened_by=alice)
    assert created and again != case
    # The same pair again is the same (closed) case, not a new one.
    assert open_or_get_dispute(first, third) == (case, False)


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_case_for_one_duplicate(triple, merchant_a):
    first, second, third = triple
    DisputeCase.objects.create(
        merchant=merchant_a, first_transaction=first, duplicate_transaction=third, amount=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        DisputeCase.objects.create(
            merchant=merchant_a, first_transaction=second, duplicate_transaction=third, amount=1
        )


@pytest.mark.django_db
def test_a_transaction_is_not_its_own_duplicate(triple, alice, merchant_a):
    with pytest.raises(DisputeError) as raised:
        open_dispute(triple[0], triple[0], opened_by=alice)
    assert "不同的交易" in raised.value.messages["zh"]
    assert "two different" in raised.value.messages["en"]
    api = APIClient()
    api.force_authenticate(alice)
    answer = api.post("/api/disputes/", {"first": triple[0].pk, "second": triple[0].pk})
    assert answer.status_code == 400
    assert "two different" in answer.json()["detail"]["en"]
    assert DisputeCase.objects.count() == 0


@pytest.mark.django_db
def test_the_api_answers_an_existing_case_with_200(triple, alice):
    api = APIClient()
    api.force_authenticate(alice)
    first, second, third = triple
    created = api.post("/api/disputes/", {"first": first.pk, "second": third.pk})
    assert created.status_code == 201
    again = api.post("/api/disputes/", {"first": second.pk, "second": third.pk})
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]


def test_many_requests_at_the_same_moment_open_one_case(triple, alice, concurrent_db):
    ids = [t.pk for t in triple]

    def open_one(index: int) -> int:
        # Half name the pair one way round, half the other; some pair the later twin anew.
        pairs = [(ids[0], ids[2]), (ids[2], ids[0]), (ids[1], ids[2])]
        one, two = pairs[index % len(pairs)]
        first = Transaction.objects.get(pk=one)
        second = Transaction.objects.get(pk=two)
        return open_dispute(first, second, opened_by=alice).pk

    results = concurrent_db.run(open_one, 6)

    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    assert concurrent_db.call(lambda: DisputeCase.objects.count()) == 1
    assert concurrent_db.call(lambda: Ticket.objects.filter(category="refund_dispute").count()) == 1
