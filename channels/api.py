"""POST /api/calls/events: the phone system reports call events (one, or a batch)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from channels import calls
from channels.models import Integration
from channels.webhooks import Refused, authenticate, error, parse_json
from core.errors import in_both_languages, lazy_format


@csrf_exempt
@require_POST
def call_events(request: HttpRequest) -> JsonResponse:
    """`{"events": [...]}` (up to 200) or one event object. Bad events are reported by index
    and the good ones are kept; an event id already seen is acknowledged as a duplicate."""
    try:
        integration, body = authenticate(request, Integration.Kind.PHONE_SYSTEM)
        payload = parse_json(body)
    except Refused as refused:
        return refused.response()
    events = (
        payload.get("events") if isinstance(payload, dict) and "events" in payload else [payload]
    )
    if not isinstance(events, list) or not events:
        return error(400, "no_events", _("请求中没有事件"))
    if len(events) > calls.MAX_BATCH:
        return error(
            413,
            "too_many_events",
            lazy_format(_("一次最多 %(limit)s 个事件"), limit=calls.MAX_BATCH),
        )
    now = timezone.now()
    accepted = duplicates = 0
    errors = []
    for index, raw in enumerate(events):
        try:
            event = calls.parse_event(raw, now)
            _call, fresh = calls.record_event(integration, event)
        except calls.CallEventError as fault:
            errors.append(
                {"index": index, "field": fault.field, **in_both_languages(fault.message)}
            )
            continue
        accepted += fresh
        duplicates += not fresh
    status = 200 if accepted or duplicates else 400
    return JsonResponse(
        {"accepted": accepted, "duplicates": duplicates, "errors": errors},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
