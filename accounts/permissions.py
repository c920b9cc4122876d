"""Role checks shared by views and the API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import user_passes_test
from rest_framework.permissions import BasePermission


def _is_agent(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_agent)


def _is_merchant(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_merchant_user)


def _is_supervisor(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_supervisor)


def _is_integration(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_integration or user.is_supervisor))


agent_required = user_passes_test(_is_agent)
merchant_required = user_passes_test(_is_merchant)
supervisor_required = user_passes_test(_is_supervisor)


class IsAgent(BasePermission):
    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        return _is_agent(request.user)


class IsSupervisor(BasePermission):
    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        return _is_supervisor(request.user)


class IsIntegration(BasePermission):
    """Machine accounts that push data (and supervisors, who may push by hand)."""

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        return _is_integration(request.user)
