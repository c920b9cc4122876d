"""The supervisor's update-campaign pages: list and create, one campaign's progress per stage,
and one small view per action (start, pause, resume)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import supervisor_required
from core.types import AuthenticatedHttpRequest
from fleet.campaigns import (
    CampaignError,
    create_campaign,
    pause_campaign,
    resume_campaign,
    stage_counts,
    start_campaign,
)
from fleet.forms import CampaignForm
from fleet.models import UpdateCampaign


@supervisor_required
def campaigns(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = create_campaign(by=request.user, **form.cleaned_data)
        except CampaignError as error:
            form.add_error(None, str(error))
        else:
            return redirect("fleet_campaign", campaign.pk)
    rows = UpdateCampaign.objects.select_related("model", "created_by")[:50]
    return render(request, "fleet/campaigns.html", {"form": form, "campaigns": rows})


@supervisor_required
def campaign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(UpdateCampaign.objects.select_related("model"), pk=pk)
    context = {"campaign": found, "stages": stage_counts(found)}
    return render(request, "fleet/campaign.html", context)


def _act(action: Callable[..., Any]) -> Callable[[AuthenticatedHttpRequest, int], HttpResponse]:
    @supervisor_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        found = get_object_or_404(UpdateCampaign, pk=pk)
        try:
            action(found, by=request.user)
        except CampaignError as error:
            messages.error(request, str(error))
        return redirect("fleet_campaign", pk)

    return view


start = _act(start_campaign)
pause = _act(pause_campaign)
resume = _act(resume_campaign)
