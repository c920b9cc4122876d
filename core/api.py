"""What every API endpoint shares: the exception handler that turns a service's refusal
(`core.errors.PermissionDeniedError`) into a 403 response with the reason in both languages."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import PermissionDeniedError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, PermissionDeniedError):
        return Response({"detail": exc.messages}, status=status.HTTP_403_FORBIDDEN)
    return drf_exception_handler(exc, context)
