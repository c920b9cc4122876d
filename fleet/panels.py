"""Panels the fleet adds to the shared pages: the terminal page (state, findings, battery
chart, diagnose action), the merchant 360° page, the portal (plain words)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fleet.charts import sparkline
from fleet.describe import describe_finding
from fleet.models import Finding, TelemetryDaily, TerminalState


def _open_findings(request: HttpRequest, **scope: Any) -> list[dict[str, Any]]:
    rows = (
        Finding.objects.visible_to(request.user)
        .filter(is_open=True, **scope)
        .select_related("terminal")
        .order_by("terminal__terminal_id", "severity")
    )
    return [describe_finding(f) for f in rows]


def terminal_context(request: HttpRequest, terminal: Any) -> dict[str, Any]:
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
    }


def merchant_context(request: HttpRequest, merchant: Any) -> dict[str, Any]:
    return {"merchant": merchant, "findings": _open_findings(request, terminal__merchant=merchant)}


def portal_context(request: HttpRequest, merchant: Any) -> dict[str, Any]:
    """The merchant's view: only what needs their attention, in plain words."""
    findings = _open_findings(request, terminal__merchant=merchant)
    return {"merchant": merchant, "findings": findings}
