"""Ledger pages: the public key page and checkpoint, receipts, the supervisors' audit page."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import supervisor_required
from core import audit
from core.types import AuthenticatedHttpRequest
from ledger import checkpoints, evidence, log, receipts, tasks
from ledger.models import AuditRun


@require_GET
def ledger_home(request: HttpRequest) -> HttpResponse:
    """Public: the log's name, the keys that sign it and the newest checkpoint."""
    return render(
        request,
        "ledger/home.html",
        {
            "origin": settings.LEDGER_ORIGIN,
            "current_keys": checkpoints.current_verifier_keys(),
            "known_keys": checkpoints.known_verifier_keys(),
            "checkpoint": checkpoints.latest(),
            "tree_size": log.tree_size(),
        },
    )


@require_GET
def ledger_checkpoint(request: HttpRequest) -> HttpResponse:
    latest = checkpoints.latest()
    if latest is None:
        raise Http404(_("还没有签发检查点"))
    return HttpResponse(latest.note, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def ledger_receipt(
    request: AuthenticatedHttpRequest, evidence_kind: str, record: int
) -> HttpResponse:
    entry = receipts.visible_entry(request.user, evidence_kind, record)
    if entry is None:
        raise Http404(_("没有这条记录的存证"))
    try:
        receipt = receipts.build_receipt(entry)
    except receipts.ReceiptPending:
        message = _("这条记录已存证，回执将在下一个检查点签发后（一分钟内）可以下载。")
        return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        json.dumps(receipt, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"poscare-receipt-{evidence_kind}-{record}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    audit.exported(request, filename)
    return response


@supervisor_required
@require_http_methods(["GET", "POST"])
def ledger_audit(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        tasks.audit_ledger.enqueue()
        messages.success(request, _("审计已开始，完成后结果显示在这里。"))
        return redirect("ledger_audit")
    run = AuditRun.objects.visible_to(request.user).first()
    labels = {name: kind.label for name, kind in evidence.KINDS.items()}
    return render(request, "ledger/audit.html", {"run": run, "labels": labels})
