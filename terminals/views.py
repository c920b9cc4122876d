from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from core import panels
from core.types import AuthenticatedHttpRequest
from terminals.models import Terminal


@login_required
def terminal_detail(request: AuthenticatedHttpRequest, terminal_id: str) -> HttpResponse:
    terminal = get_object_or_404(
        Terminal.objects.visible_to(request.user).select_related("merchant", "model", "store"),
        terminal_id=terminal_id.upper(),
    )
    context = {
        "terminal": terminal,
        "panels": panels.render_panels(panels.TERMINAL_DETAIL, request, terminal),
    }
    return render(request, "terminals/terminal_detail.html", context)
