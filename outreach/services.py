"""Outreach actions: file a contact request (the policy decides), send what is due, log agents'
calls, verify a contact, report a scam, change preferences, simulate and launch campaigns.

Each write is atomic; notifications go through `notifications.services.notify`, whose e-mail,
SMS and voice deliveries leave after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.calendar import working_calendar
from core.errors import BilingualError, in_both_languages, lazy_format
from core.phones import PhoneNumberError, display_phone, normalize_phone
from outreach import policy
from outreach.codes import clean_code, new_code
from outreach.models import (
    CallTask,
    Campaign,
    Channel,
    ContactAttempt,
    ContactPreference,
    ContactRequest,
    FrequencyComplaint,
    Purpose,
    ScamReport,
    Urgency,
)
from outreach.quiet import DayBook
from outreach.vocabulary import CHANNELS, OVERRIDABLE, PURPOSES, URGENCIES

logger = logging.getLogger("poscare.outreach")

HISTORY_DAYS = 31  # longer than the longest cap window
CALLING = ("sms", "voice", "phone")
CODE_LOOKBACK = dt.timedelta(days=30)  # a verification code is good for this long
TIME_TOLERANCE = dt.timedelta(hours=3)  # "approximately when" on the verification page


class RequestError(BilingualError):
    """A contact request that cannot be accepted; `field` names the input at fault."""

    def __init__(self, message: Any, field: str = "non_field_errors") -> None:
        super().__init__(message)
        self.field = field


def parse_number(raw: str) -> str:
    """A phone number as stored, or a RequestError that says what numbers look like."""
    try:
        return normalize_phone(raw)
    except PhoneNumberError:
        raise RequestError(
            lazy_format(
                _("无法识别号码“%(raw)s”：请输入手机号、带区号的固定电话或 95 开头的客服号码"),
                raw=raw,
            ),
            "number",
        ) from None


def make_policy() -> policy.Policy:
    return policy.Policy(days=DayBook(working_calendar()))


# ---------------------------------------------------------------------------------------------
# Policy inputs from the database


def preferences_for(merchants: Iterable[Any]) -> dict[int, policy.Preferences]:
    merchants = list(merchants)
    rows = {
        p.merchant_id: p
        for p in ContactPreference.objects.filter(merchant__in=[m.pk for m in merchants])
    }
    result = {}
    for merchant in merchants:
        row = rows.get(merchant.pk)
        result[merchant.pk] = (
            row.to_policy(merchant.timezone)
            if row
            else policy.Preferences(timezone=merchant.timezone)
        )
    return result


def histories_for(
    merchant_pks: Iterable[int], now: dt.datetime, exclude: int | None = None
) -> dict[int, policy.History]:
    """Each merchant's recent and booked contacts, plus the de-duplication keys in window."""
    pks = list(merchant_pks)
    histories: dict[int, policy.History] = {pk: policy.History() for pk in pks}
    since = now - dt.timedelta(days=HISTORY_DAYS)
    rows = (
        ContactRequest.objects.filter(merchant_id__in=pks)
        .filter(
            status__in=[
                ContactRequest.Status.SENT,
                ContactRequest.Status.SCHEDULED,
                ContactRequest.Status.SENDING,
            ]
        )
        .filter(Q(created_at__gte=since) | Q(scheduled_for__gte=since) | Q(sent_at__gte=since))
        .values_list(
            "pk",
            "merchant_id",
            "purpose",
            "channel",
            "override",
            "dedupe_key",
            "created_at",
            "expires_at",
            "scheduled_for",
            "sent_at",
        )
        .order_by("created_at")
    )
    for pk, merchant_pk, purpose, channel, override, key, created, expires, scheduled, sent in rows:
        if pk == exclude:
            continue
        when = sent or scheduled or created
        until = None
        if key:
            until = (expires or created + policy.DEDUPE_WINDOW).timestamp()
        histories[merchant_pk].add(
            when.timestamp(),
            purpose,
            channel,
            override,
            request_id=pk,
            dedupe_key=key or None,
            dedupe_until=until,
        )
    return histories


