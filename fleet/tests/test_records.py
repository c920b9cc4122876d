"""The telemetry record checks (pure): the inline usual case gives exactly what the
field-by-field parsers give, and falls back whenever it is not sure."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from fleet.records import FIELD_NAMES, FIELDS, check, parsed_values, usual_values
from fleet.tests.conftest import record

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

# The fields of the conftest's ordinary record, without the terminal and the time.
usual_record = {k: v for k, v in record().items() if k not in ("terminal_id", "at")}


def _mask(text: str) -> str:
    return text


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELD_NAMES), odd_values), st.booleans())
def test_the_usual_case_agrees_with_the_parsers(changes, warm):
    values = {**usual_record, **changes}
    if warm:  # the versions seen before take the inline way
        parsed_values(values, TZ, _mask, [])
    fast = usual_values(values, TZ)
    problems: list = []
    slow = parsed_values(values, TZ, _mask, problems)
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
