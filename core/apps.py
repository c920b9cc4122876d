from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from core.masking import install_log_record_masking
        from core.panels import NavLink, register_nav

        install_log_record_masking()

        register_nav(NavLink("console", "console", _("工作台"), "console", order=10))
        register_nav(
            NavLink(
                "console",
                "imports",
                _("导入"),
                "imports",
                order=90,
                visible=lambda user: user.is_supervisor,
            )
        )
