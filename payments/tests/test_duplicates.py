"""Double charges: detected from the data, turned into a dispute case with the evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from payments.models import DisputeCase
from payments.services import find_duplicate_charges, open_dispute
from payments.tests.factories import CST, TransactionFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2025, 9, 30, 14, 0, tzinfo=CST)


def test_same_card_and_amount_within_minutes_is_a_likely_duplicate(terminal_a):
    first = TransactionFactory(terminal=terminal_a, local_time=T0)
    second = TransactionFactory(terminal=terminal_a, local_time=T0 + dt.timedelta(seconds=75))
    TransactionFactory(terminal=terminal_a, local_time=T0 + dt.timedelta(hours=3))  # too late
    TransactionFactory(terminal=terminal_a, local_time=T0 + dt.timedelta(seconds=30), amount=999)
    TransactionFactory(
        terminal=terminal_a,
        local_time=T0 + dt.timedelta(seconds=40),
        card_last4="9999",
        pan_masked="622202*********9999",
    )
    TransactionFactory(
        terminal=terminal_a, local_time=T0 + dt.timedelta(seconds=50), status="voided"
    )
    found = find_duplicate_charges(
        terminal_a.merchant, since=T0 - dt.timedelta(days=1), until=T0 + dt.timedelta(days=1)
    )
    assert [(d.first, d.second, d.seconds_apart) for d in found] == [(first, second, 75)]


def test_opening_a_dispute_keeps_the_evidence_and_is_idempotent(terminal_a, alice):
    first = TransactionFactory(terminal=terminal_a, local_time=T0)
    second = TransactionFactory(terminal=terminal_a, local_time=T0 + dt.timedelta(seconds=75))
    case = open_dispute(second, first, opened_by=alice)
    assert case.first_transaction == first and case.duplicate_transaction == second
    assert case.evidence["seconds_apart"] == 75 and case.evidence["card"] == "622202*********0123"
    assert [t["rrn"] for t in case.evidence["transactions"]] == [first.rrn, second.rrn]
    assert open_dispute(first, second) == case and DisputeCase.objects.count() == 1
    found = find_duplicate_charges(
        terminal_a.merchant, since=T0 - dt.timedelta(days=1), until=T0 + dt.timedelta(days=1)
    )
    assert found[0].case == case
