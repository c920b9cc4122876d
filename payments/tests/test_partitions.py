"""PostgreSQL: the transactions table is partitioned by month and grows partitions on demand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from payments import partitions
from payments.models import Transaction
from payments.tests.factories import CST, TransactionFactory

pytestmark = pytest.mark.django_db


def partition_of(txn: Transaction) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM payments_transaction WHERE id = %s", [txn.pk]
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL-only")
def test_rows_land_in_their_month_and_new_months_are_created(terminal_a):
    assert partitions.is_partitioned()
    october = TransactionFactory(
        terminal=terminal_a, local_time=dt.datetime(2025, 10, 3, 9, tzinfo=CST)
    )
    assert partition_of(october) == "payments_transaction_p202510"
    assert partitions.ensure_partitions([dt.date(2031, 3, 15)]) == ["payments_transaction_p203103"]
    later = TransactionFactory(
        terminal=terminal_a, local_time=dt.datetime(2031, 3, 15, 9, tzinfo=CST)
    )
    assert partition_of(later) == "payments_transaction_p203103"
    unprepared = TransactionFactory(
        terminal=terminal_a, local_time=dt.datetime(2032, 5, 1, 9, tzinfo=CST)
    )
    assert partition_of(unprepared) == "payments_transaction_default"
    assert Transaction.objects.get(pk=later.pk).txn_date == dt.date(2031, 3, 15)


def test_sqlite_keeps_a_plain_table():
    if connection.vendor == "postgresql":
        pytest.skip("covered above")
    assert not partitions.is_partitioned()
    assert partitions.ensure_partitions([dt.date(2031, 3, 1)]) == []
