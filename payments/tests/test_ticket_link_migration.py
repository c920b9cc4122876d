"""Migration 0005 drops the ticket number copied beside the ticket key without losing a link:
a row that had only the copied number is linked to that ticket, and going back restores it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from payments.models import Investigation
from payments.services import investigate_funds
from payments.tests.factories import CST, TransactionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("payments", "0004_ticket_foreign_key")]
AFTER = [("payments", "0005_drop_ticket_number_copies")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_a_copied_number_without_a_key_becomes_the_link(terminal_a, alice):
    terminal_a.merchant.settlement_account_masked = "**** 1234"  # unresolved: opens a ticket
    terminal_a.merchant.save()
    sale = TransactionFactory(
        terminal=terminal_a, local_time=dt.datetime(2025, 9, 30, 14, tzinfo=CST)
    )
    investigation = investigate_funds(
        sale.merchant, txn=sale, opened_by=alice, today=dt.date(2025, 10, 14)
    )
    assert investigation.ticket is not None
    number = investigation.ticket.number
    try:
        old = migrate(BEFORE).get_model("payments", "Investigation")
        row = old.objects.get(pk=investigation.pk)
        assert row.ticket_reference == number  # going back fills the copy from the key
        old.objects.filter(pk=row.pk).update(ticket=None)
    finally:
        migrate(AFTER)
    assert Investigation.objects.get(pk=investigation.pk).ticket.number == number
