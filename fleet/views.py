"""Fleet pages: the fleet dashboard (findings by kind, model, region and firmware)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from accounts.permissions import agent_required
from fleet.describe import describe_finding, rules
from fleet.describe import language as text_language
from fleet.models import Finding, TerminalState
from merchants.regions import region_label


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
def dashboard(request: HttpRequest) -> HttpResponse:
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
    }
    return render(request, "fleet/dashboard.html", context)
