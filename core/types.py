"""Types shared by every app: who is looking (`Viewer`) and requests whose user is signed in.

`request.user` is `User | AnonymousUser` to the type checker. Views behind a login or role
decorator take an `AuthenticatedHttpRequest`, API views behind `IsAuthenticated` (the default)
an `AuthenticatedRequest`, whose `user` is the project's `User` (the pattern django-stubs
documents), so view code needs no casts or `Any`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from accounts.models import User

Viewer = User | AnonymousUser

# What an app's demo module (`load(rng, log)`) writes its progress lines to: the command's stdout.
DemoLog = Callable[[str], object]


class HtmxHttpRequest(HttpRequest):
    """Any request: django-htmx's middleware adds `request.htmx`."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User


class AuthenticatedRequest(Request):
    """A DRF request on an endpoint that requires authentication (the project's default)."""

    user: User


def member_or_none(viewer: Viewer | None) -> User | None:
    """The signed-in user, or None for an anonymous visitor."""
    return viewer if isinstance(viewer, User) else None


def user_of(request: HttpRequest | Request) -> User:
    """The user of a request that passed authentication, as a `User` — for methods whose
    signature a framework fixes (DRF's `create`, `update`)."""
    user = request.user
    assert isinstance(user, User), "only for views behind authentication"
    return user
