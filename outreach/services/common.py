"""What every outreach service shares: the refusal error, number parsing, the policy, limits."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.calendar import working_calendar
from core.errors import BilingualError, lazy_format
from core.phones import PhoneNumberError, normalize_phone
from outreach import policy
from outreach.quiet import DayBook

logger = logging.getLogger("poscare.outreach")


HISTORY_DAYS = 31  # longer than the longest cap window


CALLING = ("sms", "voice", "phone")


CODE_LOOKBACK = dt.timedelta(days=30)  # a verification code is good for this long


TIME_TOLERANCE = dt.timedelta(hours=3)  # "approximately when" on the verification page


class RequestError(BilingualError):
    """A contact request that cannot be accepted; `field` names the input at fault."""

    def __init__(self, message: Any, field: str = "non_field_errors") -> None:
        super().__init__(message)
        self.field = field


def parse_number(raw: str) -> str:
    """A phone number as stored, or a RequestError that says what numbers look like."""
    try:
        return normalize_phone(raw)
    except PhoneNumberError:
        raise RequestError(
            lazy_format(
                _("无法识别号码“%(raw)s”：请输入手机号、带区号的固定电话或 95 开头的客服号码"),
                raw=raw,
            ),
            "number",
        ) from None


def make_policy() -> policy.Policy:
    return policy.Policy(days=DayBook(working_calendar()))
