from __future__ import annotations

from typing import Any

from defusedcsv import csv as defusedcsv
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import agent_required, supervisor_required
from core import audit, panels
from core.forms import AuditFilterForm, ImportForm
from core.models import AuditEvent, ImportJob
from core.pagination import page_of
from core.services import errors_csv, export_rows, start_import
from core.types import AuthenticatedHttpRequest


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    if request.user.is_agent:
        return redirect("console")
    return redirect("portal")


@agent_required
def console(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The agent's start page: one search box for merchant ID, terminal ID, serial number,
    name or phone, and whatever panels the other apps add (queues, outages, …)."""
    from merchants.models import Merchant
    from terminals.models import Terminal

    query = request.GET.get("q", "").strip()
    merchants = terminals = None
    if query:
        merchants = list(
            Merchant.objects.visible_to(request.user)
            .search(query, request.user)
            .select_related("acquirer")[:50]
        )
        terminals = list(
            Terminal.objects.visible_to(request.user)
            .search(query)
            .select_related("merchant", "model")[:50]
        )
        if len(merchants) == 1 and not terminals:
            return redirect("merchant_360", merchant_id=merchants[0].merchant_id)
        if len(terminals) == 1 and not merchants:
            return redirect("terminal_detail", terminal_id=terminals[0].terminal_id)
    context = {
        "query": query,
        "merchants": merchants,
        "terminals": terminals,
        "panels": panels.render_panels(panels.CONSOLE_HOME, request, None),
    }
    return render(request, "core/console.html", context)


@supervisor_required
@require_http_methods(["GET", "POST"])
def imports(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_import(form.cleaned_data["kind"], form.cleaned_data["file"], request.user)
        return redirect("import_job", pk=job.pk)
    jobs = ImportJob.objects.visible_to(request.user).select_related("created_by")[:20]
    return render(request, "core/imports.html", {"form": form, "jobs": jobs})


@supervisor_required
def import_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)
    page = page_of(request, job.errors)
    template = "core/_import_progress.html" if request.htmx else "core/import_job.html"
    return render(request, template, {"job": job, "errors_page": page})


@supervisor_required
def import_job_errors(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)
    response = HttpResponse(
        "\ufeff" + errors_csv(job.errors), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    audit.exported(request, f"import-{job.pk}-errors.csv", rows=len(job.errors or []))
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def export(request: AuthenticatedHttpRequest, kind: str) -> StreamingHttpResponse:
    """CSV export of what this user may see, in the columns the importer reads."""
    if kind not in ImportJob.Kind.values:
        from django.http import Http404

        raise Http404(_("未知的导出类型"))
    header, rows = export_rows(kind, request.user)
    writer = defusedcsv.writer(_Echo())

    def stream() -> Any:
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    audit.exported(request, f"{kind}.csv")
    return response


@supervisor_required
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who saw merchants' contact and settlement details, and who exported what (supervisors)."""
    form = AuditFilterForm(request.GET or None)
    events = form.filter(
        AuditEvent.objects.visible_to(request.user).select_related("actor", "merchant")
    )
    return render(request, "core/audit_log.html", {"form": form, "page": page_of(request, events)})
