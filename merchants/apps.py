from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MerchantsConfig(AppConfig):
    name = "merchants"
    verbose_name = _("商户")

    def ready(self) -> None:
        from core.panels import NavLink, register_nav

        register_nav(NavLink("portal", "my_merchants", _("我的商户"), "portal", order=10))
