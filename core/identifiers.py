"""The shapes of the acquirer's identifiers, defined once: merchant ID (商户编号, 15 digits)
and terminal ID (终端号, 8 digits or capital letters).

The `*_PATTERN` strings are the bare shapes (for database check constraints and for larger
regular expressions); the `*_RE` objects match a whole value.
"""

from __future__ import annotations

import re

MERCHANT_ID_PATTERN = "[0-9]{15}"
TERMINAL_ID_PATTERN = "[0-9A-Z]{8}"

MERCHANT_ID_RE = re.compile(rf"^{MERCHANT_ID_PATTERN}$")
TERMINAL_ID_RE = re.compile(rf"^{TERMINAL_ID_PATTERN}$")
