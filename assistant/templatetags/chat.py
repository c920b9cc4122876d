"""``chat_links``: an assistant message as HTML — escaped, line breaks kept, help-centre
articles linked by title (``help_links``), and the portal's own pages the assistant names
(``/portal/…``) made into links."""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

from helpcentre.templatetags.helpcentre import help_links

register = template.Library()

# Only the site's own portal pages: a path the assistant wrote, never a URL a merchant typed.
_PORTAL_PATH = re.compile(r"(?<![\w/])(/portal/[\w./-]*\w/?)")


@register.filter
def chat_links(text: str) -> SafeString:
    html = str(help_links(text))  # escaped, help-centre links, <br> for line breaks
    return mark_safe(_PORTAL_PATH.sub(r'<a href="\1">\1</a>', html))  # noqa: S308 — escaped above
