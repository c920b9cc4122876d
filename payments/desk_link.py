"""The one place where payments opens desk tickets.

The desk app owns tickets; payments only hands over what it found, through
`desk.services.open_ticket`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desk.facts import FACTS
from desk.services import open_ticket

if TYPE_CHECKING:
    from accounts.models import User
    from merchants.models import Merchant
    from terminals.models import Terminal


def open_desk_ticket(
    *,
    merchant: Merchant,
    category: str,
    description: Any,  # a lazy text is kept in Chinese and English
    channel: str,
    facts: dict[str, Any],
    opened_by: User | None = None,
    terminal: Terminal | None = None,
    idempotency_key: str | None = None,
) -> Any:
    """Open a desk ticket for payments' findings.

    `facts` uses the desk's vocabulary (merchant_id, recent_transaction, symptom, …); keys the
    desk does not know are dropped here, the findings themselves travel in `description`.
    A fact given as a lazy text (`bilingual`) is kept in Chinese and English, as the
    description is.
    """
    facts = {key: value for key, value in facts.items() if key in FACTS}
    return open_ticket(
        merchant=merchant,
        category=category,
        description=description,
        channel=channel,
        facts=facts,
        terminal=terminal,
        opened_by=opened_by,
        idempotency_key=idempotency_key,
    )
