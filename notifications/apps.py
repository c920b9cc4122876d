from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("通知")

    def ready(self) -> None:
        from core.panels import NavLink, register_nav

        register_nav(NavLink("portal", "inbox", _("消息"), "inbox", order=80))
        register_nav(NavLink("console", "inbox", _("消息"), "inbox", order=80))
