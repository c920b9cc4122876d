"""The facts a ticket category needs, after what the merchant and terminal records answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desk import facts as fact_registry

if TYPE_CHECKING:
    from merchants.models import Merchant
    from terminals.models import Terminal


def known_facts(
    merchant: Merchant | None, terminal: Terminal | None, facts: dict | None = None
) -> dict[str, str]:
    known = fact_registry.known_from_records(
        merchant.merchant_id if merchant else None,
        terminal.model.code if terminal else None,
        terminal.serial_number if terminal else None,
    )
    known.update(fact_registry.clean(facts))
    return known


def missing_facts(
    category: str, merchant: Merchant | None, terminal: Terminal | None, facts: dict | None
) -> list[str]:
    """The fact keys this category still needs, after what the records already answer."""
    return fact_registry.missing(category, known_facts(merchant, terminal, facts))
