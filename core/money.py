"""Money in poscare is an integer number of fen (分); this is the one place it becomes yuan text.

Integer arithmetic, not float division: 1,234.56 is exact for any amount a POS can carry.
Templates use the `yuan` filter from `core/templatetags/money.py`.
"""

from __future__ import annotations


def yuan(fen: int, *, grouping: bool = True) -> str:
    """`123456` → "1,234.56" (for people); with `grouping=False` "1234.56" (for files and
    messages that the ingest reads back)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}" if grouping else f"{sign}{whole}.{cents:02d}"
