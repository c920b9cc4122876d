"""What channels adds to the shared pages: the screen pop on the console home, click-to-dial
and recent calls on the merchant 360° page, the navigation link."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import panels

if TYPE_CHECKING:
    from accounts.models import User
    from merchants.models import Merchant


def _is_agent(user: User) -> bool:
    return bool(getattr(user, "is_agent", False))


def merchant_calls(request: HttpRequest, merchant: Merchant) -> dict[str, Any]:
    from channels.models import Call

    recent = (
        Call.objects.visible_to(request.user)
        .filter(merchant=merchant)
        .select_related("ticket")
        .order_by("-started_at")[:5]
    )
    return {"merchant": merchant, "recent": list(recent)}


def register() -> None:
    panels.register_panel(
        panels.Panel(
            panels.CONSOLE_HOME,
            "channels_pop",
            "channels/panels/console_pop.html",
            lambda request, obj: {},
            order=5,
            visible=_is_agent,
        )
    )
    panels.register_panel(
        panels.Panel(
            panels.MERCHANT_360,
            "channels_calls",
            "channels/panels/merchant_calls.html",
            merchant_calls,
            order=25,
            visible=_is_agent,
        )
    )
    panels.register_nav(
        panels.NavLink(
            "console", "calls", pgettext_lazy("plural", "来电"), "calls_console", order=15
        )
    )
    panels.register_nav(
        panels.NavLink(
            "console",
            "calls_wall",
            _("来电墙"),
            "calls_wall",
            order=16,
            visible=lambda user: bool(getattr(user, "is_supervisor", False)),
        )
    )
