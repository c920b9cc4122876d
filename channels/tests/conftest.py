"""Channels fixtures: two institutions, each with a phone system integration; alice's merchant
belongs to the first; a fixed working-morning clock for the outreach policy."""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from channels.simulator import SimulatedPhoneSystem
from desk.tests.conftest import desk_staff, ticket_a  # noqa: F401 - shared desk fixtures
from outreach.tests.conftest import clock  # noqa: F401 - the outreach policy's fixed clock


def _institution(code: str, name: str):
    from directory.models import Institution, RegisteredNumber

    institution, _ = Institution.objects.get_or_create(
        code=code, defaults={"name": name, "kind": "acquirer"}
    )
    RegisteredNumber.objects.get_or_create(
        institution=institution, number="+861056710000" if code == "inst-a" else "+862155550000"
    )
    return institution


@pytest.fixture
def institution_a(db):
    return _institution("inst-a", "甲收单")


@pytest.fixture
def institution_b(db):
    return _institution("inst-b", "乙收单")


@pytest.fixture
def integration_a(institution_a):
    from channels.models import Integration

    return Integration.objects.create(
        key="pbx-a", name="甲呼叫中心", kind="phone_system", institution=institution_a
    )


@pytest.fixture
def integration_b(institution_b):
    from channels.models import Integration

    return Integration.objects.create(
        key="pbx-b", name="乙呼叫中心", kind="phone_system", institution=institution_b
    )


@pytest.fixture
def caller_a(merchant_a, institution_a):
    """Merchant A (alice's) belongs to institution A; its owner's phone is registered."""
    from tests.factories import ContactFactory

    merchant_a.acquirer = institution_a
    merchant_a.save(update_fields=["acquirer"])
    return ContactFactory(merchant=merchant_a, phone="+8613800001111")


def simulator_for(integration) -> SimulatedPhoneSystem:
    client = Client()

    def post(path: str, body: bytes, headers: dict[str, str]):
        return client.post(path, body, content_type="application/json", headers=headers)

    return SimulatedPhoneSystem(post, integration.key, integration.secret)


@pytest.fixture
def pbx(integration_a) -> SimulatedPhoneSystem:
    return simulator_for(integration_a)


@pytest.fixture
def sms_gateway(institution_a) -> SimulatedPhoneSystem:
    """A simulated SMS provider: it signs its webhooks with its integration's secret."""
    from channels.models import Integration

    integration = Integration.objects.create(
        key="sms-a", name="短信通道", kind="sms", institution=institution_a
    )
    return simulator_for(integration)


# WeChat: one Official Account (callback token, safe-mode AES key, API credentials and a notice
# template), a simulated Official Account API (access token, template and customer-service
# messages) and a follower bound to alice.
APP_ID, APP_SECRET, TEMPLATE = "wx1234567890abcdef", "app-secret-1", "tmpl-service-notice"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")


TEMPLATE_SEND, CUSTOM_SEND = "/cgi-bin/message/template/send", "/cgi-bin/message/custom/send"


class SimulatedWeChatApi:
    """The API calls poscare makes, as WeChat documents them: the access token, template
    messages and customer-service messages. `mode`: "ok", "unfollowed" (errcode 43004),
    "expired_once" (40001 on the first send), "silent" (never answers in time), "busy_once"
    (-1, system busy, on the first send), "window_closed" (45015 for a customer-service
    message: the follower has not written in 48 hours). `sent`: the bodies accepted, `paths`:
    which call accepted each."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.tokens_issued = 0
        self.sent: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self._ids = itertools.count(2_000_001)
        self._expired_sent = False
        self._busy_sent = False
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                url = urlparse(self.path)
                query = parse_qs(url.query)
                if url.path != "/cgi-bin/token" or query.get("appid") != [APP_ID]:
                    return self._answer({"errcode": 40013, "errmsg": "invalid appid"})
                if query.get("secret") != [APP_SECRET]:
                    return self._answer({"errcode": 40001, "errmsg": "invalid credential"})
                api.tokens_issued += 1
                return self._answer(
                    {"access_token": f"token-{api.tokens_issued}", "expires_in": 7200}
                )

            def do_POST(self) -> None:  # noqa: N802
                url = urlparse(self.path)
                token = parse_qs(url.query).get("access_token", [""])[0]
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if api.mode == "silent":
                    time.sleep(2.5)
                    return self._answer({"errcode": 0, "errmsg": "ok", "msgid": 1})
                if token != f"token-{api.tokens_issued}":
                    return self._answer({"errcode": 40001, "errmsg": "invalid credential"})
                if api.mode == "expired_once" and not api._expired_sent:
                    api._expired_sent = True
                    return self._answer({"errcode": 42001, "errmsg": "access_token expired"})
                if api.mode == "busy_once" and not api._busy_sent:
                    api._busy_sent = True
                    return self._answer({"errcode": -1, "errmsg": "system error"})
                if api.mode == "unfollowed":
                    return self._answer({"errcode": 43004, "errmsg": "require subscribe"})
                if api.mode == "window_closed" and url.path == CUSTOM_SEND:
                    return self._answer({"errcode": 45015, "errmsg": "response out of time limit"})
                if url.path not in (TEMPLATE_SEND, CUSTOM_SEND):
                    return self._answer({"errcode": 40066, "errmsg": "invalid url"})
                api.sent.append(body)
                api.paths.append(url.path)
                if url.path == CUSTOM_SEND:  # WeChat gives no msgid for these
                    return self._answer({"errcode": 0, "errmsg": "ok"})
                return self._answer({"errcode": 0, "errmsg": "ok", "msgid": next(api._ids)})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def wechat_api(settings):
    from django.core.cache import cache

    api = SimulatedWeChatApi()
    settings.WECHAT_API_BASE, settings.WECHAT_API_TIMEOUT = api.base, 1
    cache.clear()  # no access token from another test
    yield api
    api.close()
    cache.clear()


@pytest.fixture
def account(institution_a):
    from channels.models import Integration

    return Integration.objects.create(
        key="wx-a",
        name="公众号",
        kind="wechat",
        institution=institution_a,
        secret="wechat-token",
        app_id=APP_ID,
        app_secret=APP_SECRET,
        template_id=TEMPLATE,
        aes_key=AES_KEY,
    )


@pytest.fixture
def bound(account, alice, merchant_a):
    from channels.models import WeChatFollower

    return WeChatFollower.objects.create(integration=account, openid="o-alice", user=alice)
