"""WeChat template messages: notices to merchant users who bound the Official Account, sent
through the real HTTP adapter to a simulated WeChat API server (access token, template send),
via the notifications app (preferences, one Delivery per attempt) and the outreach policy.
The server answers ok, an error code, or not at all (a timeout)."""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils.translation import gettext_lazy as _

from channels.models import Integration, WeChatFollower
from notifications.models import Delivery, Notification
from notifications.services import notify, set_preference

pytestmark = pytest.mark.django_db
APP_ID, APP_SECRET, TEMPLATE = "wx1234567890abcdef", "app-secret-1", "tmpl-service-notice"


class SimulatedWeChatApi:
    """The two API calls poscare makes, as WeChat documents them. `mode`: "ok", "unfollowed"
    (errcode 43004), "expired_once" (40001 on the first send), "silent" (never answers in
    time)."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.tokens_issued = 0
        self.sent: list[dict[str, Any]] = []
        self._ids = itertools.count(2_000_001)
        self._expired_sent = False
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
                if api.mode == "unfollowed":
                    return self._answer({"errcode": 43004, "errmsg": "require subscribe"})
                api.sent.append(body)
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
    return Integration.objects.create(
        key="wx-a",
        name="公众号",
        kind="wechat",
        institution=institution_a,
        secret="wechat-token",
        app_id=APP_ID,
        app_secret=APP_SECRET,
        template_id=TEMPLATE,
    )


@pytest.fixture
def bound(account, alice, merchant_a):
    return WeChatFollower.objects.create(integration=account, openid="o-alice", user=alice)


def _notify(merchant, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        notify(merchant, **kwargs)


def test_a_ticket_update_reaches_the_bound_follower_as_a_template_message(
    wechat_api, bound, merchant_a, django_capture_on_commit_callbacks
):
    for n in (1, 2):
        _notify(
            merchant_a,
            django_capture_on_commit_callbacks,
            event="desk.ticket_update",
            subject=f"工单 T{n} 有新进展",
            body="技术员已出发，预计 30 分钟到店",
            link="/portal/tickets/",
        )
    first, second = wechat_api.sent
    assert first["touser"] == "o-alice" and first["template_id"] == TEMPLATE
    assert first["data"]["first"]["value"] == "工单 T1 有新进展"
    assert first["data"]["keyword1"]["value"] == "技术员已出发，预计 30 分钟到店"
    assert "商户服务平台" in first["data"]["remark"]["value"]
    assert first["url"].endswith("/portal/tickets/")
    assert second["data"]["first"]["value"] == "工单 T2 有新进展"
    assert wechat_api.tokens_issued == 1  # the access token is kept, not fetched per message
    deliveries = Delivery.objects.filter(channel="wechat").order_by("pk")
    assert [(d.status, d.address) for d in deliveries] == [
        ("sent", f"{bound.integration_id}:o-alice")
    ] * 2
    assert deliveries[0].provider_ref == "2000001"
    assert Notification.objects.filter(recipient=bound.user).count() == 2  # the inbox too


def test_a_follower_who_bound_in_english_gets_the_english_text(
    wechat_api, bound, merchant_a, django_capture_on_commit_callbacks
):
    bound.language = "en"
    bound.save()
    _notify(
        merchant_a,
        django_capture_on_commit_callbacks,
        event="desk.ticket_update",
        subject=_("工单进展"),
        body=_("故障进展"),
    )
    (sent,) = wechat_api.sent
    assert sent["data"]["first"]["value"] == "Ticket progress"
    assert sent["data"]["keyword1"]["value"] == "Outage progress"
    remark = sent["data"]["remark"]["value"]
    assert remark and not any("\u4e00" <= ch <= "\u9fff" for ch in remark)


@pytest.mark.parametrize(
    ("mode", "error"), [("unfollowed", "43004"), ("silent", "timeout")], ids=["errcode", "timeout"]
)
def test_a_refused_or_unanswered_send_is_recorded_not_raised(
    wechat_api, bound, merchant_a, django_capture_on_commit_callbacks, mode, error
):
    wechat_api.mode = mode
    _notify(
        merchant_a,
        django_capture_on_commit_callbacks,
        event="desk.outage_update",
        subject="故障通知",
        body="预计 15:00 恢复",
    )
    delivery = Delivery.objects.get(channel="wechat")
    assert delivery.status == "failed" and error in delivery.error
    assert Notification.objects.filter(recipient=bound.user, subject="故障通知").exists()


def test_an_expired_token_is_fetched_again_once(
    wechat_api, bound, merchant_a, django_capture_on_commit_callbacks
):
    wechat_api.mode = "expired_once"
    _notify(
        merchant_a, django_capture_on_commit_callbacks, event="desk.ticket_update",
        subject="工单更新", body="…",
    )  # fmt: skip
    assert wechat_api.tokens_issued == 2 and len(wechat_api.sent) == 1
    assert Delivery.objects.get(channel="wechat").status == "sent"


def test_no_template_for_the_opted_out_the_unbound_or_another_merchant(
    wechat_api, bound, alice, merchant_a, merchant_b, make_user, django_capture_on_commit_callbacks
):
    bob = make_user("bob")
    merchant_b.members.add(bob)
    WeChatFollower.objects.create(integration=bound.integration, openid="o-pending", user=None)
    set_preference(alice, "desk.ticket_update", "wechat", False)
    _notify(
        merchant_a, django_capture_on_commit_callbacks, event="desk.ticket_update",
        subject="工单更新", body="…",
    )  # fmt: skip
    _notify(
        merchant_b, django_capture_on_commit_callbacks, event="desk.ticket_update",
        subject="给 bob 的工单更新", body="…",
    )  # fmt: skip
    assert wechat_api.sent == [] and not Delivery.objects.filter(channel="wechat").exists()


def test_an_outreach_notice_goes_by_wechat_when_the_policy_picks_it(
    wechat_api, bound, merchant_a, agent, clock, django_capture_on_commit_callbacks
):
    """A service-outage notice of high urgency needs the SMS rung; a merchant who allows
    WeChat gets it as a template message (the cheaper channel on that rung), logged in the
    contact log; the same for a merchant nobody of which is bound falls back to the inbox."""
    from outreach.models import ContactAttempt, ContactPreference
    from outreach.services import file_request

    ContactPreference.objects.update_or_create(
        merchant=merchant_a, defaults={"channels": ["inbox", "wechat", "sms"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = file_request(
            merchant=merchant_a,
            purpose="service_outage",
            urgency="high",
            channels=["inbox", "wechat", "sms"],
            subject="支付通道故障",
            content="部分银行卡交易失败，正在抢修",
            requested_by=agent,
        )
    request.refresh_from_db()
    assert request.channel == "wechat" and request.status == "sent"
    (sent,) = wechat_api.sent
    assert sent["touser"] == "o-alice" and sent["data"]["first"]["value"] == "支付通道故障"
    attempt = ContactAttempt.objects.get(request=request)
    assert attempt.channel == "wechat" and attempt.to_address == ""
    bound.delete()
    with django_capture_on_commit_callbacks(execute=True):
        fallback = file_request(
            merchant=merchant_a,
            purpose="service_outage",
            urgency="high",
            channels=["inbox", "wechat"],
            subject="支付通道故障（续）",
            content="仍在抢修",
            requested_by=agent,
        )
    fallback.refresh_from_db()
    assert fallback.channel == "inbox" and any(r["code"] == "no_wechat" for r in fallback.reasons)
    assert len(wechat_api.sent) == 1
