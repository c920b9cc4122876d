"""Masking of card numbers and phone numbers: the one place that decides what may be shown.

A full card number (PAN) is never stored, logged or shown: at most the first 6 and last 4
digits survive. Pure functions, no Django imports, so every ingestion path and the log filter
can share them.
"""

from __future__ import annotations

import logging
import re

# 13–19 digits, optionally grouped by single spaces or dashes, not inside a longer number.
_PAN_CANDIDATE = re.compile(r"(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def mask_pan(pan: str) -> str:
    """'6222021234567890123' -> '622202*********0123' (first 6, last 4, the rest starred)."""
    digits = re.sub(r"\D", "", pan)
    if len(digits) <= 10:
        return digits
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


def is_full_pan(value: str) -> bool:
    digits = re.sub(r"[ -]", "", value)
    return digits.isdigit() and 13 <= len(digits) <= 19 and luhn_valid(digits)


def mask_pans_in_text(text: str) -> str:
    """Replace every Luhn-valid 13–19 digit number in free text by its masked form."""

    def replace(match: re.Match[str]) -> str:
        digits = re.sub(r"[ -]", "", match.group(0))
        if luhn_valid(digits):
            return mask_pan(digits)
        return match.group(0)

    return _PAN_CANDIDATE.sub(replace, text)


def mask_phone(phone: str) -> str:
    """'+8613812345678' / '13812345678' -> '138****5678'; short numbers stay as they are."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) < 7:
        return digits
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_account(account: str) -> str:
    """A bank account or settlement card: only the last four digits are kept."""
    digits = re.sub(r"\D", "", account)
    return "**** " + digits[-4:] if digits else ""


class PanMaskingFilter(logging.Filter):
    """Logging filter: no log line leaves the process with a full card number in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_pans_in_text(message)
        if masked != message:
            record.msg = masked
            record.args = ()
        return True
