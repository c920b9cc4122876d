"""Fleet pages: the fleet dashboard (findings by kind, model, region and firmware), the
agent's diagnose and remote-action buttons on the terminal page, and the supervisor's
confirm / dismiss of a proposed outage."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import agent_required, supervisor_required
from core.types import AuthenticatedHttpRequest
from fleet.describe import describe_finding, rules
from fleet.describe import language as text_language
from fleet.diagnosis import run_diagnosis
from fleet.forms import RemoteActionForm
from fleet.models import Finding, OutageProposal, TerminalState
from fleet.outages import OutageError, confirm_proposal, dismiss_proposal
from fleet.panels import risks
from fleet.remote import RemoteActionError, run_remote_action
from merchants.regions import region_label
from terminals.models import Terminal


def _chart(counter: Counter, limit: int = 12) -> dict[str, list[Any]]:
    top = counter.most_common(limit)
    return {"labels": [label for label, _n in top], "counts": [n for _l, n in top]}


def _breakdown(findings: Any) -> dict[str, dict[str, list[Any]]]:
    lang = text_language()
    ui_language = translation.get_language() or "zh-hans"
    titles = {kind: text["title"][lang] for kind, text in rules().items()}
    by_kind: Counter = Counter()
    by_model: Counter = Counter()
    by_region: Counter = Counter()
    by_firmware: Counter = Counter()
    rows = findings.values_list(
        "kind",
        "terminal__model__manufacturer",
        "terminal__model__name",
        "terminal__merchant__region_code",
        "terminal__firmware_version",
    )
    for kind, maker, model, region, firmware in rows:
        by_kind[titles.get(kind, kind)] += 1
        by_model[f"{maker.split()[-1]} {model}"] += 1
        by_region[region_label(region[:2] + "0000", ui_language).split(",")[-1].strip()] += 1
        by_firmware[firmware or "—"] += 1
    return {
        "kind": _chart(by_kind),
        "model": _chart(by_model),
        "region": _chart(by_region),
        "firmware": _chart(by_firmware),
    }


@agent_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    findings = Finding.objects.visible_to(request.user).filter(is_open=True)
    critical = [
        describe_finding(f)
        for f in findings.filter(severity=Finding.Severity.CRITICAL)
        .select_related("terminal")
        .order_by("-first_seen_at")[:50]
    ]
    context = {
        "reporting": TerminalState.objects.visible_to(request.user).count(),
        "open_count": findings.count(),
        "terminals_with_findings": findings.values("terminal").distinct().count(),
        "charts": _breakdown(findings),
        "critical": critical,
        "risks": risks(request),
    }
    return render(request, "fleet/dashboard.html", context)


def _terminal(request: AuthenticatedHttpRequest, terminal_id: str) -> Terminal:
    return get_object_or_404(
        Terminal.objects.visible_to(request.user).select_related("merchant"),
        terminal_id=terminal_id.upper(),
    )


@agent_required
@require_POST
def diagnose(request: AuthenticatedHttpRequest, terminal_id: str) -> HttpResponse:
    terminal = _terminal(request, terminal_id)
    diagnosis = run_diagnosis(terminal, by=request.user)
    return redirect(f"{terminal_url(terminal)}#diagnosis-{diagnosis.pk}")


@agent_required
@require_POST
def remote_action(request: AuthenticatedHttpRequest, terminal_id: str) -> HttpResponse:
    from desk.models import Ticket

    terminal = _terminal(request, terminal_id)
    form = RemoteActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for e in form.errors.values()))
        return redirect(terminal_url(terminal))
    ticket = None
    if number := form.cleaned_data["ticket"].strip().upper():
        ticket = Ticket.objects.visible_to(request.user).filter(number=number).first()
        if ticket is None:
            messages.error(request, _("找不到工单 %(number)s") % {"number": number})
            return redirect(terminal_url(terminal))
    try:
        action = run_remote_action(
            terminal,
            form.cleaned_data["kind"],
            by=request.user,
            ticket=ticket,
            version=form.cleaned_data["version"],
        )
    except RemoteActionError as error:
        messages.error(request, str(error))
        return redirect(terminal_url(terminal))
    level = messages.SUCCESS if action.status == action.Status.SUCCEEDED else messages.ERROR
    messages.add_message(request, level, f"{action.get_kind_display()}: {action.result_message}")
    return redirect(terminal_url(terminal))


def terminal_url(terminal: Terminal) -> str:
    return reverse("terminal_detail", args=[terminal.terminal_id])


@supervisor_required
@require_POST
def confirm_outage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(OutageProposal, pk=pk)
    try:
        outage = confirm_proposal(proposal, by=request.user)
    except OutageError as error:
        messages.error(request, str(error))
        return redirect("console")
    return redirect("desk_outage", outage.pk)


@supervisor_required
@require_POST
def dismiss_outage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dismiss_proposal(get_object_or_404(OutageProposal, pk=pk), by=request.user)
    return redirect("console")
