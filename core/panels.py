"""Extension points for the shared pages.

Apps add panels to the merchant 360° page, the terminal page and the portal pages, and links
to the navigation, from their AppConfig.ready(); the pages render whatever is registered.
A panel is a template plus a function that builds its context from the request and the
object; it is only shown to users for whom `visible(user)` is true.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User

ContextBuilder = Callable[[HttpRequest, Any], dict[str, Any]]

# The pages that accept panels.
MERCHANT_360 = "merchant_360"
TERMINAL_DETAIL = "terminal_detail"
PORTAL_HOME = "portal_home"
PORTAL_MERCHANT = "portal_merchant"
CONSOLE_HOME = "console_home"


@dataclass(frozen=True)
class Panel:
    page: str
    key: str
    template: str
    build_context: ContextBuilder
    order: int = 100
    visible: Callable[[User], bool] = field(default=lambda user: True)


@dataclass(frozen=True)
class NavLink:
    area: str  # "console" or "portal"
    key: str
    label: Any  # a lazy translation
    url_name: str
    order: int = 100
    visible: Callable[[User], bool] = field(default=lambda user: True)
    # Shown to a cashier of the merchant's team too (they see their shop's day, faults, help).
    cashiers: bool = True


# Portal links registered before team roles existed that a cashier has no use for.
HIDDEN_FROM_CASHIERS = frozenset({"payouts", "contact_history"})

_panels: dict[str, dict[str, Panel]] = {}
_nav: dict[str, dict[str, NavLink]] = {}


def register_panel(panel: Panel) -> None:
    _panels.setdefault(panel.page, {})[panel.key] = panel


def register_nav(link: NavLink) -> None:
    _nav.setdefault(link.area, {})[link.key] = link


def render_panels(page: str, request: HttpRequest, obj: Any) -> list[dict[str, Any]]:
    """The panels of a page for this user, in order, each with its context already built."""
    user = request.user
    if not user.is_authenticated:  # panels sit on pages for signed-in users only
        return []
    rendered = []
    for panel in sorted(_panels.get(page, {}).values(), key=lambda p: (p.order, p.key)):
        if not panel.visible(user):
            continue
        context = panel.build_context(request, obj)
        rendered.append({"key": panel.key, "template": panel.template, "context": context})
    return rendered


def nav_links(area: str, user: User) -> list[NavLink]:
    from core.scoping import is_cashier_only

    links = sorted(_nav.get(area, {}).values(), key=lambda link: (link.order, link.key))
    if area == "portal" and is_cashier_only(user):
        links = [ln for ln in links if ln.cashiers and ln.key not in HIDDEN_FROM_CASHIERS]
    return [link for link in links if link.visible(user)]
