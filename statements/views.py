"""The statements page (choose a merchant and a day or a month) and the downloads. A
cashier has no statements: the money is the owner's and managers' business."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import merchant_required
from core import audit
from core.errors import PermissionDeniedError
from core.types import AuthenticatedHttpRequest
from merchants.models import Membership, Merchant
from statements import build, writers

FORMATS = {
    "csv": ("text/csv; charset=utf-8", writers.to_csv),
    "pdf": ("application/pdf", writers.to_pdf),
}


def check_may_see_money(user: User, merchant: Merchant) -> None:
    """Staff, or the merchant's owner or a manager; a cashier gets a 403 that says why."""
    if user.is_agent:
        return
    member = Membership.objects.filter(user=user, merchant=merchant).first()
    if member is None or member.role == Membership.Role.CASHIER:
        raise PermissionDeniedError(_("对账单只对店主和店长开放"))


def _merchants(user: User) -> list[Merchant]:
    mine = Membership.objects.filter(user=user).exclude(role=Membership.Role.CASHIER)
    return list(Merchant.objects.visible_to(user).filter(pk__in=mine.values("merchant_id")))


@merchant_required
def statements_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    context = {
        "merchants": _merchants(request.user),
        "day": yesterday,
        "month": yesterday.replace(day=1),
    }
    return render(request, "statements/statements.html", context)


@login_required
def statement_download(
    request: AuthenticatedHttpRequest, merchant_id: str, period: str, fmt: str
) -> HttpResponse:
    merchant = get_object_or_404(Merchant.objects.visible_to(request.user), merchant_id=merchant_id)
    check_may_see_money(request.user, merchant)
    span = build.parse_period(period)
    if span is None or fmt not in FORMATS:
        message = _("请用 2025-09-30（日对账单）或 2025-09（月对账单），格式为 csv 或 pdf")
        return render(request, "statements/bad_request.html", {"message": message}, status=400)
    first, last = span
    if len(period) == 10:
        statement = build.daily(request.user, merchant, first)
    else:
        statement = build.monthly(request.user, merchant, first, last)
    content_type, write = FORMATS[fmt]
    response = HttpResponse(write(statement), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{statement.filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    audit.exported(request, f"{statement.filename}.{fmt}", merchant=merchant)
    return response