def _locked_preferences(merchant: Any) -> policy.Preferences:
    """The merchant's preferences, with the row locked: decisions for one merchant are taken
    one at a time, so two requests filed together cannot both take the last slot of a cap."""
    ContactPreference.objects.get_or_create(merchant=merchant)
    row = ContactPreference.objects.select_for_update().get(merchant=merchant)
    return row.to_policy(merchant.timezone)


# ---------------------------------------------------------------------------------------------
# Filing a request


def validate_request(
    *,
    merchant: Any,
    purpose: str,
    urgency: str,
    channels: list[str],
    subject: str,
    content: str,
    expires_at: dt.datetime | None,
    justification: str,
    now: dt.datetime,
) -> None:
    """Bad input gets a clear answer (zh and en) and nothing is sent."""
    if purpose not in PURPOSES:
        raise RequestError(
            lazy_format(
                _("未知的联系事由“%(value)s”，可选：%(choices)s"),
                value=purpose,
                choices=", ".join(PURPOSES),
            ),
            "purpose",
        )
    if urgency not in URGENCIES:
        raise RequestError(
            lazy_format(
                _("未知的紧急程度“%(value)s”，可选：%(choices)s"),
                value=urgency,
                choices=", ".join(URGENCIES),
            ),
            "urgency",
        )
    if not channels:
        raise RequestError(_("至少选择一个允许的渠道"), "channels")
    for channel in channels:
        if channel not in CHANNELS:
            raise RequestError(
                lazy_format(
                    _("未知的渠道“%(value)s”，可选：%(choices)s"),
                    value=channel,
                    choices=", ".join(CHANNELS),
                ),
                "channels",
            )
    if not subject.strip() or not content.strip():
        raise RequestError(_("标题和内容不能为空"), "content")
    if expires_at is not None and expires_at <= now:
        raise RequestError(
            lazy_format(
                _("请求已过期（有效期至 %(at)s），不会发送"),
                at=timezone.localtime(expires_at).strftime("%Y-%m-%d %H:%M"),
            ),
            "expires_at",
        )
    if urgency == Urgency.URGENT and purpose in OVERRIDABLE and not justification.strip():
        raise RequestError(
            _("紧急安全验证或风险提示会突破免打扰时段，必须填写理由（将被审计）"),
            "justification",
        )
    if merchant.status == "closed":
        raise RequestError(
            lazy_format(_("商户 %(merchant)s 已注销，不能联系"), merchant=merchant.merchant_id),
            "merchant",
        )
    prefs = ContactPreference.objects.filter(merchant=merchant).first()
    if purpose in ("marketing", "survey"):
        refused = prefs is not None and (
            prefs.fewer_contacts
            or (purpose == "marketing" and not prefs.marketing_opt_in)
            or (purpose == "survey" and not prefs.survey_opt_in)
        )
        if purpose == "marketing" and prefs is None:
            refused = True  # marketing needs an opt-in, and nobody gave one
        if refused:
            raise RequestError(
                lazy_format(
                    _("商户 %(merchant)s 不接收“%(purpose)s”类联系（未同意或已退订）"),
                    merchant=merchant.merchant_id,
                    purpose=Purpose(purpose).label,
                ),
                "purpose",
            )


