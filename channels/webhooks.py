"""The front door of every machine-to-machine channel: a bounded body, the integration named
in `X-Poscare-Key`, its HMAC signature over timestamp and body, a fresh timestamp. Errors are
JSON with a stable code and the reason in Chinese and English — never a 500."""

from __future__ import annotations

import json
import time
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext_lazy as _

from channels.models import Integration
from channels.signing import SignatureError, verify
from core.errors import in_both_languages
from core.middleware import signed_body

MAX_BODY_BYTES = 64 * 1024

_REFUSALS = {
    "missing_timestamp": _("缺少时间戳 X-Poscare-Timestamp"),
    "stale": _("请求时间戳已过期或超前（可能是重放），已拒绝"),
    "bad_signature": _("签名不正确"),
    "unknown_integration": _("未知或已停用的接入标识"),
}


class Refused(Exception):
    def __init__(self, status: int, code: str, message: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.message = status, code, message

    def response(self) -> JsonResponse:
        return error(self.status, self.code, self.message)


def error(status: int, code: str, message: Any, **extra: Any) -> JsonResponse:
    body = {"error": code, "detail": in_both_languages(message), **extra}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def read_body(request: HttpRequest, limit: int = MAX_BODY_BYTES) -> bytes:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise Refused(413, "too_large", _("请求体太大"))
    try:
        body = request.body
    except RawPostDataException:  # a multipart form: already streamed, and never ours
        raise Refused(415, "unsupported_media_type", _("不支持的请求格式，请发送 JSON")) from None
    if len(body) > limit:
        raise Refused(413, "too_large", _("请求体太大"))
    return body


def authenticate(request: HttpRequest, kind: str) -> tuple[Integration, bytes]:
    """The integration that signed this request, and the raw body it signed. A stranger is
    turned away before their body is read."""
    key = request.headers.get("X-Poscare-Key", "")[:40]
    integration = (
        Integration.objects.filter(key=key, kind=kind, is_active=True)
        .select_related("institution")
        .first()
    )
    if integration is None:
        raise Refused(401, "unknown_integration", _REFUSALS["unknown_integration"])
    body = read_body(request)
    try:
        verify(
            integration.secret,
            request.headers.get("X-Poscare-Timestamp", ""),
            signed_body(request),  # signed before card numbers were masked at the door
            request.headers.get("X-Poscare-Signature", ""),
            now=time.time(),
        )
    except SignatureError as refused:
        raise Refused(401, refused.code, _REFUSALS[refused.code]) from None
    return integration, body


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refused(400, "bad_json", _("请求体不是有效的 UTF-8 JSON")) from None
