"""``chat_links``: a chat message as HTML — escaped, line breaks kept, and the portal's own
pages the assistant names (``/portal/…``) made into links."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Only the site's own portal pages: a path the assistant wrote, never a URL a merchant typed.
_PORTAL_PATH = re.compile(r"(?<![\w/])(/portal/[\w./-]*\w/?)")


@register.filter
def chat_links(text: str) -> SafeString:
    escaped = str(escape(text))
    linked = _PORTAL_PATH.sub(r'<a href="\1">\1</a>', escaped)
    return mark_safe(linked.replace("\n", "<br>"))  # noqa: S308 — built from escaped text
