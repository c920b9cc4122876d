"""PostgreSQL only: the raw telemetry table becomes one partitioned by month of `at`.

The table is new and empty here, so it is recreated partitioned with the same columns,
constraints and indexes; Django's state does not change and SQLite keeps the plain table.
The primary key becomes (id, at) — a partitioned table's unique keys must hold the
partition key — and `id` stays unique through its one identity sequence. A default
partition catches months not prepared yet; the scheduler keeps the next months ready.
"""

import datetime as dt

from django.db import migrations

TABLE = "fleet_telemetryrecord"
FIRST_MONTH = dt.date(2025, 1, 1)
MONTHS = 36


def _next(month):
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def partition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{TABLE}" RENAME TO "{TABLE}_plain"')
        cursor.execute(
            f'CREATE TABLE "{TABLE}" (LIKE "{TABLE}_plain" INCLUDING DEFAULTS '
            f"INCLUDING IDENTITY INCLUDING CONSTRAINTS) PARTITION BY RANGE (at)"
        )
        cursor.execute(f'DROP TABLE "{TABLE}_plain"')
        cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_pkey" PRIMARY KEY (id, at)')
        cursor.execute(
            f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "telemetry_terminal_at_key" '
            "UNIQUE (terminal_id, at)"
        )
        cursor.execute(f'CREATE INDEX "telemetry_at" ON "{TABLE}" (at)')
        month = FIRST_MONTH
        for _ in range(MONTHS):
            cursor.execute(
                f'CREATE TABLE "{TABLE}_p{month:%Y%m}" PARTITION OF "{TABLE}" '
                f"FOR VALUES FROM ('{month.isoformat()}') TO ('{_next(month).isoformat()}')"
            )
            month = _next(month)
        cursor.execute(f'CREATE TABLE "{TABLE}_default" PARTITION OF "{TABLE}" DEFAULT')


def unpartition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{TABLE}" CASCADE')
    schema_editor.create_model(apps.get_model("fleet", "TelemetryRecord"))


class Migration(migrations.Migration):
    dependencies = [("fleet", "0001_initial")]

    operations = [migrations.RunPython(partition, unpartition)]
