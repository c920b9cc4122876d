"""Receipt photos and scans attached to tickets, checked by their first bytes and size."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import lazy_format
from desk.models import (
    Attachment,
    Ticket,
)
from desk.services.common import (
    ATTACHMENT_SIGNATURES,
    MAX_ATTACHMENT_BYTES,
    DeskError,
)


def validate_attachment(upload: UploadedFile) -> str:
    """The content type of an acceptable receipt photo or scan; DeskError otherwise."""
    name = upload.name or ""
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise DeskError(
            lazy_format(
                _("附件“%(name)s”超过 %(limit)s MB 的大小限制"),
                name=name,
                limit=MAX_ATTACHMENT_BYTES // (1024 * 1024),
            )
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in ATTACHMENT_SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    raise DeskError(lazy_format(_("附件“%(name)s”不是 JPEG、PNG、WebP 图片或 PDF 文件"), name=name))


def _attach(ticket: Ticket, upload: UploadedFile, content_type: str, by: Any) -> Attachment:
    return Attachment.objects.create(
        ticket=ticket,
        file=upload,
        original_name=(upload.name or "")[:200],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=by if getattr(by, "pk", None) else None,
    )


@transaction.atomic
def attach_file(ticket: Ticket, upload: UploadedFile, *, by: Any) -> Attachment:
    content_type = validate_attachment(upload)
    return _attach(ticket, upload, content_type, by)
