"""The client address: X-Forwarded-For is believed only from TRUSTED_PROXIES, read from the
right; the verify-contact rate limit and login throttling key on it, so rotating the header
from an untrusted peer lifts neither."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.client_ip import client_ip

pytestmark = pytest.mark.django_db

API = "/api/verify-contact"


@pytest.fixture(autouse=True)
def fresh_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def address(remote: str, forwarded: str | None = None) -> str:
    meta: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address("198.51.100.7", "1.2.3.4") == "198.51.100.7"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address("198.51.100.7", "1.2.3.4") == "198.51.100.7"


def test_header_from_a_trusted_proxy_is_read_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8", "::1"]
    # nginx appended the address it saw; what the client wrote itself is further left.
    assert address("127.0.0.1", "6.6.6.6, 203.0.113.9") == "203.0.113.9"
    # Two of our proxies in a row (load balancer, then nginx).
    assert address("127.0.0.1", "6.6.6.6, 203.0.113.9, 10.1.2.3") == "203.0.113.9"
    assert address("::1", "2001:db8::5") == "2001:db8::5"
    assert address("127.0.0.1", "[2001:db8::5]:443") == "2001:db8::5"
    assert address("127.0.0.1", "203.0.113.9:51234") == "203.0.113.9"
    # No header, or only our own proxies: the nearest proxy is all we know.
    assert address("127.0.0.1") == "127.0.0.1"
    assert address("127.0.0.1", "10.0.0.2") == "10.0.0.2"
    # Garbage written by a hop we trust stops the walk at the last good address.
    assert address("127.0.0.1", "203.0.113.9, not-an-ip") == "127.0.0.1"


def test_a_bad_trusted_proxies_setting_stops_the_process(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import poscare.settings

    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1,10.0.0.0/33")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        importlib.reload(poscare.settings)
    monkeypatch.delenv("TRUSTED_PROXIES")
    importlib.reload(poscare.settings)


def verify(client, forwarded: str, remote: str = "198.51.100.7"):
    return client.post(
        API,
        {"number": "95534"},
        content_type="application/json",
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_rotating_the_header_does_not_lift_the_verify_limit(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    codes = [verify(client, f"203.0.113.{i}").status_code for i in range(12)]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]
    # The public page shares the limit, whatever the header says.
    page = client.post(
        reverse("verify_contact"),
        {"number": "95534"},
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert page.status_code == 429


def test_behind_our_proxy_each_client_has_its_own_limit(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    codes = [verify(client, "6.6.6.6, 203.0.113.1", remote="127.0.0.1") for _ in range(11)]
    assert [r.status_code for r in codes] == [200] * 10 + [429]
    # Another client through the same proxy is not affected, even one that forges the first.
    assert verify(client, "203.0.113.2", remote="127.0.0.1").status_code == 200
    assert verify(client, "203.0.113.1, 203.0.113.3", remote="127.0.0.1").status_code == 200


def test_login_throttling_ignores_a_rotated_header(client, alice, settings):
    settings.AXES_ENABLED = True
    for i in range(5):
        client.post(
            reverse("login"),
            {"username": "alice", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    response = client.post(
        reverse("login"),
        {"username": "alice", "password": "pw-alice"},
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert response.status_code == 429
