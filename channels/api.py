"""POST /api/calls/events: the phone system reports call events (one, or a batch)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from channels import calls, phone_menu, sms, wechat, wechat_crypto
from channels.models import Integration
from channels.webhooks import Refused, authenticate, error, parse_json, read_body
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
    good, errors = [], []
    for index, raw in enumerate(events):
        try:
            good.append(calls.parse_event(raw, now))
        except calls.CallEventError as fault:
            errors.append(
                {"index": index, "field": fault.field, **in_both_languages(fault.message)}
            )
    accepted, duplicates = calls.record_events(integration, good) if good else (0, 0)
    status = 200 if accepted or duplicates else 400
    return JsonResponse(
        {"accepted": accepted, "duplicates": duplicates, "errors": errors},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_exempt
@require_POST
def ivr_step(request: HttpRequest) -> JsonResponse:
    """The phone menu: the phone system sends the caller's digits, poscare answers with the
    next prompt (zh or en) and what to collect, or the queue to transfer to."""
    try:
        integration, body = authenticate(request, Integration.Kind.PHONE_SYSTEM)
        payload = parse_json(body)
    except Refused as refused:
        return refused.response()
    try:
        answer = phone_menu.step(integration, payload)
    except phone_menu.StepError as fault:
        return error(400, "bad_step", fault.message)
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest, provider: str) -> JsonResponse:
    """Texts from merchants, in one provider's format (`generic`, `aliyun`)."""
    parser = sms.PARSERS.get(provider)
    if parser is None:
        return error(404, "unknown_format", _("未知的短信格式"), formats=sorted(sms.PARSERS))
    try:
        integration, body = authenticate(request, Integration.Kind.SMS)
        now = timezone.now()
        messages = parser(parse_json(body), now)
    except Refused as refused:
        return refused.response()
    except sms.SmsError as fault:
        return error(400, "bad_message", fault.message)
    results = []
    for message in messages:
        record, fresh = sms.receive(integration, message, now)
        results.append(
            {"id": record.message_id, "route": record.route, "reply": record.reply, "new": fresh}
        )
    return JsonResponse({"messages": results}, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def wechat_callback(request: HttpRequest, key: str) -> HttpResponse:
    """The Official Account's server URL: GET answers WeChat's URL check with `echostr`;
    POST takes a message (plain, or `encrypt_type=aes`) and answers it passively."""
    integration = Integration.objects.filter(
        key=key[:40], kind=Integration.Kind.WECHAT, is_active=True
    ).first()
    if integration is None:
        return error(404, "unknown_integration", _("未知或已停用的接入标识"))
    query = {name: request.GET.get(name, "")[:200] for name in request.GET}
    try:
        if request.method == "GET":
            wechat_crypto.check_signature(
                query.get("signature", ""),
                integration.secret,
                query.get("timestamp", ""),
                query.get("nonce", ""),
            )
            return HttpResponse(query.get("echostr", ""), content_type="text/plain")
        body = read_body(request).decode("utf-8")
        inbound = wechat.open_envelope(integration, query, body)
    except Refused as refused:
        return refused.response()
    except UnicodeDecodeError:
        return error(400, "bad_xml", _("请求体不是有效的 UTF-8"))
    except wechat_crypto.WeChatCryptoError as refused:
        return error(403, refused.code, _("微信消息签名或加密校验失败"))
    text = wechat.handle(integration, inbound)
    if not text:
        # Nothing to say now (an agent holds the conversation and answers by customer-service
        # message): WeChat's documented "no reply" answer.
        return HttpResponse("success", content_type="text/plain")
    return HttpResponse(
        wechat.reply_xml(integration, inbound, text, query), content_type="application/xml"
    )
