from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.pagination import page_of
from core.types import AuthenticatedHttpRequest
from notifications.events import CHANNELS, INBOX, events_for
from notifications.models import Notification, Preference
from notifications.services import set_preference


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    messages = Notification.objects.visible_to(request.user).select_related("merchant")
    page = page_of(request, messages)
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    if message.link and request.POST.get("open"):
        return redirect(message.link)
    return redirect("inbox")


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    events = events_for(request.user)
    channels = [c for c in CHANNELS if c != INBOX]
    current = {
        (p.event, p.channel): p.enabled for p in Preference.objects.filter(user=request.user)
    }
    if request.method == "POST":
        for event in events:
            for channel in channels:
                set_preference(
                    request.user, event.key, channel, f"{event.key}:{channel}" in request.POST
                )
        return redirect("notification_preferences")
    rows = [
        {
            "event": event,
            "cells": [
                {
                    "name": f"{event.key}:{channel}",
                    "checked": current.get((event.key, channel), channel in event.default_channels),
                }
                for channel in channels
            ],
        }
        for event in events
    ]
    return render(request, "notifications/preferences.html", {"rows": rows, "channels": channels})
