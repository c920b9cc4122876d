"""`{% load money %}{{ amount_fen|yuan }}`: fen shown as yuan, through `core.money.yuan`."""

from __future__ import annotations

from typing import Any

from django import template

from core import money

register = template.Library()


@register.filter
def yuan(fen: Any) -> str:
    """An amount in fen as "1,234.56"; empty for a missing amount."""
    if fen is None or fen == "":
        return ""
    return money.yuan(int(fen))
