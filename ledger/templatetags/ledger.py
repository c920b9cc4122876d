"""`{% ledger_marks %}` and `{% ledger_badge %}`: a record's receipt link and, when its row
was changed behind the application's back, the "modified after recording" mark."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from ledger import receipts

register = template.Library()


def _pick(item: Any, attr: str) -> Any:
    if not attr:
        return item
    if isinstance(item, dict):
        return item.get(attr)
    if isinstance(item, tuple | list):
        return item[int(attr)]
    return getattr(item, attr, None)


@register.simple_tag
def ledger_marks(kind: str, objects: Any, attr: str = "") -> dict[int, receipts.Mark]:
    """Marks of all records on a page in two queries; `attr` picks the record from each item
    (a key, an attribute or a tuple position)."""
    if isinstance(objects, models.Model):
        objects = [objects]
    ids = [record.pk for record in (_pick(item, attr) for item in objects or []) if record]
    return receipts.marks(kind, ids)


@register.inclusion_tag("ledger/_badge.html")
def ledger_badge(kind: str, record: Any, marks: dict[int, receipts.Mark]) -> dict[str, Any]:
    return {"kind": kind, "record": record, "mark": marks.get(record.pk) if record else None}
