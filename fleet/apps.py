from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FleetConfig(AppConfig):
    name = "fleet"
    verbose_name = _("终端运维")

    def ready(self) -> None:
        from fleet import registry

        registry.register()
