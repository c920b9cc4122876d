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
from django.utils.translation import pgettext_lazy

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


@dataclass(frozen=True)
class NavMenu:
    """A drop-down in the header gathering related links (see MENU_OF_LINK)."""

    key: str
    label: Any
    order: int


MENUS = {
    menu.key: menu
    for menu in (
        NavMenu("phone", pgettext_lazy("menu", "电话"), 15),
        NavMenu("service", pgettext_lazy("menu", "服务"), 20),
        NavMenu("money", pgettext_lazy("menu", "交易"), 21),
        NavMenu("fleet", pgettext_lazy("menu", "终端"), 30),
        NavMenu("assistant", pgettext_lazy("menu", "助手"), 60),
        NavMenu("admin", pgettext_lazy("menu", "管理"), 90),
    )
}
# A supervisor has more than twenty console links, a merchant owner ten portal links: in one
# row at 1366 px only as menus. The header's arrangement is one decision, kept here: the menu
# of each (area, link key); a link not listed stands on its own, and a menu with one link for
# this user (a cashier's 交易) shows just the link.
MENU_OF_LINK = {
    ("console", "calls"): "phone",
    ("console", "calls_wall"): "phone",
    ("console", "outreach"): "phone",
    ("console", "call_tasks"): "phone",
    ("console", "outreach_frequency"): "phone",
    ("console", "desk"): "service",
    ("console", "outages"): "service",
    ("console", "cases"): "service",
    ("console", "desk_reports"): "service",
    ("console", "transactions"): "money",
    ("console", "payouts"): "money",
    ("console", "fleet"): "fleet",
    ("console", "fleet_campaigns"): "fleet",
    ("console", "assistant"): "assistant",
    ("console", "assistant_dashboard"): "assistant",
    ("console", "assistant_articles"): "assistant",
    ("console", "imports"): "admin",
    ("console", "ledger_audit"): "admin",
    ("console", "audit_log"): "admin",
    ("portal", "transactions"): "money",
    ("portal", "payouts"): "money",
    ("portal", "statements"): "money",
    ("portal", "cases"): "money",
}


@dataclass
class NavEntry:
    """One item of the header: a link, or a menu of links (`label` and `links`)."""

    link: NavLink | None = None
    label: Any = ""
    links: list[NavLink] = field(default_factory=list)
    key: str = ""
    current: bool = False  # the page shown is one of the menu's links


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


def nav_entries(area: str, user: User, current_url_name: str = "") -> list[NavEntry]:
    """The header's items for this user: links gathered into their menus (in the order of the
    menu, or of the link for one that stands alone)."""
    menus: dict[str, list[NavLink]] = {}
    for link in nav_links(area, user):
        menus.setdefault(MENU_OF_LINK.get((area, link.key), ""), []).append(link)
    ordered: list[tuple[int, NavEntry]] = []
    for link in menus.pop("", []):
        ordered.append((link.order, NavEntry(link=link, key=link.key)))
    for key, members in menus.items():
        menu = MENUS[key]
        if len(members) == 1:
            ordered.append((menu.order, NavEntry(link=members[0], key=members[0].key)))
        else:
            current = any(link.url_name == current_url_name for link in members)
            entry = NavEntry(label=menu.label, links=members, key=key, current=current)
            ordered.append((menu.order, entry))
    return [entry for _order, entry in sorted(ordered, key=lambda pair: pair[0])]
