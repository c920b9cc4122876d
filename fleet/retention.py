"""Raw telemetry lives 90 days; each finished day is first rolled up into `TelemetryDaily`,
which is kept for years. Both steps are idempotent, so the periodic task can run any time."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from fleet.models import TelemetryRecord

RAW_DAYS = 90
PRINTER_FAULTS = ("no_paper", "cover_open", "overheat", "head_fault")


DAILY_COLUMNS = (
    "terminal_id",
    "day",
    "reports",
    "battery_min",
    "battery_cycles",
    "temperature_max",
    "signal_avg",
    "print_count",
    "printer_faults",
    "reader_errors",
    "reboots",
    "free_storage_min",
    "signin_failures",
    "firmware_version",
)
# One statement per day, in the database: the aggregates go straight into the roll-up table
# (an upsert on the (terminal, day) key, so rolling a day up again rewrites it).
ROLL_UP_SQL = f"""
INSERT INTO fleet_telemetrydaily ({", ".join(DAILY_COLUMNS)})
SELECT terminal_id, %s, COUNT(*), MIN(battery_pct), MAX(battery_cycles), MAX(temperature_c),
       AVG(signal_dbm), MAX(print_count),
       SUM(CASE WHEN printer IN ({", ".join(["%s"] * len(PRINTER_FAULTS))}) THEN 1 ELSE 0 END),
       COALESCE(SUM(chip_errors), 0) + COALESCE(SUM(swipe_errors), 0)
         + COALESCE(SUM(contactless_errors), 0),
       COALESCE(SUM(reboots), 0), MIN(free_storage_mb),
       SUM(CASE WHEN signin_ok = %s THEN 1 ELSE 0 END), COALESCE(MAX(firmware_version), '')
FROM fleet_telemetryrecord
WHERE at >= %s AND at < %s
GROUP BY terminal_id
ON CONFLICT (terminal_id, day) DO UPDATE SET
{", ".join(f"{c} = excluded.{c}" for c in DAILY_COLUMNS[2:])}
"""  # noqa: S608 — built from the constants above; the values are parameters


def roll_up(day: dt.date) -> int:
    """Write (or rewrite) the daily aggregates of every terminal that reported on `day`."""
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    ops = connection.ops
    params = [
        ops.adapt_datefield_value(day),
        *PRINTER_FAULTS,
        False,
        ops.adapt_datetimefield_value(start),
        ops.adapt_datetimefield_value(start + dt.timedelta(days=1)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(ROLL_UP_SQL, params)
        return max(cursor.rowcount, 0)


@transaction.atomic
def roll_up_and_expire(today: dt.date | None = None, days_back: int = 2) -> tuple[int, int]:
    """Roll up the last finished days, then delete raw rows older than 90 days."""
    today = today or timezone.localdate()
    rolled = sum(roll_up(today - dt.timedelta(days=n)) for n in range(1, days_back + 1))
    cutoff = timezone.now() - dt.timedelta(days=RAW_DAYS)
    expired, _by_model = TelemetryRecord.objects.filter(at__lt=cutoff).delete()
    return rolled, expired
