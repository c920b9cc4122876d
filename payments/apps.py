from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("交易与结算")

    def ready(self) -> None:
        from core import panels
        from core.panels import NavLink, Panel, register_nav, register_panel
        from core.scheduler import register_periodic
        from payments import panels as payment_panels
        from payments.tasks import prepare_transaction_partitions

        register_panel(
            Panel(
                panels.MERCHANT_360,
                "payments",
                "payments/_panel_merchant.html",
                payment_panels.merchant_context,
                order=20,
            )
        )
        register_panel(
            Panel(
                panels.PORTAL_MERCHANT,
                "payments",
                "payments/_panel_merchant.html",
                payment_panels.merchant_context,
                order=20,
            )
        )
        register_panel(
            Panel(
                panels.TERMINAL_DETAIL,
                "payments",
                "payments/_panel_terminal.html",
                payment_panels.terminal_context,
                order=20,
            )
        )
        register_nav(
            NavLink("portal", "transactions", _("交易查询"), "portal_transactions", order=20)
        )
        register_nav(NavLink("portal", "payouts", _("结算到账"), "payouts", order=21))
        register_nav(
            NavLink("console", "transactions", _("交易查询"), "console_transactions", order=20)
        )
        register_nav(
            NavLink("console", "payouts", pgettext_lazy("plural", "结算付款"), "payouts", order=21)
        )
        # Keep next months' transaction partitions ready (PostgreSQL; a no-op on SQLite).
        register_periodic("payments.partitions", 24 * 3600, prepare_transaction_partitions)
