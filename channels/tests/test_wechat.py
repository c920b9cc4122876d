"""A simulated WeChat server sends signed — and in safe mode encrypted — messages to the
callback: binding by SMS code works, "刷卡显示51" is answered as in the portal, a bad signature
or a foreign AppID is refused, a retried message is answered once."""

from __future__ import annotations

import base64
import itertools
import re
import secrets
import time

import pytest
from defusedxml import ElementTree

from channels import wechat_crypto
from channels.models import WeChatFollower, WeChatMessage
from channels.tests.conftest import AES_KEY, APP_ID
from notifications.transports.sms import LoggingSmsProvider

pytestmark = pytest.mark.django_db


class WeChatServer:
    """Tencent's side: builds the message XML, signs, encrypts in safe mode, reads replies."""

    def __init__(self, client, account, *, safe: bool) -> None:
        self.client, self.account, self.safe = client, account, safe
        self.ids = itertools.count(1000)

    def send(self, openid: str, text: str, *, msg_id: str | None = None, token: str | None = None):
        token = token or self.account.secret
        stamp, nonce = str(int(time.time())), secrets.token_hex(4)
        xml = (
            f"<xml><ToUserName><![CDATA[gh_poscare]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>{stamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id or next(self.ids)}</MsgId></xml>"
        )
        query = {"timestamp": stamp, "nonce": nonce, "openid": openid}
        if self.safe:
            encrypted = wechat_crypto.encrypt(xml, self.account.aes_key, self.account.app_id)
            xml = (
                "<xml><ToUserName>gh_poscare</ToUserName>"
                f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
            )
            query |= {
                "encrypt_type": "aes",
                "msg_signature": wechat_crypto.signature(token, stamp, nonce, encrypted),
            }
        else:
            query["signature"] = wechat_crypto.signature(token, stamp, nonce)
        url = f"/api/wechat/{self.account.key}?" + "&".join(f"{k}={v}" for k, v in query.items())
        return self.client.post(url, xml.encode(), content_type="text/xml")

    def reply(self, response) -> str:
        root = ElementTree.fromstring(response.content)
        if self.safe:
            encrypted = root.find("Encrypt").text
            stamp, nonce = root.find("TimeStamp").text, root.find("Nonce").text
            wechat_crypto.check_signature(
                root.find("MsgSignature").text, self.account.secret, stamp, nonce, encrypted
            )
            root = ElementTree.fromstring(
                wechat_crypto.decrypt(encrypted, self.account.aes_key, self.account.app_id)
            )
        return root.find("Content").text


@pytest.fixture(params=[False, True], ids=["plain", "safe"])
def wechat(request, client, account):
    return WeChatServer(client, account, safe=request.param)


@pytest.fixture
def alice_phone(alice):
    alice.phone = "+8613800001111"
    alice.save()
    return alice


def _bind(wechat, capture, openid: str = "o-alice") -> str:
    LoggingSmsProvider.sent.clear()
    with capture(execute=True):
        answer = wechat.reply(wechat.send(openid, "绑定 13800001111"))
    number, text = LoggingSmsProvider.sent[-1]
    assert number == "+8613800001111" and "138****1111" in answer
    found = re.search(r"\d{6}", text)
    assert found is not None
    code = found.group(0)
    return wechat.reply(wechat.send(openid, code))


def test_binding_by_sms_code_then_the_assistant_answers_as_in_the_portal(
    wechat, alice_phone, django_capture_on_commit_callbacks
):
    done = _bind(wechat, django_capture_on_commit_callbacks)
    assert "绑定成功" in done
    assert WeChatFollower.objects.get(openid="o-alice").user == alice_phone
    answer = wechat.reply(wechat.send("o-alice", "刷卡显示51"))
    from assistant.services import post_message, start_conversation

    portal = start_conversation(user=alice_phone, session_key=None, channel="portal")
    assert answer == post_message(portal, "刷卡显示51", user=alice_phone).outbound.text


