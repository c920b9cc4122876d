"""Receipt photos and scans attached to tickets, checked by their first bytes and size."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from core.uploads import IMAGES_AND_PDF, UploadError, check_upload
from desk.models import (
    Attachment,
    Ticket,
)
from desk.services.common import MAX_ATTACHMENT_BYTES, DeskError

if TYPE_CHECKING:
    from accounts.models import User


def validate_attachment(upload: UploadedFile) -> str:
    """The content type of an acceptable receipt photo or scan; DeskError otherwise."""
    try:
        return check_upload(upload, allowed=IMAGES_AND_PDF, max_bytes=MAX_ATTACHMENT_BYTES)
    except UploadError as error:
        raise DeskError(error.message) from None


def _attach(ticket: Ticket, upload: UploadedFile, content_type: str, by: User | None) -> Attachment:
    return Attachment.objects.create(
        ticket=ticket,
        file=upload,
        original_name=(upload.name or "")[:200],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=by if getattr(by, "pk", None) else None,
    )


@transaction.atomic
def attach_file(ticket: Ticket, upload: UploadedFile, *, by: User | None) -> Attachment:
    content_type = validate_attachment(upload)
    return _attach(ticket, upload, content_type, by)
