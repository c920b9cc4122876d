"""Raw telemetry lives 90 days; each finished day is first rolled up into `TelemetryDaily`,
which is kept for years. Both steps are idempotent, so the periodic task can run any time."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Avg, Count, Max, Min, Q, Sum
from django.utils import timezone

from fleet.models import TelemetryDaily, TelemetryRecord

RAW_DAYS = 90
PRINTER_FAULTS = ("no_paper", "cover_open", "overheat", "head_fault")


def roll_up(day: dt.date) -> int:
    """Write (or rewrite) the daily aggregates of every terminal that reported on `day`."""
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    rows = (
        TelemetryRecord.objects.filter(at__gte=start, at__lt=start + dt.timedelta(days=1))
        .values("terminal_id")
        .annotate(
            reports=Count("id"),
            battery_min=Min("battery_pct"),
            battery_cycles=Max("battery_cycles"),
            temperature_max=Max("temperature_c"),
            signal_avg=Avg("signal_dbm"),
            print_count=Max("print_count"),
            printer_faults=Count("id", filter=Q(printer__in=PRINTER_FAULTS)),
            chip=Sum("chip_errors"),
            swipe=Sum("swipe_errors"),
            contactless=Sum("contactless_errors"),
            reboots=Sum("reboots"),
            free_storage_min=Min("free_storage_mb"),
            signin_failures=Count("id", filter=Q(signin_ok=False)),
            firmware_version=Max("firmware_version"),
        )
    )
    daily = []
    for row in rows:
        daily.append(
            TelemetryDaily(
                terminal_id=row["terminal_id"],
                day=day,
                reports=row["reports"],
                battery_min=row["battery_min"],
                battery_cycles=row["battery_cycles"],
                temperature_max=row["temperature_max"],
                signal_avg=row["signal_avg"],
                print_count=row["print_count"],
                printer_faults=row["printer_faults"],
                reader_errors=(row["chip"] or 0) + (row["swipe"] or 0) + (row["contactless"] or 0),
                reboots=row["reboots"] or 0,
                free_storage_min=row["free_storage_min"],
                signin_failures=row["signin_failures"],
                firmware_version=row["firmware_version"] or "",
            )
        )
    fields = [f.name for f in TelemetryDaily._meta.concrete_fields if f.name not in ("id",)]
    TelemetryDaily.objects.bulk_create(
        daily,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["terminal", "day"],
        update_fields=[f for f in fields if f not in ("terminal", "day")],
    )
    return len(daily)


@transaction.atomic
def roll_up_and_expire(today: dt.date | None = None, days_back: int = 2) -> tuple[int, int]:
    """Roll up the last finished days, then delete raw rows older than 90 days."""
    today = today or timezone.localdate()
    rolled = sum(roll_up(today - dt.timedelta(days=n)) for n in range(1, days_back + 1))
    cutoff = timezone.now() - dt.timedelta(days=RAW_DAYS)
    expired, _by_model = TelemetryRecord.objects.filter(at__lt=cutoff).delete()
    return rolled, expired
