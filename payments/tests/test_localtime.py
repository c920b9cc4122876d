"""Local times as acquirer files write them (issue 10): offsets, naive times in the
merchant's zone, YYYYMMDDhhmmss, MMDDhhmmss with the settlement date; absurd years refused."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.localtime import LocalTimeError, parse_local_time

SHANGHAI = ZoneInfo("Asia/Shanghai")
URUMQI = ZoneInfo("Asia/Urumqi")


def test_naive_time_is_read_in_the_merchants_zone():
    assert parse_local_time("2026-09-30T14:00:00", SHANGHAI) == dt.datetime(
        2026, 9, 30, 14, tzinfo=SHANGHAI
    )
    utc = parse_local_time("2026-09-30 14:00:00", URUMQI).astimezone(dt.UTC)
    assert utc.hour == 8  # Urumqi is UTC+6


def test_offsets_are_kept():
    moment = parse_local_time("2026-09-30T14:00:00+00:00", SHANGHAI)
    assert moment.astimezone(SHANGHAI).hour == 22


def test_settlement_file_layout():
    assert parse_local_time("20260930140005", SHANGHAI) == dt.datetime(
        2026, 9, 30, 14, 0, 5, tzinfo=SHANGHAI
    )


def test_month_day_layout_takes_the_year_of_the_settlement_date():
    settled = dt.date(2026, 1, 2)
    assert parse_local_time("1231235959", SHANGHAI, settled).date() == dt.date(2025, 12, 31)
    assert parse_local_time("0102093000", SHANGHAI, settled).date() == dt.date(2026, 1, 2)
    # After the cut-off a sale of the evening before settles the next day.
    assert parse_local_time("0103001500", SHANGHAI, settled).date() == dt.date(2026, 1, 3)
    assert parse_local_time("0229120000", SHANGHAI, dt.date(2026, 3, 1)).year == 2024


@pytest.mark.parametrize(
    "text", ["9999-12-31T23:59:59+08:00", "0001-01-01T00:00:00+08:00", "99991231235959"]
)
def test_absurd_years_are_refused(text):
    with pytest.raises(LocalTimeError) as refused:
        parse_local_time(text, SHANGHAI)
    assert refused.value.out_of_range


@pytest.mark.parametrize("text", ["", "yesterday", "1332120000", "2026-13-01T00:00:00"])
def test_unreadable_times_are_refused(text):
    with pytest.raises(LocalTimeError):
        parse_local_time(text, SHANGHAI, dt.date(2026, 1, 2))


@given(st.text(max_size=30))
def test_any_text_gives_a_time_or_a_local_time_error(text):
    try:
        moment = parse_local_time(text, SHANGHAI, dt.date(2026, 1, 2))
    except LocalTimeError:
        return
    assert moment.tzinfo is not None
    moment.astimezone(dt.UTC)  # never overflows
