"""Scoping for fleet rows on the one base (core/scoping.py): staff see every terminal's rows,
a merchant user only those of their own merchants' terminals, anybody else (including the
`integration` machine accounts) nothing."""

from __future__ import annotations

from typing import ClassVar

from core.scoping import ScopedQuerySet


class ByTerminalQuerySet(ScopedQuerySet):  # type: ignore[type-arg]
    merchant_path: ClassVar[str | None] = "terminal__merchant"


class ByMerchantQuerySet(ScopedQuerySet):  # type: ignore[type-arg]
    merchant_path: ClassVar[str | None] = "merchant"