@transaction.atomic
def file_request(
    *,
    merchant: Any,
    purpose: str,
    urgency: str,
    channels: list[str],
    subject: str,
    content: str,
    requested_by: Any,
    dedupe_key: str = "",
    expires_at: dt.datetime | None = None,
    justification: str = "",
    source: str = "",
    campaign: Campaign | None = None,
    now: dt.datetime | None = None,
    validate: bool = True,
) -> ContactRequest:
    """File a request; the contact policy decides at once, and what may go now goes now."""
    now = now or timezone.now()
    channels = [c for c in dict.fromkeys(channels)]
    if validate:
        validate_request(
            merchant=merchant,
            purpose=purpose,
            urgency=urgency,
            channels=channels,
            subject=subject,
            content=content,
            expires_at=expires_at,
            justification=justification,
            now=now,
        )
    prefs = _locked_preferences(merchant)
    history = histories_for([merchant.pk], now)[merchant.pk]
    request = ContactRequest(
        merchant=merchant,
        purpose=purpose,
        urgency=urgency,
        channels=channels,
        subject=subject.strip(),
        content=content.strip(),
        dedupe_key=dedupe_key.strip(),
        expires_at=expires_at,
        justification=justification.strip(),
        source=source,
        requested_by=requested_by,
        campaign=campaign,
        created_at=now,
    )
    decision = make_policy().decide(request.to_policy(), prefs, history, now)
    _apply(request, decision, now)
    request.save()
    if decision.override:
        logger.warning(
            "Audited override: request %s (%s, %s) for merchant %s by %s: %s",
            request.pk,
            purpose,
            urgency,
            merchant.merchant_id,
            getattr(requested_by, "signature", requested_by),
            request.justification,
        )
    if decision.kind == policy.SEND_NOW:
        _send([request], now)
    return request


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


# ---------------------------------------------------------------------------------------------
# Sending


def registered_number_for(merchant: Any, channel: str) -> Any:
    """The registered outbound number a call or SMS to this merchant comes from: the
    merchant's acquirer's, else any active one."""
    from directory.models import RegisteredNumber

    kinds = ["both", "sms"] if channel == Channel.SMS else ["both", "voice"]
    numbers = RegisteredNumber.objects.active().filter(kind__in=kinds).order_by("number")
    own = numbers.filter(institution_id=merchant.acquirer_id).first()
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


def _verify_line(code: str, number: str, channel: str) -> str:
    site = settings.SITE_URL.rstrip("/")
    return (
        f"【核验码 {code}】本{'短信' if channel == Channel.SMS else '电话'}"
        f"来自 {display_phone(number)}，"
        f"可在 {site}{reverse('verify_contact')} 输入号码和核验码核实，或拨打官方客服热线回拨。"
        "我们不会索要卡号、密码或短信验证码。"
    )


