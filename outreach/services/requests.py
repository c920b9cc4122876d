"""Filing a contact request: validate it, let the policy decide, record the decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import lazy_format
from core.language import chinese_and_english
from outreach import policy
from outreach.models import (
    Campaign,
    ContactPreference,
    ContactRequest,
    Purpose,
    Urgency,
)
from outreach.services.common import (
    RequestError,
    logger,
    make_policy,
)
from outreach.services.policy_inputs import _locked_preferences, histories_for
from outreach.services.sending import (
    _apply,
    _send,
)
from outreach.vocabulary import CHANNELS, OVERRIDABLE, PURPOSES, URGENCIES

if TYPE_CHECKING:
    from accounts.models import User
    from merchants.models import Merchant


def _check_choice(value: str, choices: Iterable[str], message: Any, field: str) -> None:
    """Refuse a value outside its vocabulary, naming the values that are allowed."""
    if value not in choices:
        raise RequestError(lazy_format(message, value=value, choices=", ".join(choices)), field)


def validate_request(
    *,
    merchant: Merchant,
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
    _check_choice(purpose, PURPOSES, _("未知的联系事由“%(value)s”，可选：%(choices)s"), "purpose")
    _check_choice(urgency, URGENCIES, _("未知的紧急程度“%(value)s”，可选：%(choices)s"), "urgency")
    if not channels:
        raise RequestError(_("至少选择一个允许的渠道"), "channels")
    for channel in channels:
        _check_choice(channel, CHANNELS, _("未知的渠道“%(value)s”，可选：%(choices)s"), "channels")
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
    merchant: Merchant,
    purpose: str,
    urgency: str,
    channels: list[str],
    subject: Any,
    content: Any,
    requested_by: User,
    dedupe_key: str = "",
    expires_at: dt.datetime | None = None,
    justification: str = "",
    source: str = "",
    campaign: Campaign | None = None,
    now: dt.datetime | None = None,
    validate: bool = True,
) -> ContactRequest:
    """File a request; the contact policy decides at once, and what may go now goes now.
    A translatable (lazy) subject or content is kept in Chinese and English: the merchant's
    inbox and contact history show each reader their language."""
    now = now or timezone.now()
    subject, subject_en = chinese_and_english(subject)
    content, content_en = chinese_and_english(content)
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
        subject_en=subject_en.strip()[:200],
        content_en=content_en.strip(),
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
