"""Uploaded files: where they are kept, what is accepted, and how they are served back.

Every app that takes a file (ticket photos, import files, chargeback evidence, …) uses these:

- `RandomName("desk")` as `upload_to`: a random name under a prefix, never the uploader's
  name (which can be guessed, or carry a card number) nor a sequence;
- `sniff_type(upload, allowed)`: the content type from the first bytes, not from the name or
  the browser's word, and `check_upload(...)` for size + type with a bilingual error;
- `serve_upload(...)`: a response for a file the view has already scoped. With
  `UPLOAD_SERVING=x-accel-redirect` (nginx) or `x-sendfile` (Apache) the web server sends
  the bytes from an internal location; there is no public /media/ route in any mode.
"""

from __future__ import annotations

import posixpath
import uuid
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from core.errors import BilingualError, lazy_format

JPEG, PNG, WEBP, PDF, XLSX, CSV = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv",
)
IMAGES_AND_PDF = (JPEG, PNG, WEBP, PDF)
SPREADSHEETS = (CSV, XLSX)
_NAMES = {JPEG: "JPEG", PNG: "PNG", WEBP: "WebP", PDF: "PDF", XLSX: "XLSX", CSV: "CSV"}
_SIGNATURES = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"%PDF-", PDF),
    (b"PK\x03\x04", XLSX),
)


class UploadError(BilingualError):
    pass


@deconstructible
class RandomName:
    """`upload_to` callable: '<prefix>/<yyyy>/<32 random hex><extension of the type>'."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, instance: Any, filename: str) -> str:
        from django.utils import timezone

        extension = posixpath.splitext(filename)[1].lower()[:8]
        if not extension.isascii() or not extension[1:].isalnum():
            extension = ""
        return f"{self.prefix}/{timezone.now():%Y}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.prefix == self.prefix


def sniff_type(upload: Any) -> str | None:
    """The content type from the first bytes: JPEG, PNG, WebP, PDF, XLSX, or CSV (text)."""
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head and b"\x00" not in head:
        return CSV
    return None


def check_upload(upload: UploadedFile, *, allowed: tuple[str, ...], max_bytes: int) -> str:
    """The content type of an acceptable upload; UploadError (zh/en) otherwise."""
    name = upload.name or ""
    if upload.size is None or upload.size > max_bytes:
        raise UploadError(
            lazy_format(
                _("文件“%(name)s”超过 %(limit)s MB 的大小限制"),
                name=name,
                limit=max_bytes // (1024 * 1024),
            )
        )
    content_type = sniff_type(upload)
    if content_type not in allowed:
        kinds = "、".join(_NAMES[t] for t in allowed)
        raise UploadError(
            lazy_format(_("文件“%(name)s”的内容不是 %(kinds)s"), name=name, kinds=kinds)
        )
    return content_type


def serve_upload(file: FieldFile, *, filename: str, content_type: str) -> HttpResponseBase:
    """Send a stored upload that the caller may see (the view scopes it first)."""
    mode = getattr(settings, "UPLOAD_SERVING", "django")
    disposition = "inline" if content_type in (JPEG, PNG, WEBP, PDF) else "attachment"
    if mode == "django":
        response: HttpResponseBase = FileResponse(
            file.open("rb"), content_type=content_type, filename=filename
        )
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    else:
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
        if mode == "x-accel-redirect":
            response["X-Accel-Redirect"] = settings.UPLOAD_INTERNAL_URL + quote(file.name or "")
        else:
            response["X-Sendfile"] = file.path
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
