"""Who may do what, in one place.

- Services that change data call a `check_*` function first (Zulip's `check_*` / `do_*` split):
  it returns the actor as a `User` or raises `core.errors.PermissionDeniedError`, which the
  project turns into the 403 page or a 403 API response — views and API views do not repeat it.
- Pages choose who may open them with the `*_required` decorators: an anonymous visitor goes to
  the login page, a signed-in user of another role gets the 403 page saying why (signing in
  again would not help); API views with the `Is*` permission classes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User
from core.errors import PermissionDeniedError
from core.scoping import is_active_user

if TYPE_CHECKING:
    from core.types import Viewer


def _is_agent(user: Viewer) -> bool:
    return is_active_user(user) and isinstance(user, User) and user.is_agent


def _is_merchant(user: Viewer) -> bool:
    return is_active_user(user) and isinstance(user, User) and user.is_merchant_user


def _is_supervisor(user: Viewer) -> bool:
    return is_active_user(user) and isinstance(user, User) and user.is_supervisor


STAFF_ONLY = _("只有客服人员可以执行此操作")
SUPERVISORS_ONLY = _("只有主管可以执行此操作")


def check_staff(actor: Viewer | None, message: Promise | str = STAFF_ONLY) -> User:
    """The actor, if they are active staff of any tier; else PermissionDeniedError."""
    if actor is None or not _is_agent(actor):
        raise PermissionDeniedError(message)
    assert isinstance(actor, User)
    return actor


def check_supervisor(actor: Viewer | None, message: Promise | str = SUPERVISORS_ONLY) -> User:
    """The actor, if they are an active supervisor or admin; else PermissionDeniedError."""
    if actor is None or not _is_supervisor(actor):
        raise PermissionDeniedError(message)
    assert isinstance(actor, User)
    return actor


def _is_integration(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_integration or user.is_supervisor))


AGENT_PAGE = _("此页面仅供客服人员使用，您的账号没有查看权限。")
MERCHANT_PAGE = _("此页面是商户门户，仅供商户账号使用。客服人员请在工作台查看商户。")
SUPERVISOR_PAGE = _("此页面仅供主管使用，您的账号没有查看权限。")


def _role_required(
    test: Callable[[Viewer], bool], reason: Promise
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A page for one role: anonymous → the login page; signed in as another role → 403 with
    `reason` (core.error_views renders it)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                raise PermissionDeniedError(reason)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


agent_required = _role_required(_is_agent, AGENT_PAGE)
merchant_required = _role_required(_is_merchant, MERCHANT_PAGE)
supervisor_required = _role_required(_is_supervisor, SUPERVISOR_PAGE)


class IsAgent(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return _is_agent(request.user)


class IsSupervisor(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return _is_supervisor(request.user)


class IsIntegration(BasePermission):
    """Machine accounts that push data (and supervisors, who may push by hand)."""

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        return _is_integration(request.user)
