"""The audit log of sensitive reads: staff views of a merchant's contact and settlement details
(the merchant page, the merchant API) and every export (CSV exports, the desk report, import
error files, ledger downloads). Supervisors read it at /console/audit/ (core.views.audit_log).

`record` is called by the views that show or send such data, after they have decided to show
it; it never fails the request it records (a failed write is logged)."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from django.db import DatabaseError

from core.client_ip import client_ip
from core.models import AuditEvent

logger = logging.getLogger(__name__)


def record(
    request: Any,
    action: str,
    *,
    target: str,
    merchant: Any = None,
    rows: int | None = None,
    channel: str | None = None,
) -> AuditEvent | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if channel is None:
        channel = AuditEvent.Channel.API if request.path.startswith("/api/") else "page"
    address: str | None = client_ip(request)
    try:
        ipaddress.ip_address(address or "")
    except ValueError:
        address = None
    try:
        return AuditEvent.objects.create(
            actor=user,
            actor_label=getattr(user, "signature", "") or user.get_username(),
            action=action,
            channel=channel,
            merchant=merchant,
            merchant_ref=getattr(merchant, "merchant_id", "") or "",
            target=target[:200],
            rows=rows,
            client_ip=address,
        )
    except (DatabaseError, ValueError):
        logger.exception("audit event not written: %s %s", action, target)
        return None


def merchant_details_viewed(request: Any, merchant: Any) -> None:
    """A staff user was shown this merchant's contacts and settlement details."""
    if getattr(request.user, "is_agent", False):
        record(
            request,
            AuditEvent.Action.MERCHANT_DETAILS,
            target=merchant.merchant_id,
            merchant=merchant,
        )


def exported(request: Any, target: str, *, rows: int | None = None, merchant: Any = None) -> None:
    """Someone downloaded an export."""
    record(request, AuditEvent.Action.EXPORT, target=target, rows=rows, merchant=merchant)
