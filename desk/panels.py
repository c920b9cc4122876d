"""What the desk adds to the shared pages, the navigation and the scheduler."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core import panels
from core.scheduler import register_periodic
from core.types import user_of

if TYPE_CHECKING:
    from accounts.models import User
    from merchants.models import Merchant
    from terminals.models import Terminal


def _is_agent(user: User) -> bool:
    return bool(getattr(user, "is_agent", False))


def _is_merchant(user: User) -> bool:
    return bool(getattr(user, "is_merchant_user", False))


def merchant_tickets(request: HttpRequest, merchant: Merchant) -> dict[str, Any]:
    from desk.models import Commitment, Ticket

    tickets = (
        Ticket.objects.visible_to(request.user)
        .filter(merchant=merchant)
        .select_related("terminal", "assignee")
        .order_by("-created_at")
    )
    return {
        "open_tickets": list(tickets.filter(is_open=True)[:20]),
        "recent_closed": list(tickets.filter(is_open=False)[:5]),
        "commitments": list(
            Commitment.objects.visible_to(request.user)
            .pending()
            .filter(ticket__merchant=merchant)
            .select_related("ticket", "owner")[:20]
        ),
        "merchant": merchant,
    }


def terminal_tickets(request: HttpRequest, terminal: Terminal) -> dict[str, Any]:
    from desk.models import Ticket

    tickets = (
        Ticket.objects.visible_to(request.user)
        .filter(terminal=terminal)
        .select_related("assignee")
        .order_by("-created_at")[:20]
    )
    replacements = list(terminal.replacements.select_related("ticket")[:10])
    return {"tickets": list(tickets), "replacements": replacements, "terminal": terminal}


def my_work(request: HttpRequest, obj: Any) -> dict[str, Any]:
    from desk.models import Commitment, Ticket

    user = user_of(request)
    mine = Ticket.objects.open().filter(assignee=user)
    return {
        "my_open": mine.count(),
        "my_breached": mine.filter(sla_breached=True).count(),
        "my_commitments": list(
            Commitment.objects.pending()
            .filter(owner=user)
            .select_related("ticket")
            .order_by("due_at")[:10]
        ),
    }


def portal_open(request: HttpRequest, obj: Any) -> dict[str, Any]:
    from desk.models import Ticket

    return {
        "tickets": list(
            Ticket.objects.visible_to(request.user).open().select_related("merchant")[:10]
        )
    }


def register() -> None:
    panels.register_panel(
        panels.Panel(
            panels.MERCHANT_360,
            "desk_tickets",
            "desk/panels/merchant_tickets.html",
            merchant_tickets,
            order=20,
            visible=_is_agent,
        )
    )
    panels.register_panel(
        panels.Panel(
            panels.TERMINAL_DETAIL,
            "desk_tickets",
            "desk/panels/terminal_tickets.html",
            terminal_tickets,
            order=20,
        )
    )
    panels.register_panel(
        panels.Panel(
            panels.CONSOLE_HOME,
            "desk_my_work",
            "desk/panels/my_work.html",
            my_work,
            order=10,
            visible=_is_agent,
        )
    )
    panels.register_panel(
        panels.Panel(
            panels.PORTAL_HOME,
            "desk_open",
            "desk/panels/portal_open.html",
            portal_open,
            order=10,
            visible=_is_merchant,
        )
    )
    panels.register_nav(panels.NavLink("console", "desk", _("服务台"), "desk_queue", order=20))
    panels.register_nav(panels.NavLink("console", "outages", _("故障"), "desk_outages", order=30))
    panels.register_nav(
        panels.NavLink("console", "desk_reports", _("服务报表"), "desk_reports", order=40)
    )
    panels.register_nav(
        panels.NavLink("portal", "tickets", _("我的工单"), "portal_tickets", order=20)
    )
    from desk import tasks

    register_periodic("desk.check_sla", 60, tasks.check_sla)
    register_periodic("desk.remind_commitments", 60, tasks.remind_commitments)
