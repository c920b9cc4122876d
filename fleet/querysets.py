"""Scoping for fleet rows: staff see every terminal's rows, a merchant user only those of
their own merchants' terminals, anybody else (including machine accounts) nothing."""

from __future__ import annotations

from typing import Any

from django.db import models


class ScopedQuerySet(models.QuerySet):
    """One scoping rule, parameterised by the path from the row to its merchant."""

    merchant_path = "merchant"

    def visible_to(self, user: Any) -> Any:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_agent:
            return self
        if not user.is_merchant_user:
            return self.none()
        return self.filter(**{f"{self.merchant_path}__members": user})


class ByTerminalQuerySet(ScopedQuerySet):
    merchant_path = "terminal__merchant"


class ByMerchantQuerySet(ScopedQuerySet):
    merchant_path = "merchant"
