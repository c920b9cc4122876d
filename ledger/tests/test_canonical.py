"""The fast canonical JSON is RFC 8785 (the `rfc8785` package) on every document."""

from __future__ import annotations

from typing import Any

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import canonical

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False)
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400)
@given(documents)
def test_fast_path_matches_rfc8785(document) -> None:
    try:
        expected = rfc8785.dumps(document)
    except Exception as error:  # noqa: BLE001 - both must refuse the same documents
        try:
            canonical.dumps(document)
        except Exception as again:  # noqa: BLE001
            assert type(again) is type(error)
            return
        raise AssertionError("the fast path accepted what rfc8785 refuses") from error
    assert canonical.dumps(document) == expected


def test_control_characters_and_unicode() -> None:
    document: Any = {"b": '\u2028\x00\x1f"\\/é🙂', "a": [True, None, 2**53 - 1], "Z": {}}
    assert canonical.dumps(document) == rfc8785.dumps(document)
