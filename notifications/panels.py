"""What notifications adds to the shared pages: on the merchant 360° page, the notices that did
not simply go out (not delivered, outcome unknown, sent by SMS instead of WeChat) and why, so
an agent on the phone can tell the merchant what reached them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from core import panels
from notifications.models import Delivery

if TYPE_CHECKING:
    from accounts.models import User
    from merchants.models import Merchant

RECENT_PROBLEMS = 8


def merchant_deliveries(request: HttpRequest, merchant: Merchant) -> dict[str, Any]:
    problems = (
        Delivery.objects.visible_to(request.user)
        .filter(merchant=merchant)
        .exclude(status=Delivery.Status.SENT, reason="")
        .order_by("-created_at", "-pk")[:RECENT_PROBLEMS]
    )
    # The provider's error can name an address: only for roles that see contact numbers.
    return {
        "problems": list(problems),
        "show_errors": getattr(request.user, "sees_contact_phones", False),
    }


def _is_agent(user: User) -> bool:
    return bool(getattr(user, "is_agent", False))


def register() -> None:
    panels.register_panel(
        panels.Panel(
            panels.MERCHANT_360,
            "notifications_deliveries",
            "notifications/panels/merchant_deliveries.html",
            merchant_deliveries,
            order=90,
            visible=_is_agent,
        )
    )
