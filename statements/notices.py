"""Money notices: a merchant is told when a payout is held or fails — why, and what to do —
through the outreach contact policy (it picks the channel and respects quiet hours and caps),
once per payout and state (`PayoutNotice`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import lazy_format
from core.money import yuan
from payments.models import Payout
from statements.models import PayoutNotice

NOTICE_USERNAME = "settlement-notices"
NOTICE_AGENT_NO = "SYS-PAY"
LOOK_BACK = dt.timedelta(days=3)

# (why, what to do) for each reason. Notices keep both languages (outreach and the inbox).
ADVICE: dict[str, tuple[Any, Any]] = {
    "wrong_account": (
        _("结算账户信息有误（户名或账号不符）"),
        _("请核对结算账户的户名和账号；需要更正时由法人本人申请变更结算账户。更正后我们重新付款。"),
    ),
    "frozen_account": (
        _("结算账户被开户行冻结"),
        _("请联系开户行了解冻结原因并解除，或申请变更结算账户。资金在我们这里是安全的。"),
    ),
    "risk_hold": (
        _("风控审核中（如大额或集中交易）"),
        _(
            "请按客服的要求补充交易材料（小票、发货或服务凭证）。核实后即付款，资金是安全的。"
            "任何要求您交钱“解冻”的电话都是诈骗。"
        ),
    ),
    "bank_returned": (
        _("收款银行退回了付款"),
        _("请确认结算账户状态正常；我们会重新发起付款，如需更正账户请联系客服。"),
    ),
    "": (
        _("付款未能完成"),
        _("我们正在核查，客服会联系您；也可以在门户报告问题。"),
    ),
}


def notice_sender() -> User:
    user, created = User.objects.get_or_create(
        username=NOTICE_USERNAME,
        defaults={"role": User.Role.L1, "agent_no": NOTICE_AGENT_NO, "display_name": "结算通知"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def notice_text(payout: Payout) -> tuple[Any, Any]:
    """(subject, content) of the notice, as lazy texts: stored in Chinese and English."""
    why, what_to_do = ADVICE.get(payout.reason, ADVICE[""])
    held = payout.status == Payout.Status.HELD
    period = f"{payout.period_start:%Y-%m-%d}"
    if payout.period_end != payout.period_start:
        period += f"–{payout.period_end:%Y-%m-%d}"
    amount = yuan(payout.amount)
    subject = lazy_format(
        _("结算款暂缓支付：¥%(amount)s") if held else _("结算款付款失败：¥%(amount)s"),
        amount=amount,
    )
    content = lazy_format(
        _("%(period)s 的结算款 ¥%(amount)s（%(count)s 笔）暂缓支付。原因：%(why)s。%(todo)s")
        if held
        else _("%(period)s 的结算款 ¥%(amount)s（%(count)s 笔）付款失败。原因：%(why)s。%(todo)s"),
        period=period,
        amount=amount,
        count=payout.txn_count,
        why=why,
        todo=what_to_do,
    )
    return subject, content


def notify_payout(payout: Payout, *, now: dt.datetime | None = None) -> PayoutNotice | None:
    """Tell the merchant about a held or failed payout, once per state; None when there is
    nothing to tell or it was told already."""
    from outreach.services import file_request

    if payout.status not in (Payout.Status.HELD, Payout.Status.FAILED):
        return None
    try:
        with transaction.atomic():
            notice = PayoutNotice.objects.create(
                payout=payout, status=payout.status, reason=payout.reason
            )
            subject, content = notice_text(payout)
            notice.request = file_request(
                merchant=payout.merchant,
                purpose="service_followup",
                urgency="high",
                channels=["inbox", "email", "sms"],
                subject=subject,
                content=content,
                requested_by=notice_sender(),
                dedupe_key=f"payout-{payout.pk}-{payout.status}-{payout.reason}",
                source="settlement",
                now=now,
            )
            notice.save(update_fields=["request"])
    except IntegrityError:  # told already (or at this very moment by another worker)
        return None
    return notice


def notify_recent_payouts(now: dt.datetime | None = None) -> int:
    """The periodic sweep: every payout held or failed in the last days whose merchant has
    not been told yet."""
    now = now or timezone.now()
    told = 0
    recent = Payout.objects.filter(
        status__in=[Payout.Status.HELD, Payout.Status.FAILED], updated_at__gte=now - LOOK_BACK
    ).select_related("merchant")
    for payout in recent.iterator():
        if not payout.notices.filter(status=payout.status, reason=payout.reason).exists():
            told += notify_payout(payout, now=now) is not None
    return told
