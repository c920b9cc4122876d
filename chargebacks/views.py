"""Case pages: the merchant's list, a case with its evidence upload, reporting suspected
fraud; the console's list, opening a chargeback from a network notice, and the decision."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import agent_required, merchant_required
from chargebacks import services
from chargebacks.forms import DecideForm, EvidenceForm, OpenCaseForm, ReportFraudForm
from chargebacks.models import Case, Evidence
from chargebacks.reasons import describe
from core.errors import BilingualError
from core.language import current_language
from core.pagination import page_of
from core.types import AuthenticatedHttpRequest
from core.uploads import serve_upload
from merchants.models import Membership, Merchant
from payments.models import Transaction


def _case(request: AuthenticatedHttpRequest, case_no: str) -> Case:
    rows = Case.objects.visible_to(request.user).select_related("merchant", "transaction", "ticket")
    return get_object_or_404(rows, number=case_no)


def _detail(
    request: AuthenticatedHttpRequest, case: Case, template: str, **extra: object
) -> HttpResponse:
    meaning, evidence_hint = describe(case.reason_code, current_language())
    context = {
        "case": case,
        "meaning": meaning,
        "evidence_hint": evidence_hint,
        "evidence": Evidence.objects.visible_to(request.user).filter(case=case),
        "form": EvidenceForm(),
        **extra,
    }
    return render(request, template, context)


@merchant_required
def portal_cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = Case.objects.visible_to(request.user).select_related("merchant")
    return render(request, "chargebacks/portal_cases.html", {"page": page_of(request, rows)})


@merchant_required
@require_http_methods(["GET", "POST"])
def portal_case(request: AuthenticatedHttpRequest, case_no: str) -> HttpResponse:
    case = _case(request, case_no)
    if request.method == "POST":
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_evidence(
                    case, form.cleaned_data["file"], by=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, _("材料已提交，我们会尽快审核"))
                return redirect("portal_case", case_no=case.number)
            except BilingualError as error:
                messages.error(request, str(error))
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(str(error) for error in errors))
    return _detail(request, case, "chargebacks/portal_case.html")


def _reportable(user: User) -> QuerySet[Merchant]:
    """The merchants the user may report fraud for: as owner or manager."""
    mine = Membership.objects.filter(user=user).exclude(role=Membership.Role.CASHIER)
    return Merchant.objects.visible_to(user).filter(pk__in=mine.values("merchant_id"))


@merchant_required
@require_http_methods(["GET", "POST"])
def report_fraud(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReportFraudForm(request.POST or None, merchants=_reportable(request.user))
    if request.method == "POST" and form.is_valid():
        merchant, rrn = form.cleaned_data["merchant"], form.cleaned_data["rrn"]
        txn = None
        if rrn:
            rows = Transaction.objects.visible_to(request.user).filter(merchant=merchant, rrn=rrn)
            txn = rows.first()
            if txn is None:
                form.add_error("rrn", _("没有找到这笔交易，请核对参考号或不填"))
        if not form.errors:
            case = services.open_case(
                Case.Kind.FRAUD,
                merchant,
                by=request.user,
                transaction_row=txn,
                description=form.cleaned_data["description"],
            )
            messages.success(request, _("已转给风控团队，请按页面上的提示处理"))
            return redirect("portal_case", case_no=case.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "chargebacks/report_fraud.html", {"form": form}, status=status)


@login_required
def case_evidence(request: AuthenticatedHttpRequest, case_no: str, pk: int) -> HttpResponseBase:
    row = get_object_or_404(
        Evidence.objects.visible_to(request.user).select_related("case"),
        pk=pk,
        case__number=case_no,
    )
    return serve_upload(row.file, filename=row.original_name, content_type=row.content_type)


@agent_required
def console_cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = Case.objects.visible_to(request.user).select_related("merchant")
    kind = request.GET.get("kind", "")
    if kind in Case.Kind.values:
        rows = rows.filter(kind=kind)
    if request.GET.get("open"):
        rows = rows.open()
    context = {"page": page_of(request, rows), "kind": kind, "kinds": Case.Kind.choices}
    return render(request, "chargebacks/console_cases.html", context)


@agent_required
@require_http_methods(["GET", "POST"])
def console_case_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OpenCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        merchant = Merchant.objects.visible_to(request.user).by_merchant_id(data["merchant_id"])
        txn = None
        if merchant is None:
            form.add_error("merchant_id", _("未知的商户编号"))
        elif data["rrn"]:
            txn = (
                Transaction.objects.visible_to(request.user)
                .filter(merchant=merchant, rrn=data["rrn"])
                .first()
            )
            if txn is None:
                form.add_error("rrn", _("没有找到这笔交易，请核对参考号"))
        if merchant is not None and not form.errors:
            deadline = None
            if data["deadline"]:
                deadline = timezone.make_aware(
                    dt.datetime.combine(data["deadline"], dt.time(23, 59))
                )
            try:
                case = services.open_case(
                    data["kind"],
                    merchant,
                    by=request.user,
                    transaction_row=txn,
                    reason_code=data["reason_code"] or "",
                    deadline=deadline,
                    description=data["description"],
                )
            except BilingualError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("案件已创建，商户已收到通知"))
                return redirect("console_case", case_no=case.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "chargebacks/console_case_new.html", {"form": form}, status=status)


@agent_required
def console_case(request: AuthenticatedHttpRequest, case_no: str) -> HttpResponse:
    case = _case(request, case_no)
    return _detail(request, case, "chargebacks/console_case.html", decide=DecideForm())


@agent_required
@require_POST
def console_case_decide(request: AuthenticatedHttpRequest, case_no: str) -> HttpResponse:
    case = _case(request, case_no)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.decide(
                case, form.cleaned_data["status"], by=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("已记录结果并通知商户"))
        except BilingualError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("请选择结果"))
    return redirect("console_case", case_no=case.number)


@agent_required
@require_POST
def console_case_evidence(request: AuthenticatedHttpRequest, case_no: str) -> HttpResponse:
    case = _case(request, case_no)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(
                case, form.cleaned_data["file"], by=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("材料已上传"))
        except BilingualError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("请选择文件"))
    return redirect("console_case", case_no=case.number)
