"""Panels the fleet adds to the shared pages: the terminal page (state, findings, battery
chart, diagnose action), the merchant 360° page (findings, transaction-health alerts), the
portal (plain words), the console (alerts and proposed outages)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from fleet.charts import sparkline
from fleet.describe import describe_finding, describe_risk
from fleet.models import (
    Diagnosis,
    FailureRisk,
    Finding,
    OutageProposal,
    RemoteAction,
    TelemetryDaily,
    TerminalState,
    TxnAlert,
)
from fleet.outages import proposal_title

if TYPE_CHECKING:
    from merchants.models import Merchant
    from terminals.models import Terminal


def _open_findings(request: HttpRequest, **scope: Any) -> list[dict[str, Any]]:
    rows = (
        Finding.objects.visible_to(request.user)
        .filter(is_open=True, **scope)
        .select_related("terminal")
        .order_by("terminal__terminal_id", "severity")
    )
    return [describe_finding(f) for f in rows]


def risks(request: HttpRequest, limit: int = 20, **scope: Any) -> list[dict[str, Any]]:
    """The terminals most at risk of failing (medium or high), for agents."""
    if not getattr(request.user, "is_agent", False):
        return []
    rows = (
        FailureRisk.objects.visible_to(request.user)
        .filter(level__in=(FailureRisk.Level.HIGH, FailureRisk.Level.MEDIUM), **scope)
        .select_related("terminal", "ticket")
        .order_by("-risk")[:limit]
    )
    return [describe_risk(r) for r in rows]


def _risk(request: HttpRequest, terminal: Terminal) -> dict[str, Any] | None:
    if not getattr(request.user, "is_agent", False):
        return None
    row = (
        FailureRisk.objects.visible_to(request.user)
        .filter(terminal=terminal)
        .select_related("ticket")
        .first()
    )
    return describe_risk(row) if row else None


def terminal_context(request: HttpRequest, terminal: Terminal) -> dict[str, Any]:
    state = TerminalState.objects.visible_to(request.user).filter(terminal=terminal).first()
    days = list(
        TelemetryDaily.objects.visible_to(request.user)
        .filter(terminal=terminal)
        .order_by("-day")
        .values_list("day", "battery_min")[:56]
    )[::-1]
    return {
        "terminal": terminal,
        "state": state,
        "findings": _open_findings(request, terminal=terminal),
        "battery_chart": sparkline([v for _d, v in days]),
        "diagnoses": list(Diagnosis.objects.visible_to(request.user).filter(terminal=terminal)[:3]),
        "actions": list(
            RemoteAction.objects.visible_to(request.user).filter(terminal=terminal)[:5]
        ),
        "can_act": bool(getattr(request.user, "is_agent", False)),
        "risk": _risk(request, terminal),
        "action_kinds": RemoteAction.Kind.choices,
        "alerts": list(
            TxnAlert.objects.visible_to(request.user)
            .filter(terminal=terminal, is_open=True)
            .select_related("terminal")[:5]
        ),
    }


def merchant_context(request: HttpRequest, merchant: Merchant) -> dict[str, Any]:
    alerts = (
        TxnAlert.objects.visible_to(request.user)
        .filter(merchant=merchant, is_open=True)
        .select_related("terminal")
    )
    return {
        "merchant": merchant,
        "findings": _open_findings(request, terminal__merchant=merchant),
        "alerts": list(alerts[:10]),
        "risks": risks(request, terminal__merchant=merchant),
    }


def portal_context(request: HttpRequest, merchant: Merchant) -> dict[str, Any]:
    """The merchant's view: only what needs their attention, in plain words."""
    findings = _open_findings(request, terminal__merchant=merchant)
    return {"merchant": merchant, "findings": findings}


def console_context(request: HttpRequest, _obj: Any) -> dict[str, Any]:
    """Open transaction-health alerts and outages waiting for a supervisor."""
    alerts = (
        TxnAlert.objects.visible_to(request.user)
        .filter(is_open=True)
        .select_related("merchant", "terminal")
    )
    proposals = list(OutageProposal.objects.filter(status=OutageProposal.Status.PROPOSED)[:10])
    return {
        "alerts": list(alerts[:15]),
        "proposals": [(p, proposal_title(p)) for p in proposals],
        "can_confirm": bool(getattr(request.user, "is_supervisor", False)),
    }
