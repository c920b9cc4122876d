"""RFC 8785 canonical JSON, fast for the documents the ledger writes. No Django.

An entry holds strings, integers, booleans, nulls, lists and objects with ASCII keys. For
those, RFC 8785 is exactly `json.dumps` with sorted keys, no whitespace and no ASCII escaping
(ECMAScript's string escaping is JSON's minimal one, which Python's matches; ASCII keys sort
the same by code point as by UTF-16 unit). Anything else — floats, non-ASCII keys, integers
beyond 2**53 — goes through the `rfc8785` package. `tests/test_canonical.py` checks the two
agree on random documents.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

_MAX_SAFE = 2**53 - 1
_encode = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
).encode


def _simple(value: Any) -> bool:
    if value is None or isinstance(value, bool | str):
        return True
    if isinstance(value, int):
        return -_MAX_SAFE <= value <= _MAX_SAFE
    if isinstance(value, dict):
        return all(
            isinstance(key, str) and key.isascii() and _simple(item) for key, item in value.items()
        )
    if isinstance(value, list):
        return all(_simple(item) for item in value)
    return False


def dumps(value: Any) -> bytes:
    if _simple(value):
        try:
            return _encode(value).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: let rfc8785 refuse it
            pass
    return rfc8785.dumps(value)