def _primary_contact(merchant: Any) -> Any:
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
        body = request.content
        if code:
            body = f"{body}\n{_verify_line(code, from_number, channel)}"
        notify(
            merchant,
            event=f"outreach.{request.purpose}",
            subject=request.subject,
            body=body,
            link=reverse("contact_history"),
            channels=[channel],
        )
        to_address = ""
        if contact is not None:
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
    lines = [f"{i}. {r.subject}\n{r.content}" for i, r in enumerate(items, 1)]
    notify(
        merchant,
        event="outreach.digest",
        subject=f"今日摘要：{len(items)} 条通知 / Daily digest: {len(items)} notice(s)",
        body="\n\n".join(lines),
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


# ---------------------------------------------------------------------------------------------
# Agents' calls


@transaction.atomic
def claim_call(task: CallTask, agent: Any) -> bool:
    """An agent takes a call from the list; False if someone else already has it."""
    return bool(
        CallTask.objects.filter(pk=task.pk, status=CallTask.Status.OPEN).update(
            status=CallTask.Status.CLAIMED, assigned_to=agent
        )
    )


@transaction.atomic
def log_call(
    task: CallTask,
    *,
    agent: Any,
    outcome: str,
    summary: str,
    registered_number: Any,
    now: dt.datetime | None = None,
) -> ContactAttempt:
    """Record one call attempt. Answered (or refused, wrong number) closes the task; no answer
    leaves it open until the third try."""
    now = now or timezone.now()
    if outcome not in ContactAttempt.CALL_OUTCOMES:
        raise RequestError(lazy_format(_("未知的通话结果“%(value)s”"), value=outcome), "outcome")
    if registered_number is None or not registered_number.is_active:
        raise RequestError(_("请选择本次外呼使用的登记号码"), "registered_number")
    task = CallTask.objects.select_for_update().get(pk=task.pk)
    if task.status not in (CallTask.Status.OPEN, CallTask.Status.CLAIMED):
        raise RequestError(_("该外呼任务已关闭"), "task")
    attempt = ContactAttempt.objects.create(
        merchant_id=task.merchant_id,
        request_id=task.request_id,
        purpose=task.request.purpose,
        channel=Channel.PHONE,
        registered_number=registered_number,
        from_number=registered_number.number,
        to_address=task.phone,
        agent=agent,
        agent_no=agent.agent_no or "",
        occurred_at=now,
        outcome=outcome,
        summary=(summary.strip() or task.request.subject)[:300],
        verification_code=task.verification_code,
        override=task.request.override,
    )
    task.attempts += 1
    task.assigned_to = agent
    if outcome in (ContactAttempt.Outcome.NO_ANSWER, ContactAttempt.Outcome.BUSY):
        if task.attempts >= CallTask.MAX_ATTEMPTS:
            task.status, task.closed_at = CallTask.Status.UNREACHABLE, now
        else:
            task.status = CallTask.Status.OPEN
            task.due_at = now + dt.timedelta(hours=2)
    else:
        task.status, task.closed_at = CallTask.Status.DONE, now
    task.save(update_fields=["attempts", "assigned_to", "status", "due_at", "closed_at"])
    return attempt


# ---------------------------------------------------------------------------------------------
# "Was that call really from us?"

GUIDANCE = [
    _("挂断后，自己拨打官方客服热线核实（不要回拨来电号码，也不要使用对方提供的号码）。"),
    _("任何时候都不要告诉对方卡号、密码、短信验证码。"),
    _("不要按对方要求安装应用、点击链接或开启屏幕共享。"),
]

VERDICT_TEXT = {
    "ours": _("是我们：这次联系有记录。"),
    "official_no_record": _(
        "这是官方登记的号码，但没有找到与您输入相符的联系记录。来电号码可以被伪造，请谨慎。"
    ),
    "unknown": _("很可能不是我们：这个号码不在官方登记的号码中。"),
    "reported_scam": _("多位商户举报过这个号码涉嫌诈骗，请不要按对方要求操作。"),
}


@dataclass
class Verification:
    verdict: str
    number: str
    institution: str = ""
    reports: int = 0
    confirmed_reports: int = 0
    contact: dict[str, Any] | None = None
    hotlines: list[dict[str, str]] = field(default_factory=list)

    @property
    def message(self) -> dict[str, str]:
        return in_both_languages(VERDICT_TEXT[self.verdict])

    @property
    def guidance(self) -> list[dict[str, str]]:
        return [in_both_languages(g) for g in GUIDANCE]

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "number": self.number,
            "message": self.message,
            "official_institution": self.institution,
            "scam_reports": {"total": self.reports, "confirmed": self.confirmed_reports},
            "contact": self.contact,
            "guidance": self.guidance,
            "hotlines": self.hotlines,
        }


