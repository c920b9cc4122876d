"""Card numbers at the ingestion boundary: mask, keep the last four, name the brand.

Pure Python. A full card number (PAN) never leaves `normalize_pan`: what comes back is the
masked form (first 6 / last 4) that may be stored.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from core.masking import mask_pan

_SEPARATORS = re.compile(r"[ \-]")
_MASKED = re.compile(r"^(\d{6})[*xX]{3,9}(\d{4})$")
_LAST4_ONLY = re.compile(r"^[*xX]{4,15}(\d{4})$")


class CardNumber(NamedTuple):
    masked: str  # '622202*********0123' or '' when only the last four are known
    last4: str
    brand: str  # a Transaction.CardBrand value
    was_full: bool  # a full PAN arrived and was masked here


class InvalidCardNumber(ValueError):
    pass


@functools.lru_cache(maxsize=4096)
def card_brand(prefix: str) -> str:
    """The card scheme from the first digits (BIN ranges of the schemes seen at Chinese POS)."""
    if not prefix:
        return "other"
    two = int(prefix[:2]) if len(prefix) >= 2 else -1
    four = int(prefix[:4]) if len(prefix) >= 4 else -1
    if prefix.startswith("62") or prefix.startswith("81"):
        return "unionpay"
    if prefix.startswith("4"):
        return "visa"
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return "mastercard"
    if two == 35:
        return "jcb"
    if two in (34, 37):
        return "amex"
    return "other"


def normalize_pan(value: str) -> CardNumber:
    """Accept a full PAN (masked here), a masked PAN (first 6 / last 4), or '****1234'."""
    text = value.strip()
    if " " in text or "-" in text:
        text = _SEPARATORS.sub("", text)
    if not text:
        return CardNumber("", "", "other", False)
    if text.isdigit():
        if 13 <= len(text) <= 19:
            return CardNumber(mask_pan(text), text[-4:], card_brand(text[:6]), True)
        raise InvalidCardNumber("malformed card number")
    size = len(text)
    if 13 <= size <= 19 and text[size - 4 :].isdigit() and text[:6].isdigit():
        middle = text[6 : size - 4]
        if middle == "*" * (size - 10):  # already masked, the usual case: the fast path
            return CardNumber(text, text[size - 4 :], card_brand(text[:6]), False)
    if len(text) > 19 or len(text) < 13:
        if _LAST4_ONLY.match(text):
            return CardNumber("", text[-4:], "other", False)
        raise InvalidCardNumber("malformed card number")
    match = _MASKED.match(text)
    if match and 13 <= len(text) <= 19:
        first6, last4 = match.groups()
        return CardNumber(first6 + "*" * (len(text) - 10) + last4, last4, card_brand(first6), False)
    match = _LAST4_ONLY.match(text)
    if match:
        return CardNumber("", match.group(1), "other", False)
    raise InvalidCardNumber("malformed card number")
