"""Phone numbers: parse and normalise with `phonenumbers` (Google's libphonenumber).

Mobiles and landlines become E.164 (+8613812345678, +862188886666); the service short
numbers that Chinese banks and card schemes use (95516, 95588, 4008-xxx-xxx) are kept in
their dialled form, because that is how merchants see and type them.
"""

from __future__ import annotations

import re

import phonenumbers
from django.utils.translation import gettext_lazy as _

from core.errors import BilingualError, lazy_format

DEFAULT_REGION = "CN"
_SHORT_SERVICE = re.compile(r"^(95\d{3}|96\d{3}|1\d{4})$")
_HOTLINE_400 = re.compile(r"^[48]00\d{7}$")


class PhoneNumberError(BilingualError):
    pass


def normalize_phone(raw: str, region: str = DEFAULT_REGION, *, allow_service: bool = True) -> str:
    """The canonical form of a phone number, or PhoneNumberError saying what is wrong.

    `allow_service=False` is for a person's own number (a merchant contact): service short
    numbers such as 95516 are not accepted there."""
    cleaned = re.sub(r"[\s\-()（）]", "", str(raw or "")).strip()
    if not cleaned:
        raise PhoneNumberError(_("电话号码为空"))
    if _SHORT_SERVICE.match(cleaned) or _HOTLINE_400.match(cleaned):
        if allow_service:
            return cleaned
        raise PhoneNumberError(lazy_format(_("“%(raw)s”是服务号码，不是个人电话"), raw=raw))
    try:
        parsed = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        raise PhoneNumberError(lazy_format(_("“%(raw)s”不是电话号码"), raw=raw)) from None
    if not phonenumbers.is_valid_number(parsed):
        raise PhoneNumberError(lazy_format(_("“%(raw)s”不是有效的电话号码"), raw=raw))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_phone(normalized: str) -> str:
    """A normalised number as people write it in China: '138 1234 5678', '021 8888 6666'."""
    if not normalized.startswith("+"):
        return normalized
    parsed = phonenumbers.parse(normalized, None)
    if parsed.country_code == 86:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
