"""What the fleet app plugs into the shared machinery: panels, navigation, periodic work."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import panels
from core.panels import NavLink, Panel, register_nav, register_panel
from core.scheduler import register_periodic


def _is_merchant_user(user: object) -> bool:
    return bool(getattr(user, "is_merchant_user", False))


def _is_supervisor(user: object) -> bool:
    return bool(getattr(user, "is_supervisor", False))


def _is_agent(user: object) -> bool:
    return bool(getattr(user, "is_agent", False))


def register() -> None:
    from fleet import panels as fleet_panels
    from fleet.tasks import (
        advance_campaigns,
        detect_outages,
        evaluate_health,
        predict_failures,
        prepare_telemetry_partitions,
        roll_up_telemetry,
        scan_transaction_health,
    )

    register_panel(
        Panel(
            panels.TERMINAL_DETAIL,
            "fleet",
            "fleet/_panel_terminal.html",
            fleet_panels.terminal_context,
            order=10,
        )
    )
    register_panel(
        Panel(
            panels.MERCHANT_360,
            "fleet",
            "fleet/_panel_merchant.html",
            fleet_panels.merchant_context,
            order=15,
            visible=_is_agent,
        )
    )
    register_panel(
        Panel(
            panels.PORTAL_MERCHANT,
            "fleet",
            "fleet/_panel_portal.html",
            fleet_panels.portal_context,
            order=5,
            visible=_is_merchant_user,
        )
    )
    register_panel(
        Panel(
            panels.CONSOLE_HOME,
            "fleet",
            "fleet/_panel_console.html",
            fleet_panels.console_context,
            order=25,
            visible=_is_agent,
        )
    )
    register_nav(NavLink("console", "fleet", _("终端健康"), "fleet_dashboard", order=30))
    register_nav(
        NavLink(
            "console",
            "fleet_campaigns",
            _("终端升级"),
            "fleet_campaigns",
            order=31,
            visible=_is_supervisor,
        )
    )
    register_periodic("fleet.roll_up", 6 * 3600, roll_up_telemetry)
    register_periodic("fleet.health", 3600, evaluate_health)
    register_periodic("fleet.partitions", 24 * 3600, prepare_telemetry_partitions)
    register_periodic("fleet.transaction_health", 3600, scan_transaction_health)
    register_periodic("fleet.outages", 600, detect_outages)
    register_periodic("fleet.predict", 24 * 3600, predict_failures)
    register_periodic("fleet.campaigns", 600, advance_campaigns)
