from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistantConfig(AppConfig):
    name = "assistant"
    verbose_name = _("智能助手")

    def ready(self) -> None:
        from assistant import panels

        panels.register()
