"""The API's schema and docs are for signed-in staff; no server software names its version."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_get_no_schema_and_the_docs_send_them_to_log_in(client):
    assert client.get("/api/schema/").status_code in (401, 403)
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and "/accounts/login/" in docs["Location"]


def test_merchants_and_machine_accounts_are_refused(client, alice, make_user):
    tms = make_user("tms-docs", role="integration")
    for user in (alice, tms):
        client.force_login(user)
        assert client.get("/api/schema/").status_code == 403
        assert client.get("/api/docs/").status_code == 403


def test_staff_read_the_schema_and_the_docs(client, agent, technician, supervisor):
    for user in (agent, technician, supervisor):
        client.force_login(user)
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
        assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
        assert "swagger-ui" in client.get("/api/docs/").content.decode()


def test_a_staff_token_fetches_the_schema(agent, alice):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=agent).key}")
    assert api.get("/api/schema/", HTTP_ACCEPT="application/json").status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")
    assert api.get("/api/schema/").status_code == 403


def test_no_version_in_the_server_header():
    import gunicorn.http.wsgi
    from django.core.servers.basehttp import WSGIRequestHandler

    # The demo's development server: "WSGIServer/0.2 CPython/3.11.2" without core.apps.
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    assert handler.version_string() == "poscare"
    # gunicorn (production) sends its name only.
    assert gunicorn.http.wsgi.SERVER == "gunicorn"
