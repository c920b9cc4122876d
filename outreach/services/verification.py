""" "Was that call really from us?": the verdict on a number and code someone was contacted from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import in_both_languages
from core.phones import display_phone
from outreach.codes import clean_code
from outreach.models import (
    CallTask,
    Channel,
    ContactAttempt,
    Purpose,
    ScamReport,
)
from outreach.services.common import (
    CODE_LOOKBACK,
    TIME_TOLERANCE,
    parse_number,
)

if TYPE_CHECKING:
    from core.types import Viewer

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
    # Both are the confirmed reports: "total" stays in the API for its clients, and since
    # reports awaiting review no longer count in public it equals "confirmed".
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
    user: Viewer | None = None,
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
    # Only reports a supervisor confirmed count in public; pending ones count for nothing.
    confirmed = ScamReport.objects.counted().filter(number=number).count()

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
    elif not official and confirmed >= 1:
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
        reports=confirmed,
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


def _may_see(user: Viewer | None, merchant_pk: int) -> bool:
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
