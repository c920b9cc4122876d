from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpcentreConfig(AppConfig):
    name = "helpcentre"
    verbose_name = _("帮助中心")

    def ready(self) -> None:
        from core.panels import NavLink, register_nav

        register_nav(NavLink("portal", "help", _("帮助中心"), "help_home", order=60))
