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


def _open_ticket() -> Any:
    try:
        from desk.services import open_ticket  # type: ignore[attr-defined]
    except ImportError:
        return None
    return open_ticket


def desk_available() -> bool:
    return _open_ticket() is not None


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
    open_ticket = _open_ticket()
    if open_ticket is None:
        logger.warning("desk app not available: no ticket for %s (%s)", category, idempotency_key)
        return None
    try:
        from desk.facts import FACTS as desk_facts  # type: ignore[import-not-found]
    except ImportError:
        desk_facts = None
    if desk_facts is not None:
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
