"""The pages a visitor sees when something goes wrong: 400, 403, 404 and 500, in the visitor's
language, phone-first, with a way on (home, the hotline, signing in as someone else).

Django's own handlers show a 404 raised with a lazy (translated) message as "Http404"; these
show the message. The 400 and 500 pages render without the request context: whatever failed (often
the database) must not fail again while the error page is drawn.
"""

from __future__ import annotations

from typing import Any

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.errors import PermissionDeniedError

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


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> str:
    return loader.render_to_string(template, context, request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Often raised before the user is known (a body too big to read): no request context.
    return HttpResponseBadRequest(loader.render_to_string("400.html", {}))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = _reason(exception) or _("您没有权限执行此操作")
    return HttpResponseForbidden(_render(request, "403.html", {"reason": reason}))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A resolver miss carries a dict of tried patterns, never shown; a view's Http404 its reason.
    reason = _reason(exception)
    return HttpResponseNotFound(
        _render(request, "404.html", {"reason": reason, "request_path": request.path})
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponseServerError(loader.render_to_string("500.html", {}))
