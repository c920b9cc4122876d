"""A transaction's local time as acquirer files and POS messages really write it.

Pure Python. Accepted layouts:

- ISO 8601 with an offset (`2026-09-30T14:00:00+08:00`), or without one, read in the
  merchant's time zone (Asia/Shanghai by default);
- `YYYYMMDDhhmmss` (settlement files), in the merchant's time zone;
- `MMDDhhmmss` (ISO 8583 fields 13 + 12, or field 7): the year comes from the batch's
  settlement date — the latest such day that is not after the settlement date (plus one day
  of slack for the cut-off), so 1231 settled on 0102 is last year's.

Dates outside 2000–2099 are refused: no real transaction has one, and a year 9999 or 0001
overflows once converted to UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

EARLIEST_YEAR = 2000
LATEST_YEAR = 2099
_COMPACT = re.compile(r"^(\d{4})?(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$")


class LocalTimeError(ValueError):
    """`out_of_range` tells a layout problem from an impossible year."""

    def __init__(self, out_of_range: bool = False) -> None:
        super().__init__("out of range" if out_of_range else "unreadable")
        self.out_of_range = out_of_range


def _year_for(month: int, day: int, reference: dt.date) -> int:
    latest = reference + dt.timedelta(days=1)
    for year in (latest.year, latest.year - 1, latest.year - 2):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue  # 29 February of a common year
        if candidate <= latest:
            return year
    raise LocalTimeError()


def _compact(match: re.Match[str], reference: dt.date) -> dt.datetime:
    year_text, *rest = match.groups()
    month, day, hour, minute, second = (int(part) for part in rest)
    year = int(year_text) if year_text else _year_for(month, day, reference)
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise LocalTimeError(out_of_range=True)
    try:
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise LocalTimeError() from None


def parse_local_time(
    text: str, zone: dt.tzinfo | str, reference: dt.date | None = None
) -> dt.datetime:
    """An aware datetime, or LocalTimeError. `reference` is the batch's settlement date
    (today in `zone` when the batch does not say)."""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    value = text.strip()
    match = _COMPACT.match(value)
    if match:
        moment = _compact(match, reference or dt.datetime.now(tz).date())
    else:
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise LocalTimeError() from None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise LocalTimeError(out_of_range=True)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)
