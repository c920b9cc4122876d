from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def hide_server_version() -> None:
    """Django's development server (the demo) names itself and Python with their versions in
    every response's Server header ("WSGIServer/0.2 CPython/3.11.2"): say only "poscare".
    gunicorn says "gunicorn" without a version; nginx has `server_tokens off`."""
    from django.core.servers import basehttp

    def version_string(_handler: object) -> str:
        return "poscare"

    basehttp.WSGIRequestHandler.version_string = version_string  # type: ignore[method-assign,assignment]


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from core.masking import install_log_record_masking
        from core.panels import NavLink, register_nav

        install_log_record_masking()
        hide_server_version()

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
        register_nav(
            NavLink(
                "console",
                "audit_log",
                _("审计日志"),
                "audit_log",
                order=95,
                visible=lambda user: user.is_supervisor,
            )
        )
