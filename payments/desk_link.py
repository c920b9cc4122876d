"""The one place where payments opens desk tickets.

The desk app owns tickets; payments only hands over what it found, through
`desk.services.open_ticket`. Should the desk app be absent (a deployment without it), these
functions return None and the caller keeps its own record (the investigation or dispute then
shows that no ticket was opened).
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def _desk() -> tuple[Any, Any] | None:
    """(open_ticket, the desk's fact vocabulary), or None without the desk app."""
    try:
        from desk.facts import FACTS
        from desk.services import open_ticket
    except ImportError:
        return None
    return open_ticket, FACTS


def desk_available() -> bool:
    return _desk() is not None


def open_desk_ticket(
    *,
    merchant: Any,
    category: str,
    description: str,
    channel: str,
    facts: dict[str, Any],
    opened_by: Any = None,
    terminal: Any = None,
    idempotency_key: str | None = None,
) -> Any:
    """Open a desk ticket; None when the desk app is not there.

    `facts` uses the desk's vocabulary (merchant_id, recent_transaction, symptom, …); keys the
    desk does not know are dropped here, the findings themselves travel in `description`.
    """
    desk = _desk()
    if desk is None:
        logger.warning("desk app not available: no ticket for %s (%s)", category, idempotency_key)
        return None
    open_ticket, desk_facts = desk
    facts = {key: value for key, value in facts.items() if key in desk_facts}
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


def ticket_reference(ticket: Any) -> str:
    for attribute in ("number", "reference", "code"):
        value = getattr(ticket, attribute, None)
        if value:
            return str(value)
    return str(getattr(ticket, "pk", ""))
