"""The telemetry record checks (pure): the inline usual case gives exactly what the
field-by-field parsers give, and falls back whenever it is not sure."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from fleet.records import FIELD_NAMES, FIELDS, check, parsed_values, usual_values

TZ = dt.timezone(dt.timedelta(hours=8))

odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3_000_000_000, max_value=3_000_000_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "",
            " ",
            "4g",
            "WIFI",
            " ok",
            "no_paper",
            "V1.0",
            " V1.0 ",
            "1.5",
            "80",
            "true",
            "否",
            "2027-05-01",
            "2026-11-01T08:00:00+08:00",
            "x" * 50,
        ]
    ),
    st.text(max_size=12),
)

usual_record = {
    "battery_pct": 80,
    "charging": False,
    "battery_cycles": 300,
    "temperature_c": 31.5,
    "signal_dbm": -70,
    "network": "4g",
    "printer": "ok",
    "print_count": 12000,
    "chip_errors": 0,
    "swipe_errors": 0,
    "contactless_errors": 0,
    "reboots": 0,
    "free_storage_mb": 1500,
    "firmware_version": "PayDroid 8.1",
    "app_version": "3.2.1",
    "last_signin_at": "2026-11-20T10:00:00+08:00",
    "signin_ok": True,
    "key_expires_on": "2027-05-01",
}


def _mask(text: str) -> str:
    return text


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELD_NAMES), odd_values), st.booleans())
def test_the_usual_case_agrees_with_the_parsers(changes, warm):
    record = {**usual_record, **changes}
    if warm:  # the versions seen before take the inline way
        parsed_values(record, TZ, _mask, [])
    fast = usual_values(record, TZ)
    problems: list = []
    slow = parsed_values(record, TZ, _mask, problems)
    if fast is not None:
        assert not problems
        assert fast == slow
        assert [type(v) for v in fast] == [type(v) for v in slow]


def test_a_usual_record_takes_the_inline_way_and_an_odd_one_does_not():
    parsed_values(usual_record, TZ, _mask, [])  # versions seen once
    assert usual_values(usual_record, TZ) is not None
    assert usual_values({**usual_record, "battery_pct": "80"}, TZ) is None
    assert usual_values({**usual_record, "charging": 1}, TZ) is None
    assert usual_values({**usual_record, "network": ["4g"]}, TZ) is None  # unhashable
    checked = check(
        {**usual_record, "terminal_id": "10000001", "at": "2026-11-20T10:00:00"}, TZ, _mask
    )
    assert checked.values == parsed_values(usual_record, TZ, _mask, [])
    assert len(FIELDS) == len(checked.values)