def verify_contact(
    raw_number: str,
    code: str | None = None,
    when: dt.datetime | None = None,
    user: Any = None,
    now: dt.datetime | None = None,
) -> Verification:
    """The verdict on a number (and code) someone received a call or SMS from.

    What it reveals is limited on purpose: the contact's details (purpose, agent, time) only
    to the merchant it concerns (or staff). Anyone else learns "ours" only by giving the right
    code — which only the person contacted has — and never whom we contacted or why. Without
    a code, a number with no visible contact is "official_no_record" whether or not another
    merchant was called from it.
    """
    from directory.models import Hotline, RegisteredNumber

    now = now or timezone.now()
    number = parse_number(raw_number)
    registered = (
        RegisteredNumber.objects.active()
        .filter(number=number)
        .select_related("institution")
        .first()
    )
    hotline = Hotline.objects.filter(number=number).select_related("institution").first()
    official = registered or hotline
    institution = official.institution.name if official else ""
    counted = ScamReport.objects.counted().filter(number=number)
    reports = counted.count()
    confirmed = counted.filter(status=ScamReport.Status.CONFIRMED).count()

    code = clean_code(code)
    found = _find_contact(number, code, now) if code else None
    mine = None
    if found is not None and _may_see(user, found.merchant_id):
        mine = found
    elif found is None and getattr(user, "is_merchant_user", False):
        own = ContactAttempt.objects.visible_to(user).filter(
            from_number=number, occurred_at__gte=now - CODE_LOOKBACK
        )
        if when is not None:
            own = own.filter(
                occurred_at__gte=when - TIME_TOLERANCE, occurred_at__lte=when + TIME_TOLERANCE
            )
        attempt = own.select_related("merchant").order_by("-occurred_at").first()
        mine = _Found.of_attempt(attempt) if attempt else None

    if found is not None or mine is not None:
        verdict = "ours"
    elif not official and (confirmed >= 1 or reports >= 3):
        verdict = "reported_scam"
    elif official:
        verdict = "official_no_record"
    else:
        verdict = "unknown"
    contact = None
    if mine is not None:
        contact = {
            "merchant": mine.merchant_name,
            "merchant_id": mine.merchant_code,
            "time": timezone.localtime(mine.time).isoformat(timespec="minutes"),
            "purpose": mine.purpose,
            "purpose_label": in_both_languages(Purpose(mine.purpose).label),
            "channel": mine.channel,
            "agent_no": mine.agent_no,
            "summary": mine.summary,
        }
    return Verification(
        verdict=verdict,
        number=display_phone(number),
        institution=institution,
        reports=reports,
        confirmed_reports=confirmed,
        contact=contact,
        hotlines=_hotlines(official.institution_id if official else None),
    )


@dataclass
class _Found:
    merchant_id: int
    merchant_name: str
    merchant_code: str
    time: dt.datetime
    purpose: str
    channel: str
    agent_no: str
    summary: str

    @classmethod
    def of_attempt(cls, attempt: ContactAttempt) -> _Found:
        return cls(
            attempt.merchant_id,
            attempt.merchant.name,
            attempt.merchant.merchant_id,
            attempt.occurred_at,
            attempt.purpose,
            attempt.channel,
            attempt.agent_no,
            attempt.summary,
        )


def _find_contact(number: str, code: str, now: dt.datetime) -> _Found | None:
    """The logged contact from `number` that carried `code`, or the call an agent is placing
    right now with it (the merchant may check while still on the line)."""
    attempt = (
        ContactAttempt.objects.filter(
            from_number=number, verification_code=code, occurred_at__gte=now - CODE_LOOKBACK
        )
        .select_related("merchant")
        .order_by("-occurred_at")
        .first()
    )
    if attempt is not None:
        return _Found.of_attempt(attempt)
    task = (
        CallTask.objects.filter(
            registered_number__number=number,
            verification_code=code,
            status=CallTask.Status.CLAIMED,
        )
        .select_related("merchant", "request", "assigned_to")
        .first()
    )
    if task is None:
        return None
    return _Found(
        task.merchant_id,
        task.merchant.name,
        task.merchant.merchant_id,
        now,
        task.request.purpose,
        Channel.PHONE,
        task.assigned_to.agent_no if task.assigned_to and task.assigned_to.agent_no else "",
        task.request.subject,
    )


def _may_see(user: Any, merchant_pk: int) -> bool:
    from merchants.models import Merchant

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return Merchant.objects.visible_to(user).filter(pk=merchant_pk).exists()


