"""Merchants' reports of scam calls and staff review of them.

Signed-in users report from the portal; anyone may report from the public verify page, without
an account and without a captcha. What keeps that honest:

- a report from the verify page needs a *report pass* (`report_pass`), signed and good for an
  hour, that only a verify look-up of that number hands out — and look-ups are rate-limited per
  address (`VerifyThrottle`);
- reports themselves are rate-limited per address (`ScamReportThrottle`), one address is one
  voice per number (a keyed digest of the address, never the address, is kept);
- no report counts in public until a supervisor confirms it (`ScamReport.objects.counted()`),
  so flooding the queue brands no number; card numbers in the text are masked on the way in
  (`core.middleware.PanMaskingMiddleware`, and again here).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import check_supervisor
from core.errors import lazy_format
from core.masking import mask_pans_in_text
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
            "claimed_to_be": mask_pans_in_text(claimed_to_be.strip())[:100],
            "message": mask_pans_in_text(message.strip()),
            "occurred_at": occurred_at,
            "merchant": merchant,
        },
    )
    return report


REPORT_PASS_SALT = "outreach.scam-report-pass"
REPORT_PASS_MAX_AGE = 60 * 60  # seconds: report within the hour after checking the number


def report_pass(number: str) -> str:
    """The signed pass a verify look-up of `number` hands out for reporting it anonymously."""
    return signing.dumps(parse_number(number), salt=REPORT_PASS_SALT, compress=False)


def number_of_pass(token: str) -> str | None:
    """The number a report pass was issued for, or None if it is forged or over an hour old."""
    try:
        value = signing.loads(token, salt=REPORT_PASS_SALT, max_age=REPORT_PASS_MAX_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None


def reporter_digest(address: str) -> str:
    """A keyed digest of an anonymous reporter's address: the same address gives the same
    digest (one voice per number), and the address cannot be read back from it."""
    key = hashlib.sha256(("outreach.scam-reporter:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def report_scam_anonymously(
    *,
    token: str,
    address: str,
    kind: str = ScamReport.Kind.CALL,
    claimed_to_be: str = "",
    message: str = "",
    occurred_at: dt.datetime | None = None,
) -> ScamReport:
    """A report from the public verify page: the number comes from the report pass, not from
    the form, so only a number that was just checked can be reported."""
    number = number_of_pass(token)
    if number is None:
        raise RequestError(
            _("举报链接已过期，请重新核实这个号码后再举报。"),
            "number",
        )
    if kind not in ScamReport.Kind.values:
        raise RequestError(lazy_format(_("未知的举报类型“%(value)s”"), value=kind), "kind")
    report, _created = ScamReport.objects.update_or_create(
        reporter=None,
        reporter_digest=reporter_digest(address),
        number=number,
        defaults={
            "kind": kind,
            "claimed_to_be": mask_pans_in_text(claimed_to_be.strip())[:100],
            "message": mask_pans_in_text(message.strip())[:2000],
            # A second report from one address replaces the first; a reviewed one keeps its
            # verdict, so resubmitting cannot undo a rejection.
            "occurred_at": occurred_at,
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
