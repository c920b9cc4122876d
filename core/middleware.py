"""Request middleware of poscare: the language, and the masking of card numbers at the door."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
from collections.abc import Callable
from urllib.parse import parse_qsl, unquote_plus, urlencode

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.errors import in_both_languages
from core.masking import mask_pans_in_data, mask_pans_in_text

logger = logging.getLogger(__name__)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """The language a person chose (the switch in the header sets a cookie), else Chinese.

    Browsers' Accept-Language is not consulted: poscare is a Chinese-first product, and a
    shop's phone set to English should still see the Chinese UI unless its user switches.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        codes = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in codes else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Credentials are not text: a run of digits inside a hex digest or an API token is not a card
# number, and "masking" it would refuse a correct request (about 1 in 1,000 HMAC-SHA256
# signatures, and about 1 in 1,000 API tokens, holds a Luhn-valid run). They are never stored
# or logged, and are left as sent when they have the credential's own shape and nothing else.
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{40,128}")
_API_TOKEN = re.compile(r"(?:Token|Bearer) [0-9a-fA-F]{40,128}")
_CREDENTIAL_HEADERS = {"HTTP_X_POSCARE_SIGNATURE": _HEX_DIGEST, "HTTP_AUTHORIZATION": _API_TOKEN}
_SIGNATURE_PARAMS = frozenset({"signature", "msg_signature"})
# WeChat's URL check sends `echostr` (often 19 random digits) beside its signature, and the
# answer must echo it exactly.
_ECHO_PARAM = "echostr"


def _is_credential_header(name: str, value: str) -> bool:
    shape = _CREDENTIAL_HEADERS.get(name)
    return shape is not None and shape.fullmatch(value) is not None


def _is_signature(name: str, value: str) -> bool:
    return name in _SIGNATURE_PARAMS and _HEX_DIGEST.fullmatch(value) is not None


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refuse_nul(text: str) -> None:
    """A NUL character has no use in a query, a form or a JSON value, and PostgreSQL can neither
    store nor compare it: refuse it where it comes in (400) instead of failing in whatever view
    reads it."""
    if "\x00" in text:
        raise BadRequest("NUL character in the request")


def _masked_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    signed = any(_is_signature(k, v) for k, v in pairs)
    masked = [
        (k, v)
        if _is_signature(k, v) or (signed and k == _ECHO_PARAM)
        else (mask_pans_in_text(k), mask_pans_in_text(v))
        for k, v in pairs
    ]
    return urlencode(masked) if masked != pairs else query


def _masked_querydict(data: QueryDict) -> QueryDict | None:
    """A masked copy of form data, or None when nothing in it needed masking."""
    lists = list(data.lists())
    masked = [(mask_pans_in_text(k), [mask_pans_in_text(v) for v in vs]) for k, vs in lists]
    if masked == lists:
        return None
    copy = QueryDict(mutable=True)
    for key, values in masked:
        copy.setlist(key, values)
    copy._mutable = False
    return copy


class PanMaskingMiddleware:
    """One masking step where text enters over HTTP: every form field and JSON value of every
    page and API endpoint (present and future), the URL path and query string, and the
    request headers. The view, the database, the logs and the access log (the WSGI server
    logs from the same environ) only ever see the masked form of a card number. A NUL character
    in the query, a form or a JSON body is refused with a 400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _refuse_nul(unquote_plus(request.META.get("QUERY_STRING", "")))
        self._mask_url(request)
        for name, value in list(request.META.items()):
            if (
                name.startswith("HTTP_")
                and isinstance(value, str)
                and not _is_credential_header(name, value)
            ):
                request.META[name] = mask_pans_in_text(value)
        if request.method in _BODY_METHODS:
            self._mask_body(request)
        return self.get_response(request)

    @staticmethod
    def _mask_url(request: HttpRequest) -> None:
        meta = request.META
        query = meta.get("QUERY_STRING", "")
        masked_query = _masked_query(query) if query else query
        masked_path = mask_pans_in_text(request.path_info)
        if masked_query == query and masked_path == request.path_info:
            return
        meta["QUERY_STRING"] = masked_query
        request.path_info = meta["PATH_INFO"] = masked_path
        request.path = mask_pans_in_text(request.path)
        uri = request.path + (f"?{masked_query}" if masked_query else "")
        for key in ("RAW_URI", "REQUEST_URI"):
            if key in meta:
                meta[key] = uri
        request.__dict__.pop("GET", None)  # re-read from the masked query string

    @staticmethod
    def _mask_body(request: HttpRequest) -> None:
        content_type = request.content_type or ""
        if content_type.startswith(_FORM_TYPES):
            # A URL-encoded body is small (Django's in-memory limit applies): read it first, so
            # that a view that checks a signature over the raw body (an SMS provider's
            # webhook) can still have it. A multipart body is streamed and only parsed.
            raw = request.body if content_type.startswith(_FORM_TYPES[0]) else None
            try:
                masked = _masked_querydict(request.POST)
            except MultiPartParserError:
                return  # a malformed body is the view's to reject
            _refuse_nul("".join(v for _k, vs in request.POST.lists() for v in [_k, *vs]))
            if masked is not None:
                request.POST = masked  # type: ignore[misc,assignment]
                if raw is not None:
                    request._signed_body = raw  # type: ignore[attr-defined]
                    request._body = masked.urlencode().encode("ascii")  # type: ignore[attr-defined]
            return
        if "json" not in content_type and not content_type.startswith("text/"):
            return
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            return  # not text: the view rejects it
        _refuse_nul(text.replace("\\u0000", "\x00"))
        masked_text = mask_pans_in_text(text)
        if masked_text == text:
            return
        if "json" in content_type:
            # Not valid JSON: the view rejects it, and the masked text is all it sees.
            with contextlib.suppress(ValueError, RecursionError):
                masked_text = json.dumps(mask_pans_in_data(json.loads(text)), ensure_ascii=False)
        body = masked_text.encode("utf-8")
        request._signed_body = request.body  # type: ignore[attr-defined]
        request._body = body  # type: ignore[attr-defined]
        request._stream = io.BytesIO(body)  # type: ignore[attr-defined]
        request.META["CONTENT_LENGTH"] = str(len(body))


def signed_body(request: HttpRequest) -> bytes:
    """The body exactly as the sender sent it, to check a signature over it (webhooks).
    Never parse or store it: `request.body` is the masked form to work with."""
    return getattr(request, "_signed_body", None) or request.body


OUTAGE_MESSAGE = _("服务暂时不可用（数据库或队列连接中断），请稍后重试。")


def is_outage(error: BaseException) -> bool:
    """A lost connection to PostgreSQL or Redis: the request failed, not poscare."""
    from django.db import InterfaceError, OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return isinstance(
        error, OperationalError | InterfaceError | RedisConnectionError | RedisTimeoutError
    )


class OutageMiddleware:
    """A database or Redis outage in a view answers 503 with a message in Chinese and English
    and `Retry-After`, instead of a 500. Django drops the broken connection when the request
    ends (and checks a kept one before reuse, DB_CONN_HEALTH_CHECKS), so the next request
    reconnects by itself: poscare needs no restart when the database comes back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        logger.warning("outage answered with 503 at %s: %r", request.path, exception)
        messages = in_both_languages(OUTAGE_MESSAGE)
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"detail": f"{messages['zh']} / {messages['en']}", **messages}, status=503
            )
        else:
            # No request context, no base layout: they read the session and the navigation,
            # which need the database that just failed.
            page = render_to_string("503.html", {"messages": messages})
            response = HttpResponse(page, status=503)
        response["Retry-After"] = "5"
        return response