def _hotlines(institution_id: int | None) -> list[dict[str, str]]:
    from directory.models import Hotline

    lines = list(Hotline.objects.public())
    lines.sort(key=lambda h: (h.institution_id != institution_id, h.number))
    return [
        {
            "institution": h.institution.name,
            "institution_en": h.institution.name_en,
            "number": h.number,
        }
        for h in lines
    ]


# ---------------------------------------------------------------------------------------------
# Scam reports


@transaction.atomic
def report_scam(
    *,
    reporter: Any,
    number: str,
    kind: str = ScamReport.Kind.CALL,
    claimed_to_be: str = "",
    message: str = "",
    occurred_at: dt.datetime | None = None,
) -> ScamReport:
    """One report per reporter and number (a second one updates the first), so counts mean
    "this many people", not "this many clicks"."""
    normalized = parse_number(number)
    if kind not in ScamReport.Kind.values:
        raise RequestError(lazy_format(_("未知的举报类型“%(value)s”"), value=kind), "kind")
    merchant = reporter.merchants.first() if getattr(reporter, "is_merchant_user", False) else None
    report, _created = ScamReport.objects.update_or_create(
        reporter=reporter,
        number=normalized,
        defaults={
            "kind": kind,
            "claimed_to_be": claimed_to_be.strip()[:100],
            "message": message.strip(),
            "occurred_at": occurred_at,
            "merchant": merchant,
        },
    )
    return report


@transaction.atomic
def review_scam_report(report: ScamReport, *, reviewer: Any, status: str, note: str = "") -> None:
    if status not in (ScamReport.Status.CONFIRMED, ScamReport.Status.REJECTED):
        raise RequestError(lazy_format(_("未知的审核结论“%(value)s”"), value=status), "status")
    report.status = status
    report.reviewed_by = reviewer
    report.reviewed_at = timezone.now()
    report.review_note = note.strip()[:300]
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])


# ---------------------------------------------------------------------------------------------
# Preferences and "fewer contacts, please"


@transaction.atomic
def update_preferences(merchant: Any, *, user: Any, **values: Any) -> ContactPreference:
    """Save the merchant's choices; scheduled contacts they no longer want are cancelled now."""
    ContactPreference.objects.get_or_create(merchant=merchant)
    row = ContactPreference.objects.select_for_update().get(merchant=merchant)
    for name, value in values.items():
        setattr(row, name, value)
    if "inbox" not in row.channels:
        row.channels = ["inbox", *row.channels]
    row.updated_by = user
    row.save()
    _drop_unwanted(merchant, row.to_policy(merchant.timezone))
    return row


def _drop_unwanted(merchant: Any, prefs: policy.Preferences) -> None:
    now = timezone.now()
    rules = make_policy()
    scheduled = ContactRequest.objects.filter(
        merchant=merchant, status=ContactRequest.Status.SCHEDULED
    )
    for request in scheduled:
        booked = policy.Decision(request.decision, channel=request.channel, digest=request.digest)
        check = rules.recheck(request.to_policy(), prefs, booked, now)
        if check.kind == policy.SUPPRESS:
            request.status = ContactRequest.Status.SUPPRESSED
            request.reasons = [*request.reasons, *(r.as_dict() for r in check.reasons)]
            request.save(update_fields=["status", "reasons"])


@transaction.atomic
def ask_for_fewer_contacts(
    merchant: Any, *, user: Any, note: str = "", purpose: str = "", source: str = "portal"
) -> FrequencyComplaint:
    """The merchant says "too many calls": fewer contacts from now on, and a complaint that
    supervisors follow up."""
    update_preferences(merchant, user=user, fewer_contacts=True)
    since = timezone.now() - dt.timedelta(days=30)
    complaint = FrequencyComplaint.objects.create(
        merchant=merchant,
        raised_by=user,
        source=source,
        purpose=purpose if purpose in PURPOSES else "",
        note=note.strip()[:500],
        contacts_last_30d=ContactAttempt.objects.filter(
            merchant=merchant, occurred_at__gte=since
        ).count(),
    )
    complaint.ticket_ref = _complaint_ticket(complaint, user, source).number or ""
    complaint.save(update_fields=["ticket_ref"])
    return complaint


