"""Monthly partitions of the transactions table on PostgreSQL.

The table is `PARTITION BY RANGE (txn_date)`, one partition a month
(`payments_transaction_p202510` …) plus a default partition that catches anything outside
the prepared months, so an insert never fails for want of a partition. Ingestion creates the
partitions of the months it is about to write, and the scheduler keeps the next months ready.
On SQLite every function here does nothing. Fleet telemetry (`fleet_telemetryrecord`,
partitioned by month of `at`) uses the same functions with its own table name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "payments_transaction"
_known: set[tuple[str, str, dt.date]] = set()


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def partition_name(month: dt.date, table: str = TABLE) -> str:
    return f"{table}_p{month:%Y%m}"


def is_partitioned(connection: BaseDatabaseWrapper | None = None) -> bool:
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE])
        return cursor.fetchone() is not None


def ensure_partitions(
    months: Iterable[dt.date],
    connection: BaseDatabaseWrapper | None = None,
    table: str = TABLE,
) -> list[str]:
    """Create the monthly partitions that do not exist yet; returns the names created.

    When the default partition already holds rows of a month, PostgreSQL refuses to create
    that month's partition; the rows stay correct in the default partition and nothing fails.
    """
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return []
    created = []
    alias = connection.alias
    for month in sorted({month_start(m) for m in months}):
        if (alias, table, month) in _known:
            continue
        name = partition_name(month, table)
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [name])
            exists = cursor.fetchone()[0] is not None
            if not exists:
                sql = (
                    f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF "{table}" '
                    f"FOR VALUES FROM ('{month.isoformat()}') "
                    f"TO ('{next_month(month).isoformat()}')"
                )
                try:
                    cursor.execute("SAVEPOINT ensure_partition")
                    cursor.execute(sql)
                    cursor.execute("RELEASE SAVEPOINT ensure_partition")
                    created.append(name)
                except Exception:  # rows of that month already sit in the default partition
                    cursor.execute("ROLLBACK TO SAVEPOINT ensure_partition")
        _known.add((alias, table, month))
    return created


def ensure_partitions_with(cursor: Any, months: Iterable[dt.date], alias: str = "default") -> None:
    """The same, on a psycopg cursor (the ingestion writer thread has no Django cursor)."""
    for month in sorted({month_start(m) for m in months}):
        if (alias, TABLE, month) in _known:
            continue
        name = partition_name(month)
        cursor.execute("SELECT to_regclass(%s)", [name])
        if cursor.fetchone()[0] is None:
            cursor.execute("SAVEPOINT ensure_partition")
            try:
                cursor.execute(
                    f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF "{TABLE}" '
                    f"FOR VALUES FROM ('{month.isoformat()}') "
                    f"TO ('{next_month(month).isoformat()}')"
                )
                cursor.execute("RELEASE SAVEPOINT ensure_partition")
            except Exception:  # rows of that month already sit in the default partition
                cursor.execute("ROLLBACK TO SAVEPOINT ensure_partition")
        _known.add((alias, TABLE, month))


def forget_known_partitions() -> None:
    """Tests drop and recreate databases; the cache must not outlive them."""
    _known.clear()


def ensure_upcoming(months_ahead: int = 3, today: dt.date | None = None) -> list[str]:
    month = month_start(today or dt.date.today())
    months = [month]
    for _ in range(months_ahead):
        month = next_month(month)
        months.append(month)
    return ensure_partitions(months)
