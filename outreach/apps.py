from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("外呼与联系")

    def ready(self) -> None:
        from core import panels
        from core.panels import NavLink, Panel, register_nav, register_panel
        from core.scheduler import register_periodic
        from outreach.tasks import dispatch_due_contacts
        from outreach.views import merchant_panel_context, portal_panel_context

        register_nav(
            NavLink(
                "portal",
                "contact_history",
                pgettext_lazy("plural", "联系记录"),
                "contact_history",
                30,
            )
        )
        register_nav(NavLink("portal", "verify_contact", _("核实来电"), "verify_contact", 40))
        register_nav(
            NavLink(
                "console", "outreach", pgettext_lazy("navigation", "外呼"), "outreach_requests", 40
            )
        )
        register_nav(
            NavLink("console", "call_tasks", pgettext_lazy("plural", "外呼任务"), "call_tasks", 41)
        )
        register_nav(
            NavLink(
                "console",
                "outreach_frequency",
                _("联系频次"),
                "outreach_frequency",
                42,
                visible=lambda user: user.is_supervisor,
            )
        )
        register_panel(
            Panel(
                panels.MERCHANT_360,
                "outreach",
                "outreach/_panel_merchant_360.html",
                merchant_panel_context,
                order=60,
            )
        )
        register_panel(
            Panel(
                panels.PORTAL_MERCHANT,
                "outreach",
                "outreach/_panel_portal.html",
                portal_panel_context,
                order=60,
            )
        )
        register_periodic("outreach.dispatch_due", 60, dispatch_due_contacts)
