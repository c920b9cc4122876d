"""Hostile query strings on every page and endpoint never get a 500 (issue 10: "bad input
never 500s"). Schemathesis fuzzes the API's documented parameters; this walks every URL from
the resolver — HTML pages included — as the user who may see it (merchant A's owner, else a
supervisor), with every query parameter the code reads set to values an attacker or a careless
user sends: absurd numbers, impossible dates, NUL bytes, invalid UTF-8, huge strings.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from core.tests.test_access_walk import url_for, url_patterns, world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

# Every name read from request.GET or a GET form somewhere in poscare (grep `request.GET`),
# plus the paging and filtering names clients commonly try.
PARAMETERS = [
    "q", "page", "status", "days", "day", "week", "month", "year", "date", "since", "until",
    "at", "after", "before", "amount", "merchant", "merchant_id", "terminal", "terminal_id",
    "number", "kind", "intent", "category", "priority", "channel", "tier", "queue", "open",
    "term", "v", "p", "cycle", "region", "model", "firmware", "limit", "offset", "ordering",
    "sort", "format", "size", "from", "to", "tree_size", "first", "second", "index", "next",
]  # fmt: skip

HOSTILE = {
    "not a number": "NaN",
    "infinite": "-Infinity",
    "beyond 64 bits": "9" * 30,
    "negative": "-99999999999",
    "impossible date": "2026-02-30",
    "year 9999": "9999-12-31T23:59:59+08:00",
    "NUL byte": "a%00b",
    "invalid UTF-8": "%ED%A0%80%FF",
    "huge": "x" * 4000,
    "fullwidth digits": "１２３",
    "markup": quote("<script>alert(1)</script>'\""),
}


def _query(value: str) -> str:
    encoded = value if "%" in value else quote(value, safe="")
    return "&".join(f"{name}={encoded}" for name in PARAMETERS)


def test_no_page_or_endpoint_answers_hostile_queries_with_a_500(client, world, alice, supervisor):  # noqa: F811, E501
    client.raise_request_exception = False  # a 500 is reported with the others
    problems = []
    for route, entry in url_patterns():
        if route.startswith("admin/"):
            continue  # Django admin: supervisors and admins only, Django's own parsing
        url = url_for(route, entry, world)
        # The owner of merchant A where the page lets them in, else a supervisor.
        client.force_login(alice)
        if client.get(url).status_code in (302, 401, 403, 404, 405):
            client.force_login(supervisor)
        for label, value in HOSTILE.items():
            response = client.get(f"{url}?{_query(value)}")
            if response.status_code >= 500:
                problems.append(f"GET {url} with {label}: {response.status_code}")
            elif label == "NUL byte" and response.status_code != 400:
                problems.append(f"GET {url} with a NUL byte: {response.status_code}, not 400")
    assert not problems, "\n".join(problems)


def _form_field_names() -> list[str]:
    """Every field name of every form class in poscare's apps (declared or from a ModelForm)."""
    import importlib
    import inspect

    from django import forms
    from django.apps import apps
    from django.conf import settings

    names: set[str] = set()
    for config in apps.get_app_configs():
        if not config.path.startswith(str(settings.BASE_DIR)) or ".venv" in config.path:
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                names.update(getattr(form, "base_fields", {}))
    return sorted(names)


HOSTILE_FORM_VALUES = {
    "not a number": "NaN",
    "beyond 64 bits": "9" * 30,
    "year 9999": "9999-12-31",
    "NUL byte": "a\x00b",
    "huge": "长" * 2_000,
    "card number": "4111 1111 1111 1111",
}


def test_no_form_answers_hostile_values_with_a_500(client, world, alice, supervisor):  # noqa: F811
    """Every POST, with every form field name poscare has set to each hostile value."""
    client.raise_request_exception = False
    fields = _form_field_names()
    assert len(fields) > 50  # the forms were found
    problems = []
    for route, entry in url_patterns():
        if route.startswith("admin/"):
            continue
        url = url_for(route, entry, world)
        client.force_login(alice)
        if client.get(url).status_code in (302, 401, 403, 404, 405):
            client.force_login(supervisor)
        for label, value in HOSTILE_FORM_VALUES.items():
            response = client.post(url, {name: value for name in fields})
            if response.status_code >= 500:
                problems.append(f"POST {url} with {label}: {response.status_code}")
            elif label == "NUL byte" and response.status_code != 400:
                problems.append(f"POST {url} with a NUL byte: {response.status_code}, not 400")
    assert not problems, "\n".join(problems)
