"""Errors a user reads, always available in Chinese and in English."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.debug import ExceptionReporter

from core.masking import mask_pans_in_text


def in_both_languages(message: Any) -> dict[str, str]:
    """Render a (lazy) translatable message in zh-hans and en."""
    result = {}
    for code in ("zh-hans", "en"):
        with translation.override(code):
            result["zh" if code == "zh-hans" else "en"] = str(message)
    return result


def _format(template: Any, params: dict[str, Any]) -> str:
    return str(template) % params


_lazy_format = lazy(_format, str)


def lazy_format(template: Any, **params: Any) -> Any:
    """`_("第 %(row)s 行") % {...}` translated when shown, not when written.

    Plain `%` on a lazy string translates at once in the current language; errors are
    stored and shown in both languages, so the formatting must wait.
    """
    return _lazy_format(template, params)


class BilingualMessage(Exception):
    """An exception whose message is a lazy translation, so it can be shown in any language;
    `messages` gives it in both."""

    def __init__(self, message: Promise | str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)

    @property
    def messages(self) -> dict[str, str]:
        return in_both_languages(self.message)


class BilingualError(BilingualMessage, ValueError):
    """A ValueError whose message is a lazy translation, so it can be shown in any language."""


class MaskingExceptionReporter(ExceptionReporter):
    """Error reports (the DEBUG error page, the e-mail to ADMINS) show a traceback's local
    variables and the request: mask every card number in them before anyone reads them."""

    def get_traceback_html(self) -> SafeString:
        return mark_safe(mask_pans_in_text(super().get_traceback_html()))  # noqa: S308 - masked

    def get_traceback_text(self) -> SafeString:
        return mark_safe(mask_pans_in_text(super().get_traceback_text()))  # noqa: S308 - masked


NOT_ALLOWED = _("您没有权限执行此操作")


class PermissionDeniedError(BilingualMessage, PermissionDenied):
    """The actor may not do this. Raised by the services' `check_*` functions (the one place
    that decides who may change what); a page answers it with the 403 page (Django's handler403,
    templates/403.html), the API with a 403 whose detail is in both languages
    (`core.api.exception_handler`). Being Django's PermissionDenied, nothing else is needed."""

    def __init__(self, message: Promise | str = NOT_ALLOWED) -> None:
        super().__init__(message)
