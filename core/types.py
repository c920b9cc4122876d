"""Types shared by every app: who is looking (`Viewer`) and requests whose user is signed in.

`request.user` is `User | AnonymousUser` to the type checker. Views behind a login or role
decorator take an `AuthenticatedHttpRequest`, whose `user` is the project's `User` (the pattern
django-stubs documents), so view code needs no casts or `Any`.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts.models import User

Viewer = User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    user: User
