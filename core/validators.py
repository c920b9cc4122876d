"""Bounds on what users may type: dates the business can have, sizes of free text.

A date like 9999-12-31 parses, then overflows when converted to UTC or moved by a day, and
the request fails with a 500; refusing it where it enters gives a clear error instead.
Django validators, so forms, model fields, DRF serializers and django-filter share them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)


def validate_business_date(value: Any) -> None:
    """A date or datetime between 2000-01-01 and 2099-12-31."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(_("日期应在 2000-01-01 至 2099-12-31 之间"), code="date_out_of_range")


BUSINESS_DATE = [validate_business_date]
