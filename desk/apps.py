from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = _("服务台")

    def ready(self) -> None:
        from desk.notify import register_events
        from desk.panels import register

        register_events()
        register()
