"""PostgreSQL only: turn the transactions table into one partitioned by month of txn_date.

Django's state does not change (same columns, constraints and indexes), so
`makemigrations --check` stays clean and SQLite keeps the plain table. On PostgreSQL the
primary key becomes (id, txn_date) — every unique key of a partitioned table must contain
the partition key — and `id` stays unique through the one identity sequence.
"""

import datetime as dt

from django.db import migrations

TABLE = "payments_transaction"
FIRST_MONTH = dt.date(2024, 1, 1)
MONTHS = 48  # 2024-01 … 2027-12; later months are created on demand and by the scheduler


def _months():
    month = FIRST_MONTH
    for _ in range(MONTHS):
        yield month
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def partition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY conname""",
            [TABLE],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.tablename = %s AND NOT EXISTS (
                 SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
               ORDER BY i.indexname""",
            [TABLE],
        )
        indexes = cursor.fetchall()
        cursor.execute(f'ALTER TABLE "{TABLE}" RENAME TO "{TABLE}_plain"')
        cursor.execute(
            f'CREATE TABLE "{TABLE}" (LIKE "{TABLE}_plain" INCLUDING DEFAULTS '
            f"INCLUDING IDENTITY INCLUDING CONSTRAINTS) PARTITION BY RANGE (txn_date)"
        )
        cursor.execute(f'DROP TABLE "{TABLE}_plain"')
        # The key columns hold codes, not words: byte order compares fastest.
        for column, size in (("txn_type", 20), ("stan", 6), ("batch_no", 6), ("rrn", 12)):
            cursor.execute(
                f'ALTER TABLE "{TABLE}" ALTER COLUMN {column} TYPE varchar({size}) COLLATE "C"'
            )
        cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_pkey" PRIMARY KEY (id, txn_date)')
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)
        for month in _months():
            following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            cursor.execute(
                f'CREATE TABLE "{TABLE}_p{month:%Y%m}" PARTITION OF "{TABLE}" '
                f"FOR VALUES FROM ('{month.isoformat()}') TO ('{following.isoformat()}')"
            )
        cursor.execute(f'CREATE TABLE "{TABLE}_default" PARTITION OF "{TABLE}" DEFAULT')


def unpartition(apps, schema_editor):
    # Going back needs the plain table Django expects; recreate it from the model state.
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{TABLE}" CASCADE')
    schema_editor.create_model(apps.get_model("payments", "Transaction"))


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(partition, unpartition)]
