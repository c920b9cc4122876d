"""Masking of card numbers and phone numbers: the one place that decides what may be shown.

A full card number (PAN) is never stored, logged or shown: at most the first 6 and last 4
digits survive. Pure functions, no Django imports, so every boundary where text enters can share
them: the request middleware (every form and API field, the URL and so the access log), the
import engine (cells and row errors), notifications, the log filter and the error reports.

What counts as a card number in free text: 13–19 digits (single spaces or dashes allowed
between them) that pass the Luhn check and have a length the card schemes issue for that
prefix. Card schemes issue 15 digits only to American Express (34/37), so a Luhn-valid
15-digit merchant ID (商户编号) is left alone; 13 digits only to Visa (4), so a mainland
mobile number written with its country code (86138…) is too.
"""

from __future__ import annotations

import logging
import re
from typing import Any

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


# Lengths that only some prefixes are issued with (ISO/IEC 7812 as the schemes use it).
_SHORT_PAN_PREFIXES = {13: ("4",), 14: ("30", "36", "38"), 15: ("34", "37")}


def looks_like_pan(digits: str) -> bool:
    """True for a string of digits that could be a full card number (see the module doc)."""
    size = len(digits)
    if not 13 <= size <= 19 or not digits.isdigit() or not luhn_valid(digits):
        return False
    prefixes = _SHORT_PAN_PREFIXES.get(size)
    if prefixes is not None:
        return digits.startswith(prefixes)
    return digits[0] != "0"


def is_full_pan(value: str) -> bool:
    return looks_like_pan(re.sub(r"[ -]", "", value))


def _replace_pan(match: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", match.group(0))
    if looks_like_pan(digits):
        return mask_pan(digits)
    return match.group(0)


def mask_pans_in_text(text: str) -> str:
    """Replace every full card number in free text by its masked form (first 6 / last 4)."""
    if len(text) < 13:
        return text
    return _PAN_CANDIDATE.sub(_replace_pan, text)


def mask_pans_in_data(value: Any) -> Any:
    """The same for decoded JSON: strings anywhere in lists and objects (keys too), and a
    card number sent as a JSON number (it comes back as the masked string)."""
    if isinstance(value, str):
        return mask_pans_in_text(value)
    if isinstance(value, dict):
        return {mask_pans_in_text(str(k)): mask_pans_in_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_pans_in_data(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and value >= 10**12:
        masked = mask_pans_in_text(str(value))
        return value if masked == str(value) else masked
    return value


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
    """Logging filter: no log line leaves the process with a full card number in it — the
    message with its arguments, and the traceback of an exception."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_pans_in_text(message)
        if masked != message:
            record.msg = masked
            record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_pans_in_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_pans_in_text(record.stack_info)
        return True


def install_log_record_masking() -> None:
    """Mask every log record where it is made, whatever logger and handler it goes to (the
    WSGI server's access log, third-party loggers, test capture). Called once at start."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "masks_pans", False):
        return

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        _MASKING_FILTER.filter(record)
        return record

    masked_record.masks_pans = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(masked_record)


_MASKING_FILTER = PanMaskingFilter()
