"""The OpenAPI schema's shared parts: the error answers every operation can give.

An endpoint documents its own success answers (and any error with a body of its own) with
`extend_schema`; `PoscareAutoSchema` adds the errors that come from the framework around it,
each only where it can happen:

- 400 — the request body or a query parameter is invalid (field → message(s), or `detail`);
- 401 — a token or session is missing (where sign-in is required) or wrong (everywhere);
- 403 — the role may not do this (a permission class or a service's `PermissionDeniedError`),
  or a signed-in browser session sent an unsafe method without its CSRF token;
- 404 — the object in the path, or the page of a list, does not exist or is not visible;
- 413 — the body is over `MAX_REQUEST_BODY_BYTES`;
- 415 — the body is not one of the accepted media types;
- 429 — a rate limit (throttle) is exceeded.

`core/tests/test_api_schema.py` holds every response of every operation to this.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

from core.identifiers import MERCHANT_ID_PATTERN, TERMINAL_ID_PATTERN

# Parameter schemas (OpenApiParameter accepts a schema as its type).
MERCHANT_ID = {
    "type": "string",
    "pattern": rf"^{MERCHANT_ID_PATTERN}$",
    "example": "898100000000001",
}
TERMINAL_ID = {"type": "string", "pattern": rf"^{TERMINAL_ID_PATTERN}$", "example": "A0000001"}
# A time of day without a zone (a settlement cut-off): OpenAPI's `format: time` is RFC 3339
# full-time, which needs an offset; this is RFC 3339 partial-time, with or without seconds.
TIME_OF_DAY = {
    "type": "string",
    "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
    "example": "23:00",
}

BILINGUAL = {
    "type": "object",
    "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
    "required": ["zh", "en"],
}
# A message in the caller's language (DRF's own) or in both.
MESSAGE = {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/Bilingual"}]}

COMPONENTS = {
    "Bilingual": BILINGUAL,
    "Error": {
        "type": "object",
        "properties": {"detail": MESSAGE},
        "required": ["detail"],
    },
    "ValidationError": {
        "type": "object",
        "description": "field name (`detail`, `non_field_errors` for the whole request) → "
        "its message(s)",
        "additionalProperties": {
            "anyOf": [
                *MESSAGE["oneOf"],
                {"type": "array", "items": {}},
                {"type": "object", "additionalProperties": {}},
            ]
        },
    },
}


def api_error(code: int, description: str = "") -> OpenApiResponse:
    """An error a view answers itself, for its `extend_schema(responses={…})`; e.g. 404 for an
    unknown merchant named in the body or the query string."""
    name = "ValidationError" if code == 400 else "Error"
    return OpenApiResponse(
        {"$ref": f"#/components/schemas/{name}"},
        description=description or DESCRIPTIONS[str(code)],
    )


def error_response(code: int | str, description: str = "") -> dict[str, Any]:
    """The OpenAPI response object for an error status."""
    name = "ValidationError" if str(code) == "400" else "Error"
    return {
        "description": description or DESCRIPTIONS[str(code)],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


DESCRIPTIONS = {
    "400": "invalid request",
    "401": "not signed in, or a wrong token",
    "403": "not allowed for this user",
    "404": "not found, or not visible to this user",
    "413": "request body too large",
    "415": "unsupported media type",
    "429": "too many requests",
}

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _only_open(view: Any) -> bool:
    return all(isinstance(p, AllowAny) for p in view.get_permissions())


class PoscareAutoSchema(AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for name, schema in COMPONENTS.items():
            self.registry.register_on_missing(
                ResolvedComponent(
                    name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
                )
            )
        responses = operation["responses"]
        for code in self._error_codes(operation):
            responses.setdefault(code, error_response(code))
        return operation

    def _error_codes(self, operation: dict[str, Any]) -> list[str]:
        view = self.view
        has_body = "requestBody" in operation
        parameters = operation.get("parameters", [])
        has_query = any(p.get("in") == "query" for p in parameters)
        codes = []
        if has_body or has_query:
            codes.append("400")
        codes.append("401")  # a wrong token is refused even where no sign-in is needed
        if not _only_open(view) or self.method in UNSAFE:
            codes.append("403")
        if any(p.get("in") == "path" for p in parameters) or any(
            p.get("name") == "page" for p in parameters
        ):
            codes.append("404")
        if has_body:
            codes += ["413", "415"]
        if view.get_throttles():
            codes.append("429")
        return codes


def drop_trailing_slash_aliases(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[Any]:
    """`/api/transactions/batch` and `/api/transactions/batch/` are one endpoint (host systems
    call either): the schema shows it once, as the README names it (without the slash)."""
    served = {(path, method) for path, _regex, method, _view in endpoints}
    return [
        (path, regex, method, view)
        for path, regex, method, view in endpoints
        if not (path.endswith("/") and (path[:-1], method) in served)
    ]
