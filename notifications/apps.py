from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("通知")

    def ready(self) -> None:
        from core.panels import NavLink, register_nav
        from notifications import panels

        label = pgettext_lazy("navigation", "消息")
        register_nav(NavLink("portal", "inbox", label, "inbox", order=80))
        register_nav(NavLink("console", "inbox", label, "inbox", order=80))
        panels.register()
