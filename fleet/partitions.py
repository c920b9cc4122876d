"""Monthly partitions of the raw telemetry table on PostgreSQL (the transactions table's
machinery, `payments.partitions`, with this table's name). On SQLite nothing happens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from payments import partitions as monthly

TABLE = "fleet_telemetryrecord"


def ensure_partitions(days: Iterable[dt.date]) -> list[str]:
    return monthly.ensure_partitions(days, table=TABLE)


def ensure_upcoming(months_ahead: int = 3, today: dt.date | None = None) -> list[str]:
    month = monthly.month_start(today or dt.date.today())
    months = [month]
    for _ in range(months_ahead):
        month = monthly.next_month(month)
        months.append(month)
    return ensure_partitions(months)
