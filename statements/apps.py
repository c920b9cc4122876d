from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatementsConfig(AppConfig):
    name = "statements"
    verbose_name = _("对账单与到账通知")

    def ready(self) -> None:
        from core.panels import NavLink, register_nav
        from core.scheduler import register_periodic
        from statements.tasks import payout_notices

        register_nav(NavLink("portal", "statements", _("对账单"), "statements", 22, cashiers=False))
        register_periodic("statements.payout_notices", 600, payout_notices)
