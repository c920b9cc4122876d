"""Content-Security-Policy on every page: scripts, styles and fetches from poscare only, no
inline script, no eval, no framing. The pages themselves carry no inline code
(core/tests/test_templates.py) and the one htmx trigger that needed eval is gone."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/help/", "/verify/", "/definitely-not-a-page/"]
)
def test_public_pages_carry_the_policy(client, url):
    directives = policy(client.get(url))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


def test_signed_in_pages_and_the_api_docs_carry_it(client, alice, agent):
    client.force_login(alice)
    assert "'unsafe" not in client.get(reverse("portal"))["Content-Security-Policy"]
    client.force_login(agent)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and "script-src 'self'" in docs["Content-Security-Policy"]
    page = docs.content.decode()
    assert "<script>" not in page and "<style" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_htmx_runs_without_eval(client, alice):
    client.force_login(alice)
    page = client.get(reverse("portal")).content.decode()
    assert '"allowEval": false' in page and '"includeIndicatorStyles": false' in page


def test_new_ticket_selects_redraw_without_a_trigger_filter(client, alice, merchant_a):
    client.force_login(alice)
    page = client.get(reverse("portal_new_ticket")).content.decode()
    assert "target.id" not in page
    for name in ("merchant", "terminal", "category"):
        tag = page[page.index(f'name="{name}"') - 300 : page.index(f'name="{name}"') + 300]
        assert 'hx-trigger="change"' in tag and 'hx-target="#ticket-fields"' in tag
