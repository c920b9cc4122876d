"""Pages: transaction look-ups (portal and console), the transaction page with its
explanation and settlement date, payouts, funds-not-arrived checks, double charges."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import agent_required
from core.language import current_language
from core.types import AuthenticatedHttpRequest
from merchants.models import Merchant
from payments.forms import FundsInvestigationForm, TransactionLookupForm
from payments.models import DisputeCase, Investigation, Payout, Transaction
from payments.services import (
    DisputeError,
    explain_many,
    explain_transaction,
    find_duplicate_charges,
    investigate_funds,
    open_dispute,
    settlement_eta_for,
)

LIST_LIMIT = 100


def _channel(request: HttpRequest) -> str:
    return "phone" if getattr(request.user, "is_agent", False) else "portal"


def _lookup(request: AuthenticatedHttpRequest, template: str) -> HttpResponse:
    form = TransactionLookupForm(request.GET or None)
    merchants = Merchant.objects.visible_to(request.user)
    # Merchants and terminals in two look-ups of their own: joined in, PostgreSQL would join
    # every row of the window (30 days of all merchants for an agent) before keeping 100.
    queryset = Transaction.objects.visible_to(request.user).prefetch_related("merchant", "terminal")
    rows: list = []
    if form.is_bound and not form.is_valid():
        queryset = queryset.none()
    else:
        if not form.is_bound:
            form = TransactionLookupForm({})
            form.is_valid()
        queryset = form.apply(queryset)
        rows = explain_many(list(queryset.order_by("-local_time")[:LIST_LIMIT]), current_language())
    context = {
        "form": form,
        "rows": rows,
        "limit": LIST_LIMIT,
        "merchants": merchants if not request.user.is_agent else None,
    }
    if request.htmx:
        return render(request, "payments/_transaction_rows.html", context)
    return render(request, template, context)


@login_required
def portal_transactions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Merchant look-ups, mobile first."""
    return _lookup(request, "payments/portal_transactions.html")


@agent_required
def console_transactions(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _lookup(request, "payments/console_transactions.html")


def _visible_transaction(request: HttpRequest, pk: int) -> Transaction:
    return get_object_or_404(
        Transaction.objects.visible_to(request.user).select_related(
            "merchant", "terminal", "original"
        ),
        pk=pk,
    )


@login_required
def transaction_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    txn = _visible_transaction(request, pk)
    language = current_language()
    eta = settlement_eta_for(txn)
    duplicates = (
        find_duplicate_charges(
            txn.merchant,
            since=txn.local_time - dt.timedelta(hours=1),
            until=txn.local_time + dt.timedelta(hours=1),
            card_last4=txn.card_last4 or None,
            amount_fen=txn.amount,
        )
        if txn.card_last4
        else []
    )
    context = {
        "txn": txn,
        "explanation": explain_transaction(txn, language, eta=eta),
        "eta": eta,
        "eta_text": eta.explanation(language),
        "adjustments": txn.adjustments.select_related("terminal").order_by("local_time"),
        "investigations": Investigation.objects.visible_to(request.user)
        .filter(transaction_id=txn.pk)
        .select_related("ticket")[:5],
        "duplicates": [d for d in duplicates if txn.pk in (d.first.pk, d.second.pk)],
        "back": "console_transactions" if request.user.is_agent else "portal_transactions",
    }
    return render(request, "payments/transaction_detail.html", context)


@login_required
@require_POST
def investigate_transaction(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    txn = _visible_transaction(request, pk)
    investigation = investigate_funds(
        txn.merchant, txn=txn, opened_by=request.user, channel=_channel(request)
    )
    if request.htmx:
        return render(request, "payments/_investigation.html", {"investigation": investigation})
    return redirect("investigation_detail", pk=investigation.pk)


@login_required
def payouts(request: AuthenticatedHttpRequest) -> HttpResponse:
    merchants = Merchant.objects.visible_to(request.user)
    payout_list = Payout.objects.visible_to(request.user).select_related("merchant")
    merchant_id = request.GET.get("merchant_id", "").strip()
    if merchant_id:
        payout_list = payout_list.filter(merchant__merchant_id=merchant_id)
    own = None if getattr(request.user, "is_agent", False) else merchants.first()
    form = FundsInvestigationForm(
        initial={
            "merchant_id": merchant_id or (own.merchant_id if own else ""),
            "date": timezone.localdate() - dt.timedelta(days=1),
        }
    )
    context = {
        "payouts": payout_list[:100],
        "form": form,
        "merchant_id": merchant_id,
        "investigations": Investigation.objects.visible_to(request.user).select_related("merchant")[
            :10
        ],
    }
    return render(request, "payments/payouts.html", context)


@login_required
@require_POST
def investigate_day(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FundsInvestigationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写商户编号和交易日期"))
        return redirect("payouts")
    merchant = Merchant.objects.visible_to(request.user).by_merchant_id(
        form.cleaned_data["merchant_id"]
    )
    if merchant is None:
        raise Http404(_("没有找到该商户"))
    investigation = investigate_funds(
        merchant, date=form.cleaned_data["date"], opened_by=request.user, channel=_channel(request)
    )
    return redirect("investigation_detail", pk=investigation.pk)


@login_required
def investigation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = get_object_or_404(
        Investigation.objects.visible_to(request.user).select_related(
            "merchant", "transaction", "ticket"
        ),
        pk=pk,
    )
    return render(request, "payments/investigation_detail.html", {"investigation": investigation})


@login_required
def duplicates(request: AuthenticatedHttpRequest, merchant_id: str) -> HttpResponse:
    merchant = get_object_or_404(Merchant.objects.visible_to(request.user), merchant_id=merchant_id)
    days = 30
    found = find_duplicate_charges(merchant, since=timezone.now() - dt.timedelta(days=days))
    cases = (
        DisputeCase.objects.visible_to(request.user)
        .filter(merchant=merchant)
        .select_related("ticket")[:20]
    )
    return render(
        request,
        "payments/duplicates.html",
        {"merchant": merchant, "duplicates": found, "cases": cases, "days": days},
    )


@login_required
@require_POST
def open_dispute_view(request: AuthenticatedHttpRequest, merchant_id: str) -> HttpResponse:
    merchant = get_object_or_404(Merchant.objects.visible_to(request.user), merchant_id=merchant_id)
    visible = Transaction.objects.visible_to(request.user).filter(merchant=merchant)
    try:
        first = visible.get(pk=int(request.POST.get("first", "0")))
        second = visible.get(pk=int(request.POST.get("second", "0")))
    except (Transaction.DoesNotExist, ValueError):
        raise Http404(_("没有找到这两笔交易")) from None
    try:
        case = open_dispute(first, second, opened_by=request.user, channel=_channel(request))
    except DisputeError as error:
        messages.error(request, str(error))
        return redirect("duplicate_charges", merchant_id=merchant.merchant_id)
    if case.ticket is not None:
        messages.success(
            request, _("已登记重复扣款争议，工单号 %(ticket)s") % {"ticket": case.ticket.number}
        )
    else:
        messages.success(request, _("已登记重复扣款争议（案件 %(case)s）") % {"case": case.pk})
    return redirect("duplicate_charges", merchant_id=merchant.merchant_id)
