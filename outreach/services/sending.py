"""Sending what is due: one message, a digest, or a call task, each with a verification code."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import lazy_format
from core.language import lazy_join
from core.phones import display_phone
from outreach import policy
from outreach.codes import new_code
from outreach.models import (
    CallTask,
    Channel,
    ContactAttempt,
    ContactRequest,
)
from outreach.services.common import (
    CALLING,
    CODE_LOOKBACK,
    make_policy,
)
from outreach.services.policy_inputs import histories_for, preferences_for

if TYPE_CHECKING:
    from directory.models import RegisteredNumber
    from merchants.models import Contact, Merchant


def _apply(request: ContactRequest, decision: policy.Decision, now: dt.datetime) -> None:
    request.decision = decision.kind
    request.channel = decision.channel or ""
    request.override = decision.override
    request.digest = decision.digest
    request.reasons = [r.as_dict() for r in decision.reasons]
    request.merged_into_id = decision.merge_into
    request.scheduled_for = decision.at
    request.status = {
        policy.SEND_NOW: ContactRequest.Status.SENDING,
        policy.SCHEDULE: ContactRequest.Status.SCHEDULED,
        policy.MERGE: ContactRequest.Status.MERGED,
        policy.SUPPRESS: ContactRequest.Status.SUPPRESSED,
    }[decision.kind]


def registered_number_for(merchant: Merchant, channel: str) -> RegisteredNumber | None:
    """The registered outbound number a call or SMS to this merchant comes from: the
    merchant's acquirer's, else any active one."""
    from directory.models import RegisteredNumber

    kinds = ["both", "sms"] if channel == Channel.SMS else ["both", "voice"]
    numbers = RegisteredNumber.objects.active().filter(kind__in=kinds).order_by("number")
    own = numbers.filter(institution_id=merchant.acquirer_id or 0).first()
    return own or numbers.first()


def _unique_code(from_number: str, now: dt.datetime) -> str:
    for _attempt in range(10):
        code = new_code()
        clash = (
            ContactAttempt.objects.filter(
                from_number=from_number,
                verification_code=code,
                occurred_at__gte=now - CODE_LOOKBACK,
            ).exists()
            or CallTask.objects.filter(verification_code=code).open().exists()
        )
        if not clash:
            return code
    raise RuntimeError("could not draw a free verification code")  # pragma: no cover


def _verify_line(code: str, number: str, channel: str) -> Any:
    template = (
        _(
            "【核验码 %(code)s】本短信来自 %(number)s，可在 %(url)s 输入号码和核验码核实，"
            "或拨打官方客服热线回拨。我们不会索要卡号、密码或短信验证码。"
        )
        if channel == Channel.SMS
        else _(
            "【核验码 %(code)s】本电话来自 %(number)s，可在 %(url)s 输入号码和核验码核实，"
            "或拨打官方客服热线回拨。我们不会索要卡号、密码或短信验证码。"
        )
    )
    url = f"{settings.SITE_URL.rstrip('/')}{reverse('verify_contact')}"
    return lazy_format(template, code=code, number=display_phone(number), url=url)


def _wechat_followers(merchant: Merchant) -> list[str]:
    """The WeChat addresses of the merchant's users that a notice would reach now."""
    from notifications.services import merchant_team
    from notifications.transports.wechat import WeChatTransport

    team = merchant_team(merchant)
    return [a for user in team for a in WeChatTransport.addresses_of(user, reachable_now=True)]


def _primary_contact(merchant: Merchant) -> Contact | None:
    return merchant.contacts.filter(is_primary=True).first() or merchant.contacts.first()


def _send(requests: list[ContactRequest], now: dt.datetime) -> None:
    """Hand requests to their channel; several digest items for one merchant become one
    message. Every attempt goes into the contact log."""
    singles = [r for r in requests if not r.digest]
    digests: dict[tuple[int, str], list[ContactRequest]] = defaultdict(list)
    for request in requests:
        if request.digest:
            digests[(request.merchant_id, request.channel)].append(request)
    for request in singles:
        _send_one(request, now)
    for items in digests.values():
        _send_digest(items, now)