def test_an_unbound_user_is_asked_to_bind_and_a_wrong_code_binds_nothing(
    wechat, alice_phone, django_capture_on_commit_callbacks
):
    assert "绑定" in wechat.reply(wechat.send("o-x", "刷卡显示51"))
    with django_capture_on_commit_callbacks(execute=True):
        wechat.send("o-x", "绑定 13800001111")
    assert "不正确" in wechat.reply(
        wechat.send("o-x", "000000" if "000000" not in LoggingSmsProvider.sent[-1][1] else "111111")
    )
    assert WeChatFollower.objects.get(openid="o-x").user is None


def test_an_unregistered_phone_gets_the_same_answer_and_no_sms(
    wechat, alice_phone, django_capture_on_commit_callbacks
):
    LoggingSmsProvider.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = wechat.reply(wechat.send("o-y", "绑定 13912345678"))
    assert "验证码已发送" in answer and not LoggingSmsProvider.sent


def test_a_bad_signature_is_refused(wechat, alice_phone):
    response = wechat.send("o-alice", "刷卡显示51", token="not-the-token")
    assert response.status_code == 403 and not WeChatMessage.objects.exists()


def test_a_message_for_another_app_is_refused(client, account):
    other = WeChatServer(client, account, safe=True)
    account.app_id = "wxother"
    response = other.send("o-z", "hello")
    assert response.status_code == 403


def test_a_retried_message_is_answered_once(wechat, alice_phone):
    first = wechat.reply(wechat.send("o-r", "你好", msg_id="777"))
    again = wechat.reply(wechat.send("o-r", "你好", msg_id="777"))
    assert first == again and WeChatMessage.objects.filter(msg_id="777").count() == 1


def test_url_check_and_bad_requests(client, account):
    stamp, nonce = str(int(time.time())), "n1"
    sig = wechat_crypto.signature(account.secret, stamp, nonce)
    ok = client.get(
        f"/api/wechat/wx-a?signature={sig}&timestamp={stamp}&nonce={nonce}&echostr=hello"
    )
    assert ok.content == b"hello"
    assert (
        client.get(
            f"/api/wechat/wx-a?signature=bad&timestamp={stamp}&nonce={nonce}&echostr=x"
        ).status_code
        == 403
    )
    assert client.get("/api/wechat/nope").status_code == 404
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml>&a;</xml>'
    url = f"/api/wechat/wx-a?signature={sig}&timestamp={stamp}&nonce={nonce}"
    assert client.post(url, bomb, content_type="text/xml").status_code == 403
    old = str(int(time.time()) - 3600)
    old_sig = wechat_crypto.signature(account.secret, old, nonce)
    stale = f"/api/wechat/wx-a?signature={old_sig}&timestamp={old}&nonce={nonce}"
    assert client.post(stale, b"<xml/>", content_type="text/xml").status_code == 403


def test_url_check_echoes_a_card_like_echostr_exactly(client, account):
    """WeChat's echostr is often 19 random digits; about one in ten passes the Luhn check. The
    card-number masking leaves it as sent beside a valid-looking signature, or the URL check
    would fail."""
    echo = "6222021234567890128"
    stamp, nonce = str(int(time.time())), "n1"
    sig = wechat_crypto.signature(account.secret, stamp, nonce)
    url = f"/api/wechat/wx-a?signature={sig}&timestamp={stamp}&nonce={nonce}&echostr={echo}"
    assert client.get(url).content == echo.encode()


def test_the_envelope_round_trips_and_tampering_is_detected():
    sealed = wechat_crypto.encrypt("<xml>你好</xml>", AES_KEY, APP_ID)
    assert wechat_crypto.decrypt(sealed, AES_KEY, APP_ID) == "<xml>你好</xml>"
    raw = bytearray(base64.b64decode(sealed))
    raw[-1] ^= 1
    with pytest.raises(wechat_crypto.WeChatCryptoError):
        wechat_crypto.decrypt(base64.b64encode(bytes(raw)).decode(), AES_KEY, APP_ID)
    with pytest.raises(wechat_crypto.WeChatCryptoError):
        wechat_crypto.decrypt(sealed, AES_KEY, "wxsomeoneelse")
