"""The WeChat Official Account's outbound API: template messages to bound followers, and
customer-service messages to a follower who wrote to the account in the last 48 hours.

The documented shape (公众号 “模板消息”): an access_token from
`GET /cgi-bin/token?grant_type=client_credential&appid=…&secret=…` (valid `expires_in`
seconds, cached here until a minute before), then
`POST /cgi-bin/message/template/send?access_token=…` with
`{"touser", "template_id", "url", "data": {"first", "keyword1", …, "remark": {"value"}}}`;
WeChat answers `{"errcode": 0, "errmsg": "ok", "msgid": …}` or an error code (43004: the
user unfollowed, 40003: unknown openid, 45009: over the daily quota, 40001/42001: the token
is no longer valid — fetched again once). A customer-service message (客服消息) is
`POST /cgi-bin/message/custom/send?access_token=…` with
`{"touser", "msgtype": "text", "text": {"content"}}`, allowed for 48 hours after the follower's
last message (45015: the window has closed). `WECHAT_API_BASE` points at WeChat, or at the
simulated server of the tests. Each send is one Delivery in the notifications app
(`notifications/transports/wechat.py`), whatever came of it.

Neither call takes an idempotency key, and WeChat offers no way to ask afterwards whether a
message went out, so a send is tried again only where WeChat cannot have sent it: the request
never reached it ("unsent": no connection, the address did not resolve, the connection broke
while the request was being written, or the access token could not be fetched), or WeChat
answered errcode -1 ("system busy", which it documents as not processed). A request that was
sent and got no answer in time ("timeout"), or whose answer broke off or was not WeChat's
JSON ("no_answer"), may have been delivered: it is not sent again (`OUTCOME_UNKNOWN`).
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.core.cache import cache

from channels.models import Integration

TOKEN_ERRORS = frozenset({40001, 40014, 42001})  # invalid / expired access_token
# The 48-hour customer-service window has closed (45015), or too many messages in it (45047).
OUTSIDE_WINDOW = frozenset({45015, 45047})
# Nothing was sent, so the same send may be tried again later: the request never reached
# WeChat, or WeChat said "system busy" (-1).
TRANSIENT = frozenset({"unsent", -1})
# The request reached WeChat but no (readable) answer came back: it may have been delivered, and
# sending it again could deliver it twice.
OUTCOME_UNKNOWN = frozenset({"timeout", "no_answer"})
_TOKEN_KEY = "wechat:access-token:{}"


class WeChatApiError(Exception):
    """A send that failed; `code` is WeChat's errcode, or "unsent" / "timeout" / "no_answer" /
    "config"."""

    def __init__(self, code: int | str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def _call(method: str, path: str, query: dict[str, str], body: Any = None) -> dict[str, Any]:
    url = f"{settings.WECHAT_API_BASE.rstrip('/')}{path}?{urllib.parse.urlencode(query)}"
    data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - the configured https API (or the simulator)
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WECHAT_API_TIMEOUT) as response:  # noqa: S310
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:  # an answer, but an HTTP error page, not WeChat's
        raise WeChatApiError("no_answer", f"HTTP {error.code}") from None
    except urllib.error.URLError as error:
        # urllib raises URLError only while connecting and writing the request: WeChat has not
        # got the whole request, so it cannot have acted on it.
        raise WeChatApiError("unsent", str(error.reason)) from None
    except TimeoutError:
        raise WeChatApiError("timeout", f"no answer in {settings.WECHAT_API_TIMEOUT}s") from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise WeChatApiError("no_answer", str(error) or type(error).__name__) from None
    if not isinstance(answer, dict):
        raise WeChatApiError("no_answer", "the answer is not a JSON object")
    return answer


def _errcode(answer: dict[str, Any]) -> int:
    code = answer.get("errcode", 0)
    return code if isinstance(code, int) else -1


def access_token(integration: Integration, *, fresh: bool = False) -> str:
    key = _TOKEN_KEY.format(integration.pk)
    if not fresh and (token := cache.get(key)):
        return str(token)
    if not integration.app_id or not integration.app_secret:
        raise WeChatApiError("config", "the integration has no AppID / AppSecret")
    answer = _call(
        "GET",
        "/cgi-bin/token",
        {
            "grant_type": "client_credential",
            "appid": integration.app_id,
            "secret": integration.app_secret,
        },
    )
    token = answer.get("access_token")
    if _errcode(answer) or not isinstance(token, str) or not token:
        raise WeChatApiError(_errcode(answer) or -1, str(answer.get("errmsg", "no access_token")))
    expires = answer.get("expires_in", 7200)
    cache.set(key, token, max(60, (expires if isinstance(expires, int) else 7200) - 60))
    return token


def template_data(first: str, keywords: list[str], remark: str) -> dict[str, dict[str, str]]:
    """The template's fields: first, keyword1…n, remark (each `{"value": …}`)."""
    data = {"first": {"value": first}}
    for number, value in enumerate(keywords, start=1):
        data[f"keyword{number}"] = {"value": value}
    data["remark"] = {"value": remark}
    return data


def send_template(
    integration: Integration, openid: str, data: dict[str, dict[str, str]], url: str = ""
) -> str:
    """Send one template message; WeChat's msgid, or WeChatApiError."""
    if not integration.template_id:
        raise WeChatApiError("config", "the integration has no template_id")
    body = {"touser": openid, "template_id": integration.template_id, "url": url, "data": data}
    return _send(integration, "/cgi-bin/message/template/send", body)


def send_text(integration: Integration, openid: str, content: str) -> str:
    """Send one customer-service text message (inside the 48-hour window); WeChat's msgid
    (empty: WeChat gives none for these), or WeChatApiError."""
    body = {"touser": openid, "msgtype": "text", "text": {"content": content}}
    return _send(integration, "/cgi-bin/message/custom/send", body)


def _send(integration: Integration, path: str, body: dict[str, Any]) -> str:
    """POST one message with the cached access token, fetching a fresh one once if WeChat
    says it is no longer valid."""
    for attempt in (1, 2):
        try:
            token = access_token(integration, fresh=attempt == 2)
        except WeChatApiError as error:
            if error.code in OUTCOME_UNKNOWN:  # no token, so the message itself was not sent
                raise WeChatApiError("unsent", f"access token: {error}") from None
            raise
        answer = _call("POST", path, {"access_token": token}, body)
        code = _errcode(answer)
        if code == 0:
            return str(answer.get("msgid", ""))
        if code not in TOKEN_ERRORS or attempt == 2:
            raise WeChatApiError(code, str(answer.get("errmsg", "")))
    raise AssertionError("unreachable")
