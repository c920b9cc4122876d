"""What every API endpoint shares: the exception handler that turns a service's refusal
(`core.errors.PermissionDeniedError`) into a 403 response with the reason in both languages,
and the serializer fields that keep responses true to the OpenAPI schema (core/schema.py)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import PermissionDeniedError
from core.schema import TIME_OF_DAY


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, PermissionDeniedError):
        return Response({"detail": exc.messages}, status=status.HTTP_403_FORBIDDEN)
    return drf_exception_handler(exc, context)


class Router(DefaultRouter):
    """The API's router: no `.json` format-suffix routes — nothing uses them, and each is one
    more door (one of them answered every POST with a 500)."""

    include_format_suffixes = False


class BlankAsNullMixin:
    """An optional column stores "" for "none"; the API says null (an enum, a URL or an
    identifier that is "" is none of those — the schema marks the field nullable instead)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(*args, **kwargs)

    def to_representation(self, value: Any) -> Any:
        if value in ("", None):
            return None
        return super().to_representation(value)  # type: ignore[misc]


class OptionalChoiceField(BlankAsNullMixin, serializers.ChoiceField):
    pass


class OptionalURLField(BlankAsNullMixin, serializers.URLField):
    pass


class OptionalCharField(BlankAsNullMixin, serializers.CharField):
    pass


@extend_schema_field(
    {
        **TIME_OF_DAY,
        "description": "time of day in the merchant's time zone (RFC 3339 partial-time)",
        "example": "23:00:00",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day without a zone (a settlement cut-off): `format: time` in OpenAPI means
    RFC 3339 full-time, which needs an offset, so the schema says partial-time instead."""
