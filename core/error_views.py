"""The pages a visitor sees when something goes wrong: 400, 403, 404 and 500, in the visitor's
language, phone-first, with a way on (home, the hotline, signing in as someone else).

Under /api/ the same errors are JSON (`{"detail": {"zh": …, "en": …}}`), as the API's own
errors are: a client of the API (and its OpenAPI schema) never gets an HTML page — a path that
matches no endpoint, a body over `MAX_REQUEST_BODY_BYTES` (413), a failure (500).

Django's own handlers show a 404 raised with a lazy (translated) message as "Http404"; these
show the message. The 400 and 500 pages render without the request context: whatever failed (often
the database) must not fail again while the error page is drawn.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import loader
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import PermissionDeniedError, in_both_languages

API_PREFIX = "/api/"
TOO_LARGE = gettext_lazy("请求体太大")
BAD_REQUEST = gettext_lazy("请求无效")
NOT_ALLOWED = gettext_lazy("您没有权限执行此操作")
NOT_FOUND = gettext_lazy("未找到")
SERVER_ERROR = gettext_lazy("服务器出错了，请稍后再试")

# get_object_or_404's "No Merchant matches the given query." (English, names a model).
_DJANGO_OWN = ("matches the given query.",)


def _reason(exception: Exception | None) -> str:
    """The message a view gave the exception, if it is one of ours (translated). Django's own
    ("No Merchant matches the given query.", a resolver's list of tried patterns) is not for
    visitors: English only, or internals."""
    if isinstance(exception, PermissionDeniedError):
        return str(exception.message)
    if exception is None or not exception.args:
        return ""
    message = exception.args[0]
    if isinstance(message, Promise):
        return str(message)
    if isinstance(message, str) and not message.endswith(_DJANGO_OWN):
        return message  # a view's own message, translated when raised
    return ""


def _api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _api_error(message: Any, status: int) -> JsonResponse:
    return JsonResponse({"detail": in_both_languages(message)}, status=status)


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> str:
    return loader.render_to_string(template, context, request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Often raised before the user is known (a body too big to read): no request context.
    if _api(request):
        if isinstance(exception, RequestDataTooBig):
            return _api_error(TOO_LARGE, 413)
        return _api_error(BAD_REQUEST, 400)
    return HttpResponseBadRequest(loader.render_to_string("400.html", {}))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _api(request):
        return _api_error(
            exception.message if isinstance(exception, PermissionDeniedError) else NOT_ALLOWED, 403
        )
    reason = _reason(exception) or _("您没有权限执行此操作")
    return HttpResponseForbidden(_render(request, "403.html", {"reason": reason}))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A resolver miss carries a dict of tried patterns, never shown; a view's Http404 its reason.
    if _api(request):
        return _api_error(NOT_FOUND, 404)
    reason = _reason(exception)
    return HttpResponseNotFound(
        _render(request, "404.html", {"reason": reason, "request_path": request.path})
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # A lost database or Redis connection outside a view (a middleware reading the session or
    # the two-factor device) is an outage too: the same 503 as OutageMiddleware gives.
    from core.middleware import OutageMiddleware, is_outage

    failure = sys.exc_info()[1]
    if isinstance(failure, Exception) and is_outage(failure):
        outage = OutageMiddleware(lambda _request: HttpResponse()).process_exception(
            request, failure
        )
        if outage is not None:
            return outage
    if _api(request):
        return _api_error(SERVER_ERROR, 500)
    return HttpResponseServerError(loader.render_to_string("500.html", {}))
