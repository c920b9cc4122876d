"""Fleet pages: the dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import agent_required


@agent_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "fleet/dashboard.html", {})
