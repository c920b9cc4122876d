from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import agent_required, merchant_required, supervisor_required
from core.client_ip import client_ip
from core.language import current_language
from core.masking import mask_phone
from core.pagination import page_of
from core.phones import display_phone
from core.types import AuthenticatedHttpRequest
from merchants.models import Merchant
from outreach import analytics, services
from outreach.forms import (
    AnonymousScamReportForm,
    CampaignForm,
    ContactRequestForm,
    FewerContactsForm,
    LogCallForm,
    PreferenceForm,
    ReviewForm,
    ScamReportForm,
    VerifyForm,
)
from outreach.models import (
    CallTask,
    Campaign,
    ContactAttempt,
    ContactPreference,
    ContactRequest,
    FrequencyComplaint,
    ScamReport,
)
from outreach.throttles import ScamReportThrottle, VerifyThrottle
from outreach.vocabulary import CHANNELS, PURPOSES

# ---------------------------------------------------------------------------------------------
# Public: "was that call really from us?"


@require_http_methods(["GET", "POST"])
def verify_contact(request: HttpRequest) -> HttpResponse:
    # Bound on every POST, even an empty one: a throttled request adds its error to the form.
    form = VerifyForm(request.POST if request.method == "POST" else None)
    result = None
    status = 200
    if request.method == "POST":
        throttle = VerifyThrottle()
        if not throttle.allow_request(request, None):  # type: ignore[arg-type]
            status = 429
            form.add_error(None, _("查询过于频繁，请稍后再试。紧急情况请直接拨打官方热线。"))
        elif form.is_valid():
            try:
                result = services.verify_contact(
                    form.cleaned_data["number"],
                    form.cleaned_data["code"],
                    form.cleaned_data["time"],
                    user=request.user,
                )
            except services.RequestError as error:
                form.add_error("number", str(error))
    report_url = ""
    if result is not None and result.verdict != "ours":
        # Signed-in users report from the portal form; anyone else with a pass for this number.
        query = urlencode({"number": result.number})
        if not request.user.is_authenticated:
            query = urlencode({"pass": services.report_pass(form.cleaned_data["number"])})
        report_url = f"{reverse('scam_report_new')}?{query}"
    context = {
        "form": form,
        "result": result,
        "lang": current_language(),
        "report_url": report_url,
    }
    return render(request, "outreach/verify.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# Merchant portal


@merchant_required
def contact_history(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Who contacted me, when and why" for the merchant user's merchants."""
    attempts = ContactAttempt.objects.visible_to(request.user).select_related("merchant")
    page = page_of(request, attempts)
    rows = [(a, a.to_display_for(request.user)) for a in page]
    merchants = Merchant.objects.visible_to(request.user).select_related("contact_preference")
    return render(
        request,
        "outreach/contact_history.html",
        {"page": page, "rows": rows, "merchants": merchants},
    )


def _own_merchant(request: HttpRequest, merchant_id: str) -> Merchant:
    return get_object_or_404(Merchant.objects.visible_to(request.user), merchant_id=merchant_id)


@merchant_required
@require_http_methods(["GET", "POST"])
def contact_preferences(request: AuthenticatedHttpRequest, merchant_id: str) -> HttpResponse:
    merchant = _own_merchant(request, merchant_id)
    current = ContactPreference.objects.filter(merchant=merchant).first() or ContactPreference(
        merchant=merchant
    )
    form = PreferenceForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.update_preferences(merchant, user=request.user, **values)
        messages.success(request, _("已保存。之后的联系会按新的设置安排。"))
        return redirect("contact_preferences", merchant_id=merchant.merchant_id)
    return render(
        request,
        "outreach/preferences.html",
        {"merchant": merchant, "form": form, "fewer_form": FewerContactsForm()},
    )


@merchant_required
@require_POST
def fewer_contacts(request: AuthenticatedHttpRequest, merchant_id: str) -> HttpResponse:
    merchant = _own_merchant(request, merchant_id)
    form = FewerContactsForm(request.POST)
    if form.is_valid():
        services.ask_for_fewer_contacts(
            merchant,
            user=request.user,
            note=form.cleaned_data["note"],
            purpose=form.cleaned_data["purpose"],
        )
        messages.success(
            request,
            _("收到。今后不再向您发送营销和调查，非紧急事项只通过站内消息或邮件联系。"),
        )
    return redirect("contact_preferences", merchant_id=merchant.merchant_id)


@require_http_methods(["GET", "POST"])
def scam_report_new(request: HttpRequest) -> HttpResponse:
    """Report a number: signed-in users from the portal, anyone from a verify result."""
    if not request.user.is_authenticated:
        return _anonymous_scam_report(request)
    return _signed_in_scam_report(request)  # type: ignore[arg-type]


def _anonymous_scam_report(request: HttpRequest) -> HttpResponse:
    """No account, no captcha: the report pass from a verify look-up, a per-address limit, a
    bot trap, and nothing counts in public before a supervisor confirms it (services.scams)."""
    token = request.POST.get("report_pass") or request.GET.get("pass", "")
    number = services.number_of_pass(token) if token else None
    form = AnonymousScamReportForm(request.POST or None, initial={"report_pass": token})
    status = 200
    if request.method == "POST":
        throttle = ScamReportThrottle()
        if not throttle.allow_request(request, None):  # type: ignore[arg-type]
            status = 429
            form.add_error(None, _("举报过于频繁，请稍后再试。"))
        elif form.is_valid():
            thanks = _("谢谢，举报已提交。主管审核确认后，才会计入核实结果中的举报数。")
            if not form.cleaned_data["website"]:  # a bot filled the trap: thank it, keep nothing
                data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
                token = data.pop("report_pass")
                try:
                    services.report_scam_anonymously(
                        token=token, address=client_ip(request), **data
                    )
                except services.RequestError as error:
                    form.add_error(None, str(error))
                    thanks = ""
            if thanks:
                messages.success(request, thanks)
                return redirect("verify_contact")
    return render(
        request,
        "outreach/scam_report_public.html",
        {"form": form, "number": display_phone(number) if number else ""},
        status=status,
    )


def _signed_in_scam_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ScamReportForm(request.POST or None, initial={"number": request.GET.get("number", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.report_scam(reporter=request.user, **form.cleaned_data)
        except services.RequestError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("谢谢，举报已提交，主管会尽快审核。"))
            return redirect("scam_report_new")
    mine = ScamReport.objects.visible_to(request.user).filter(reporter_id=request.user.pk)[:20]
    return render(request, "outreach/scam_report.html", {"form": form, "mine": mine})


# ---------------------------------------------------------------------------------------------
# Console: requests and the call list


@agent_required
@require_http_methods(["GET", "POST"])
def requests_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ContactRequestForm(
        request.POST or None,
        user=request.user,
        initial={"merchant_id": request.GET.get("merchant", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = services.file_request(
                merchant=data["merchant_id"],
                purpose=data["purpose"],
                urgency=data["urgency"],
                channels=data["channels"],
                subject=data["subject"],
                content=data["content"],
                dedupe_key=data["dedupe_key"],
                expires_at=data["expires_at"],
                justification=data["justification"],
                requested_by=request.user,
                source="console",
            )
        except services.RequestError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error))
        else:
            return redirect("outreach_request", pk=filed.pk)
    status = request.GET.get("status", "")
    requests = ContactRequest.objects.visible_to(request.user).select_related(
        "merchant", "requested_by"
    )
    if status in ContactRequest.Status.values:
        requests = requests.filter(status=status)
    page = page_of(request, requests)
    return render(
        request,
        "outreach/requests.html",
        {"form": form, "page": page, "status": status, "statuses": ContactRequest.Status.choices},
    )


@agent_required
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact_request = get_object_or_404(
        ContactRequest.objects.visible_to(request.user).select_related(
            "merchant", "requested_by", "merged_into"
        ),
        pk=pk,
    )
    attempts = contact_request.attempts.select_related("agent")
    return render(
        request,
        "outreach/request_detail.html",
        {
            "req": contact_request,
            "reasons": contact_request.reasons_in(current_language()),
            "attempts": [(a, a.to_display_for(request.user)) for a in attempts],
        },
    )


@agent_required
def call_tasks(request: AuthenticatedHttpRequest) -> HttpResponse:
    tasks = (
        CallTask.objects.visible_to(request.user)
        .open()
        .select_related("merchant", "request", "assigned_to", "registered_number")
    )
    return render(request, "outreach/call_tasks.html", {"tasks": tasks, "now": timezone.now()})


@agent_required
@require_http_methods(["GET", "POST"])
def call_task(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(
        CallTask.objects.visible_to(request.user).select_related(
            "merchant", "request", "assigned_to", "registered_number"
        ),
        pk=pk,
    )
    form = LogCallForm(
        request.POST or None, initial={"registered_number": task.registered_number_id}
    )
    if request.method == "POST" and "claim" in request.POST:
        if not services.claim_call(task, request.user):
            messages.error(request, _("该任务已被其他坐席领取。"))
        return redirect("call_task", pk=task.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_call(
                task,
                agent=request.user,
                outcome=form.cleaned_data["outcome"],
                summary=form.cleaned_data["summary"],
                registered_number=form.cleaned_data["registered_number"],
            )
        except services.RequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("通话结果已记录。"))
            return redirect("call_tasks")
    attempts = task.request.attempts.all()
    sees = request.user.sees_contact_phones
    contact_phone = display_phone(task.phone) if sees else mask_phone(task.phone)
    return render(
        request,
        "outreach/call_task.html",
        {"task": task, "form": form, "attempts": attempts, "contact_phone": contact_phone},
    )


# ---------------------------------------------------------------------------------------------
# Supervisors: frequency, campaigns, scam reports, complaints


@supervisor_required
def frequency(request: AuthenticatedHttpRequest) -> HttpResponse:
    lang = current_language()
    series = analytics.weekly_series()
    purpose_names = {k: (v[0] if lang == "zh" else v[1]) for k, v in PURPOSES.items()}
    channel_names = {k: (v[0] if lang == "zh" else v[1]) for k, v in CHANNELS.items()}
    chart = {
        "labels": series["labels"],
        "purposes": [
            {"label": purpose_names[k], "data": v} for k, v in sorted(series["purposes"].items())
        ],
        "channels": [
            {"label": channel_names[k], "data": v} for k, v in sorted(series["channels"].items())
        ],
    }
    complaints = FrequencyComplaint.objects.visible_to(request.user).select_related(
        "merchant", "raised_by"
    )[:30]
    overrides = (
        ContactRequest.objects.visible_to(request.user)
        .filter(override=True)
        .select_related("merchant", "requested_by")[:20]
    )
    context = {
        "overview": analytics.overview(),
        "flagged": analytics.flagged_merchants(),
        "complaints": complaints,
        "overrides": overrides,
        "chart": chart,
        "lang": lang,
    }
    return render(request, "outreach/frequency.html", context)


@supervisor_required
@require_POST
def complaint_resolve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(FrequencyComplaint.objects.visible_to(request.user), pk=pk)
    services.resolve_complaint(complaint, user=request.user)
    return redirect("outreach_frequency")


@supervisor_required
@require_http_methods(["GET", "POST"])
def campaigns(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        campaign = form.save(commit=False)
        campaign.created_by = request.user
        campaign.save()
        services.simulate_campaign(campaign)
        return redirect("campaign_detail", pk=campaign.pk)
    return render(
        request,
        "outreach/campaigns.html",
        {"form": form, "campaigns": Campaign.objects.select_related("created_by")[:30]},
    )


@supervisor_required
@require_http_methods(["GET", "POST"])
def campaign_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    if request.method == "POST":
        if "simulate" in request.POST:
            services.simulate_campaign(campaign)
        elif "launch" in request.POST and campaign.launched_at is None:
            from outreach.tasks import launch_campaign_task

            launch_campaign_task.enqueue(campaign.pk)
            messages.success(request, _("活动已提交，每个商户的联系由联系策略逐一决定。"))
        return redirect("campaign_detail", pk=campaign.pk)
    lang = current_language()
    simulation = campaign.simulation or {}
    reasons = [
        {"count": r["count"], "text": r.get(lang, r.get("zh", code))}
        for code, r in simulation.get("reasons", {}).items()
    ]
    outcome = dict(
        campaign.requests.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return render(
        request,
        "outreach/campaign_detail.html",
        {
            "campaign": campaign,
            "simulation": simulation,
            "reasons": reasons,
            "outcome": {ContactRequest.Status(k).label: v for k, v in outcome.items()},
        },
    )


@supervisor_required
@require_http_methods(["GET", "POST"])
def scam_reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        report = get_object_or_404(
            ScamReport.objects.visible_to(request.user), pk=request.POST.get("report")
        )
        form = ReviewForm(request.POST)
        if form.is_valid():
            services.review_scam_report(
                report,
                reviewer=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        return redirect("scam_reports")
    reports = ScamReport.objects.visible_to(request.user).select_related("reporter", "merchant")
    status = request.GET.get("status", "pending")
    if status in ScamReport.Status.values:
        reports = reports.filter(status=status)
    per_number = (
        ScamReport.objects.visible_to(request.user)
        .exclude(status=ScamReport.Status.REJECTED)
        .values("number")
        .annotate(
            total=Count("id"),
            pending=Count("id", filter=Q(status=ScamReport.Status.PENDING)),
            confirmed=Count("id", filter=Q(status=ScamReport.Status.CONFIRMED)),
        )
        .order_by("-total")[:20]
    )
    return render(
        request,
        "outreach/scam_reports.html",
        {
            "reports": reports[:100],
            "per_number": per_number,
            "status": status,
            "statuses": ScamReport.Status.choices,
            "review_form": ReviewForm(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Panels for the merchant 360° page and the portal


def merchant_panel_context(request: HttpRequest, merchant: Merchant) -> dict[str, Any]:
    attempts = (
        ContactAttempt.objects.visible_to(request.user)
        .filter(merchant=merchant)
        .select_related("merchant")[:10]
    )
    return {
        "merchant": merchant,
        "attempts": [(a, a.to_display_for(request.user)) for a in attempts],
        "frequency": analytics.merchant_frequency(merchant),
        "preference": ContactPreference.objects.filter(merchant=merchant).first(),
        "open_calls": CallTask.objects.visible_to(request.user)
        .open()
        .filter(merchant=merchant)
        .count(),
        "complaints": FrequencyComplaint.objects.visible_to(request.user)
        .filter(merchant=merchant, status=FrequencyComplaint.Status.OPEN)
        .count(),
    }


def portal_panel_context(request: HttpRequest, merchant: Merchant) -> dict[str, Any]:
    attempts = ContactAttempt.objects.visible_to(request.user).filter(merchant=merchant)[:5]
    return {"merchant": merchant, "attempts": attempts}
