from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.permissions import agent_required, merchant_required
from core import audit, panels
from core.types import AuthenticatedHttpRequest
from merchants import team
from merchants.models import Membership, Merchant
from terminals.models import Terminal


def _terminals(user: object = None) -> Prefetch:
    # Through visible_to: a cashier of the team sees only their shop's terminals.
    return Prefetch(
        "terminals",
        queryset=Terminal.objects.visible_to(user)  # type: ignore[arg-type]
        .select_related("model", "store")
        .order_by("terminal_id"),
    )


@merchant_required
def portal(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The merchant's start page (mobile first): their merchants, shops and terminals."""
    merchants = (
        Merchant.objects.visible_to(request.user)
        .prefetch_related("stores", _terminals(request.user))
        .annotate(terminal_count=Count("terminals", distinct=True))
    )
    context = {
        "merchants": merchants,
        "owns_a_merchant": team.owned_merchants(request.user).exists(),
        "panels": panels.render_panels(panels.PORTAL_HOME, request, None),
    }
    return render(request, "merchants/portal.html", context)


@merchant_required
def portal_merchant(request: AuthenticatedHttpRequest, merchant_id: str) -> HttpResponse:
    merchant = get_object_or_404(
        Merchant.objects.visible_to(request.user).prefetch_related(
            "stores", _terminals(request.user), "contacts"
        ),
        merchant_id=merchant_id,
    )
    # A cashier works the till; the owner's contact details are not theirs to see.
    cashier = team.role_of(request.user, merchant) == Membership.Role.CASHIER
    context = {
        "merchant": merchant,
        "contacts": []
        if cashier
        else [(c, c.phone_for(request.user)) for c in merchant.contacts.all()],
        "panels": panels.render_panels(panels.PORTAL_MERCHANT, request, merchant),
    }
    return render(request, "merchants/portal_merchant.html", context)


@agent_required
def merchant_360(request: AuthenticatedHttpRequest, merchant_id: str) -> HttpResponse:
    """Everything about one merchant on one page; other apps add their panels."""
    merchant = get_object_or_404(
        Merchant.objects.visible_to(request.user)
        .select_related("acquirer")
        .prefetch_related("stores", _terminals(request.user), "contacts"),
        merchant_id=merchant_id,
    )
    terminals = list(merchant.terminals.all())
    context = {
        "merchant": merchant,
        "terminals": terminals,
        # Flagged at the top of the terminal list: an agent promising a free swap must know.
        "out_of_warranty": [t for t in terminals if t.warranty_end and not t.under_warranty()],
        "contacts": [(c, c.phone_for(request.user)) for c in merchant.contacts.all()],
        "panels": panels.render_panels(panels.MERCHANT_360, request, merchant),
    }
    audit.merchant_details_viewed(request, merchant)
    return render(request, "merchants/merchant_360.html", context)


@login_required
def merchant_detail(request: AuthenticatedHttpRequest, merchant_id: str) -> HttpResponse:
    """One address for a merchant that works for both kinds of user."""
    if request.user.is_agent:
        return merchant_360(request, merchant_id)
    return portal_merchant(request, merchant_id)
