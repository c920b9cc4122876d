"""The assistant's links and the panel on the agent's merchant 360° page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import panels

if TYPE_CHECKING:
    from merchants.models import Merchant


def _recent_conversations(request: HttpRequest, merchant: Merchant) -> dict[str, Any]:
    from assistant.models import Conversation

    conversations = (
        Conversation.objects.visible_to(request.user)
        .filter(merchant=merchant)
        .select_related("user")
        .order_by("-updated_at")[:5]
    )
    return {"conversations": list(conversations)}


def register() -> None:
    panels.register_nav(
        panels.NavLink("portal", "assistant", _("智能助手"), "assistant_chat", order=20)
    )
    panels.register_nav(
        panels.NavLink(
            "console",
            "assistant",
            pgettext_lazy("plural", "助手对话"),
            "assistant_transcripts",
            order=60,
        )
    )
    panels.register_nav(
        panels.NavLink(
            "console",
            "assistant_dashboard",
            _("助手看板"),
            "assistant_dashboard",
            order=61,
            visible=lambda user: user.is_supervisor,
        )
    )
    panels.register_nav(
        panels.NavLink(
            "console",
            "assistant_articles",
            _("知识库"),
            "assistant_articles",
            order=62,
            visible=lambda user: user.is_supervisor,
        )
    )
    panels.register_panel(
        panels.Panel(
            page=panels.MERCHANT_360,
            key="assistant_conversations",
            template="assistant/_panel_conversations.html",
            build_context=_recent_conversations,
            order=70,
            visible=lambda user: user.is_agent,
        )
    )
