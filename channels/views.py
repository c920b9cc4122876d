"""The agent's side of the phone: the screen pop (polled by htmx every half second), picking
the ticket a call belongs to, and click-to-dial from the merchant's page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import agent_required, supervisor_required
from channels import calls, dial
from channels.models import Call
from channels.wall import wall
from core.language import current_language
from core.types import AuthenticatedHttpRequest
from merchants.models import Merchant

if TYPE_CHECKING:
    from accounts.models import User


def _version(call: Call | None) -> str:
    if call is None:
        return "none"
    return f"{call.pk}-{call.updated_at.timestamp():.6f}-{call.interaction_id or 0}"


@agent_required
def console(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    recent = (
        Call.objects.visible_to(user)
        .filter(agent=user)
        .select_related("merchant", "ticket")
        .order_by("-started_at")[:20]
    )
    return render(request, "channels/console.html", {"recent": recent})


@agent_required
def pop(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The screen pop. Unchanged since the last poll → 204, and htmx leaves the page alone
    (so an agent typing into the search box is not interrupted)."""
    call = calls.current_call(request.user)
    version = _version(call)
    if request.GET.get("v") == version:
        return HttpResponse(status=204)
    context = {"version": version, "pop": calls.screen_pop(call, request.user) if call else None}
    return render(request, "channels/_pop.html", context)


@agent_required
@require_POST
def attach(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from desk.models import Ticket

    call = get_object_or_404(Call.objects.visible_to(request.user), pk=pk)
    ticket = Ticket.objects.visible_to(request.user).filter(number=request.POST.get("ticket", ""))
    if not ticket.exists():
        messages.error(request, _("找不到该工单"))
    else:
        try:
            calls.attach_ticket(call, ticket.get(), by=request.user)
            messages.success(request, _("通话已记录到工单"))
        except calls.CallEventError as fault:
            messages.error(request, str(fault))
    return redirect("calls_console")


@agent_required
@require_POST
def dial_merchant(request: AuthenticatedHttpRequest, merchant_id: str) -> HttpResponse:
    merchant = Merchant.objects.visible_to(request.user).by_merchant_id(merchant_id)
    if merchant is None:
        raise Http404
    try:
        result = dial.dial(merchant, agent=request.user, reason=request.POST.get("reason", ""))
    except calls.CallEventError as fault:
        messages.error(request, str(fault))
        return redirect("merchant_360", merchant_id)
    if result.call is not None:
        messages.success(request, _("正在呼叫，请接起您的分机并向商户报出核验码"))
        return redirect("calls_console")
    lang = current_language()
    reasons = "；".join(result.request.reasons_in(lang))
    messages.warning(
        request,
        _("联系策略未允许现在外呼（%(status)s）：%(reasons)s")
        % {"status": result.request.get_status_display(), "reasons": reasons},
    )
    return redirect("merchant_360", merchant_id)


@supervisor_required
def wall_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "channels/wall.html", {"wall": wall()})


@supervisor_required
def wall_live(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "channels/_wall.html", {"wall": wall()})
