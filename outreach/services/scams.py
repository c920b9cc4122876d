"""Merchants' reports of scam calls and staff review of them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import check_supervisor
from core.errors import lazy_format
from outreach.models import (
    ScamReport,
)
from outreach.services.common import (
    RequestError,
    parse_number,
)

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def report_scam(
    *,
    reporter: Any,
    number: str,
    kind: str = ScamReport.Kind.CALL,
    claimed_to_be: str = "",
    message: str = "",
    occurred_at: dt.datetime | None = None,
) -> ScamReport:
    """One report per reporter and number (a second one updates the first), so counts mean
    "this many people", not "this many clicks"."""
    normalized = parse_number(number)
    if kind not in ScamReport.Kind.values:
        raise RequestError(lazy_format(_("未知的举报类型“%(value)s”"), value=kind), "kind")
    merchant = reporter.merchants.first() if getattr(reporter, "is_merchant_user", False) else None
    report, _created = ScamReport.objects.update_or_create(
        reporter=reporter,
        number=normalized,
        defaults={
            "kind": kind,
            "claimed_to_be": claimed_to_be.strip()[:100],
            "message": message.strip(),
            "occurred_at": occurred_at,
            "merchant": merchant,
        },
    )
    return report


@transaction.atomic
def review_scam_report(report: ScamReport, *, reviewer: User, status: str, note: str = "") -> None:
    check_supervisor(reviewer)
    if status not in (ScamReport.Status.CONFIRMED, ScamReport.Status.REJECTED):
        raise RequestError(lazy_format(_("未知的审核结论“%(value)s”"), value=status), "status")
    report.status = status
    report.reviewed_by = reviewer
    report.reviewed_at = timezone.now()
    report.review_note = note.strip()[:300]
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