def _complaint_ticket(complaint: FrequencyComplaint, user: Any, source: str) -> Any:
    """A desk ticket (category outreach_complaint) so the complaint is followed up like any
    other; the complaint's id makes it idempotent."""
    from desk.services import open_ticket

    channel = "assistant" if source == "assistant" else "portal"
    description = (
        f"商户反映联系过于频繁（近 30 天 {complaint.contacts_last_30d} 次）。"
        f"{complaint.note}".strip()
    )
    return open_ticket(
        merchant=complaint.merchant,
        category="outreach_complaint",
        description=description,
        channel=channel,
        opened_by=user if getattr(user, "is_authenticated", False) else None,
        priority="P3",
        idempotency_key=f"outreach-complaint:{complaint.pk}",
    )


@transaction.atomic
def resolve_complaint(complaint: FrequencyComplaint, *, user: Any) -> None:
    complaint.status = FrequencyComplaint.Status.RESOLVED
    complaint.resolved_at = timezone.now()
    complaint.resolved_by = user
    complaint.save(update_fields=["status", "resolved_at", "resolved_by"])


# ---------------------------------------------------------------------------------------------
# Campaigns: simulate first, then send


def campaign_merchants(campaign: Campaign) -> Any:
    from merchants.models import Merchant

    merchants = Merchant.objects.filter(status="active")
    if campaign.region_prefix:
        merchants = merchants.filter(region_code__startswith=campaign.region_prefix)
    if campaign.mcc:
        merchants = merchants.filter(mcc=campaign.mcc)
    if campaign.merchant_ids:
        merchants = merchants.filter(merchant_id__in=campaign.merchant_ids)
    return merchants.order_by("pk")


def simulate_campaign(campaign: Campaign, now: dt.datetime | None = None) -> dict[str, Any]:
    """What would happen if the campaign went out now: counts per decision and the reasons.
    Nothing is written except the summary on the campaign."""
    now = now or timezone.now()
    merchants = list(campaign_merchants(campaign))
    prefs = preferences_for(merchants)
    histories = histories_for([m.pk for m in merchants], now)
    rules = make_policy()
    decisions = []
    for merchant in merchants:
        request = policy.ContactRequest(
            request_id=None,
            merchant_id=merchant.pk,
            purpose=campaign.purpose,
            urgency=campaign.urgency,
            channels=tuple(campaign.channels),
            created_at=now,
            dedupe_key=f"campaign-{campaign.pk}",
            expires_at=campaign.expires_at,
        )
        decisions.append(rules.decide(request, prefs[merchant.pk], histories[merchant.pk], now))
    summary = policy.summarize(decisions)
    summary["merchants"] = len(merchants)
    campaign.simulation = summary
    campaign.simulated_at = now
    campaign.save(update_fields=["simulation", "simulated_at"])
    return summary


def launch_campaign(campaign: Campaign, now: dt.datetime | None = None) -> int:
    """File one request per merchant (the policy decides each); returns how many were filed.
    A campaign is launched once."""
    if not Campaign.objects.filter(pk=campaign.pk, launched_at__isnull=True).update(
        launched_at=now or timezone.now()
    ):
        return 0
    count = 0
    for merchant in campaign_merchants(campaign).select_related("acquirer"):
        file_request(
            merchant=merchant,
            purpose=campaign.purpose,
            urgency=campaign.urgency,
            channels=list(campaign.channels),
            subject=campaign.subject,
            content=campaign.content,
            requested_by=campaign.created_by,
            dedupe_key=f"campaign-{campaign.pk}",
            expires_at=campaign.expires_at,
            source="campaign",
            campaign=campaign,
            now=now,
            validate=False,  # opted-out merchants are suppressed by the policy, not refused
        )
        count += 1
    return count
