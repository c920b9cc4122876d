"""Verification codes: every outbound call and SMS carries one, so the merchant can check on
our public page that the contact was real. Pure Python.

Six characters from an alphabet without look-alikes (no 0/O, 1/I/L): easy to read out on the
phone, and about a billion combinations per calling number, which the rate limit on the
verification page makes impossible to enumerate.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def clean_code(raw: str | None) -> str:
    """What a person typed, as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-_.]", "", raw or "").upper()
