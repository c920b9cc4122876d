"""Templates keep CSS and script in static files (a Content-Security-Policy can then forbid
inline code), share one paginator, and render their selects from forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts)
INLINE = {
    "style attribute": re.compile(r"\sstyle=", re.I),
    "style element": re.compile(r"<style", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+=", re.I),
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    # htmx evaluates these with eval(), which the Content-Security-Policy forbids.
    "htmx trigger filter": re.compile(r"hx-trigger='?\"?[^\"']*\[", re.I),
    "htmx hx-on": re.compile(r"\shx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_no_inline_css_or_script(path):
    text = path.read_text(encoding="utf-8")
    found = [name for name, pattern in INLINE.items() if pattern.search(text)]
    assert found == []


def test_pagination_is_written_once():
    hand_written = [
        str(p.relative_to(ROOT))
        for p in TEMPLATES
        if "next_page_number" in p.read_text(encoding="utf-8")
    ]
    assert hand_written == ["core/templates/core/_paginator.html"]


@pytest.mark.django_db
def test_queue_pages_keep_the_filters(client, agent, merchant_a, settings, monkeypatch):
    from desk import services

    settings.PAGE_SIZE = 2
    monkeypatch.setattr("desk.views.PAGE_SIZE", 2, raising=False)
    for n in range(5):
        services.open_ticket(
            merchant=merchant_a, category="printer_paper", description=f"小票 {n}", channel="phone"
        )
    client.force_login(agent)
    page = client.get(reverse("desk_queue") + "?view=all&category=printer_paper").content.decode()
    links = re.findall(r'<a href="(\?[^"]+)" rel="next">', page)
    assert links, "a next-page link"
    params = dict(p.split("=", 1) for p in links[0][1:].replace("&amp;", "&").split("&"))
    assert params["category"] == "printer_paper" and params["view"] == "all"
    assert params["page"] == "2"
