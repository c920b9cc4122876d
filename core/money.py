"""Money in poscare is an integer number of fen (分); this is the one place it becomes yuan text,
and the one place yuan text a person typed becomes fen.

Integer arithmetic, not float division: 1,234.56 is exact for any amount a POS can carry.
Templates use the `yuan` filter from `core/templatetags/money.py`.
"""

from __future__ import annotations

import re

# What a person types for an amount: "88", "88.5", "1,234.56", "¥88.00". Never NaN, Infinity,
# an exponent or a sign (Decimal would take all of those).
_TYPED_YUAN = re.compile(r"\d{1,12}(\.\d{1,2})?")


def yuan(fen: int, *, grouping: bool = True) -> str:
    """`123456` → "1,234.56" (for people); with `grouping=False` "1234.56" (for files and
    messages that the ingest reads back)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}" if grouping else f"{sign}{whole}.{cents:02d}"


def parse_yuan(text: str) -> int | None:
    """Typed yuan → fen (`"1,234.5"` → 123450); None for an empty field; ValueError for anything
    that is not a plain amount of at most 12 digits and two decimals."""
    value = text.strip().replace(",", "").replace("，", "").removeprefix("¥").removeprefix("￥")
    if not value:
        return None
    if not _TYPED_YUAN.fullmatch(value):
        raise ValueError(text)
    whole, _dot, cents = value.partition(".")
    return int(whole) * 100 + int(cents.ljust(2, "0") or 0)