def _send_one(request: ContactRequest, now: dt.datetime) -> None:
    from notifications.services import notify

    merchant = request.merchant
    contact = _primary_contact(merchant)
    channel = request.channel
    if channel == Channel.PHONE and (contact is None or not contact.phone):
        channel = Channel.INBOX
        request.reasons = [
            *request.reasons,
            {
                "code": "no_phone",
                "zh": "商户没有联系电话，改用站内消息",
                "en": "No phone number on file; using the portal inbox",
            },
        ]
        request.channel = channel
    if channel == Channel.WECHAT and not _wechat_followers(merchant):
        channel = Channel.INBOX
        request.reasons = [
            *request.reasons,
            {
                "code": "no_wechat",
                "zh": "商户用户未绑定微信公众号，改用站内消息",
                "en": "No merchant user has bound the WeChat account; using the portal inbox",
            },
        ]
        request.channel = channel
    number = registered_number_for(merchant, channel) if channel in CALLING else None
    if channel in CALLING and number is None:
        raise RuntimeError("no registered outbound number: add one in the directory")
    if channel == Channel.PHONE:
        assert number is not None and contact is not None
        CallTask.objects.create(
            request=request,
            merchant=merchant,
            phone=contact.phone,
            registered_number=number,
            contact_name=contact.name,
            verification_code=_unique_code(number.number, now),
            due_at=now,
        )
    else:
        from_number = number.number if number else ""
        code = _unique_code(from_number, now) if number else ""
        subject, body = request.text
        if code:
            body = lazy_format(
                "%(body)s\n%(verify)s", body=body, verify=_verify_line(code, from_number, channel)
            )
        notify(
            merchant,
            event=f"outreach.{request.purpose}",
            subject=subject,
            body=body,
            link=reverse("contact_history"),
            channels=[channel],
        )
        to_address = ""
        if contact is not None and channel != Channel.WECHAT:  # WeChat: in the Delivery rows
            to_address = contact.email if channel == Channel.EMAIL else contact.phone
        ContactAttempt.objects.create(
            merchant=merchant,
            request=request,
            purpose=request.purpose,
            channel=channel,
            registered_number=number,
            from_number=from_number,
            to_address=to_address if channel != Channel.INBOX else "",
            occurred_at=now,
            outcome=ContactAttempt.Outcome.SENT,
            summary=request.subject[:300],
            summary_en=request.subject_en[:300],
            verification_code=code,
            override=request.override,
        )
    request.status = ContactRequest.Status.SENT
    request.sent_at = now
    request.save(update_fields=["status", "sent_at", "channel", "reasons"])


def _send_digest(items: list[ContactRequest], now: dt.datetime) -> None:
    from notifications.services import notify

    merchant = items[0].merchant
    channel = items[0].channel
    lines = [
        lazy_format("%(n)s. %(subject)s\n%(content)s", n=i, subject=r.text[0], content=r.text[1])
        for i, r in enumerate(items, 1)
    ]
    notify(
        merchant,
        event="outreach.digest",
        subject=lazy_format(_("今日摘要：%(count)s 条通知"), count=len(items)),
        body=lazy_join("\n\n", lines),
        link=reverse("contact_history"),
        channels=[channel],
    )
    contact = _primary_contact(merchant)
    ContactAttempt.objects.bulk_create(
        ContactAttempt(
            merchant=merchant,
            request=r,
            purpose=r.purpose,
            channel=channel,
            to_address=(contact.email if contact and channel == Channel.EMAIL else ""),
            occurred_at=now,
            outcome=ContactAttempt.Outcome.SENT,
            summary=r.subject[:300],
            summary_en=r.subject_en[:300],
            digest=True,
        )
        for r in items
    )
    ContactRequest.objects.filter(pk__in=[r.pk for r in items]).update(
        status=ContactRequest.Status.SENT, sent_at=now
    )


def dispatch_due(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send the scheduled requests whose time has come (the scheduler runs this every minute).

    Each request is claimed with a conditional UPDATE, so two workers never send it twice. The
    merchant's current preferences are checked again first: an opt-out since booking wins."""
    now = now or timezone.now()
    due = list(
        ContactRequest.objects.due(now)
        .order_by("scheduled_for")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = [
        pk
        for pk in due
        if ContactRequest.objects.filter(pk=pk, status=ContactRequest.Status.SCHEDULED).update(
            status=ContactRequest.Status.SENDING
        )
    ]
    if not claimed:
        return 0
    requests = list(
        ContactRequest.objects.filter(pk__in=claimed).select_related(
            "merchant", "merchant__acquirer"
        )
    )
    prefs = preferences_for({r.merchant_id: r.merchant for r in requests}.values())
    rules = make_policy()
    ready: list[ContactRequest] = []
    with transaction.atomic():
        for request in requests:
            booked = policy.Decision(
                request.decision,
                channel=request.channel,
                override=request.override,
                digest=request.digest,
                reasons=(),
            )
            check = rules.recheck(request.to_policy(), prefs[request.merchant_id], booked, now)
            if check.kind == policy.SEND_NOW:
                if check.channel != request.channel:
                    request.channel = check.channel or Channel.INBOX
                    request.digest = False
                    request.reasons = [*request.reasons, *(r.as_dict() for r in check.reasons)]
                    request.save(update_fields=["channel", "digest", "reasons"])
                ready.append(request)
                continue
            if check.kind == policy.SCHEDULE:
                # Preferences changed: decide again from scratch, caps included.
                history = histories_for([request.merchant_id], now, exclude=request.pk)
                check = rules.decide(
                    request.to_policy(),
                    prefs[request.merchant_id],
                    history[request.merchant_id],
                    now,
                )
            request.reasons = [*request.reasons, *(r.as_dict() for r in check.reasons)]
            _apply(request, check, now)
            request.save()
            if check.kind == policy.SEND_NOW:
                ready.append(request)
        _send(ready, now)
    return len(ready)
