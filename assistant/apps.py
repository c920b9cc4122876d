from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistantConfig(AppConfig):
    name = "assistant"
    verbose_name = _("智能助手")

    def ready(self) -> None:
        from assistant import panels
        from notifications.events import INBOX, WECHAT, register_event

        panels.register()
        # An agent's answer in a WeChat or SMS conversation the agent took over: in the inbox,
        # and in WeChat to a user who bound the Official Account — a chat message while the
        # follower's 48-hour window is open, a template message after it.
        register_event(
            "assistant.agent_reply",
            _("人工客服回复"),
            "merchant",
            (INBOX, WECHAT),
            in_conversation=True,
        )
