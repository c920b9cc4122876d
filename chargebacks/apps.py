from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ChargebacksConfig(AppConfig):
    name = "chargebacks"
    verbose_name = _("拒付与盗刷")

    def ready(self) -> None:
        from core.panels import NavLink, register_nav
        from notifications.events import register_event

        register_nav(
            NavLink("portal", "cases", _("拒付与盗刷"), "portal_cases", 70, cashiers=False)
        )
        register_nav(
            NavLink("console", "cases", pgettext_lazy("plural", "拒付"), "console_cases", order=35)
        )
        register_event("case_update", _("拒付、调单与盗刷案件"), audience="merchant")
