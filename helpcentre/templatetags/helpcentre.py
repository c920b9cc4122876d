"""Template filters of the help centre: article bodies (the small markup of
`helpcentre.content`) and help-centre links in chat answers and ticket messages."""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from core.language import current_language
from helpcentre.content import parse_body

register = template.Library()
HELP_LINK = re.compile(r"(?:https?://[^\s/]+)?/help/([a-z0-9-]+)/")


@register.filter
def help_body(text: str) -> SafeString:
    parts: list[str] = []
    for block in parse_body(text or ""):
        if block.kind == "h":
            parts.append(format_html("<h3>{}</h3>", block.lines[0]))
        elif block.kind == "p":
            parts.append(format_html("<p>{}</p>", block.lines[0]))
        else:
            items = "".join(format_html("<li>{}</li>", line) for line in block.lines)
            parts.append(f"<{block.kind}>{items}</{block.kind}>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every piece is escaped above


@register.filter
def help_links(text: str) -> SafeString:
    """Escape the text and turn each help-centre link into a link named after the article,
    in the reader's language; line breaks are kept."""
    from assistant.models import Article

    escaped = str(escape(text or ""))
    slugs = set(HELP_LINK.findall(escaped))
    titles = {
        article.slug: article.title(current_language())
        for article in Article.objects.visible_to(None).filter(slug__in=slugs)
    }

    def link(match: re.Match[str]) -> str:
        slug = match.group(1)
        if slug not in titles:
            return match.group(0)
        url = reverse("help_article", kwargs={"slug": slug})
        return str(format_html('<a href="{}">📖 {}</a>', url, titles[slug]))

    return mark_safe(HELP_LINK.sub(link, escaped).replace("\n", "<br>"))  # noqa: S308
