"""Money notices: a merchant is told when a payout is held or fails — why, and what to do —
through the outreach contact policy (it picks the channel and respects quiet hours and caps),
once per payout and state (`PayoutNotice`)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.money import yuan
from payments.models import Payout
from statements.models import PayoutNotice

NOTICE_USERNAME = "settlement-notices"
NOTICE_AGENT_NO = "SYS-PAY"
LOOK_BACK = dt.timedelta(days=3)

# (why, what to do) for each reason, in Chinese and English. Stored notices carry both.
ADVICE: dict[str, tuple[str, str, str, str]] = {
    "wrong_account": (
        "结算账户信息有误（户名或账号不符）",
        "请核对结算账户的户名和账号；需要更正时由法人本人申请变更结算账户。更正后我们重新付款。",
        "the settlement account details are wrong (name or number does not match)",
        "Check the account name and number; the legal representative applies to correct them. "
        "We pay again once they are corrected.",
    ),
    "frozen_account": (
        "结算账户被开户行冻结",
        "请联系开户行了解冻结原因并解除，或申请变更结算账户。资金在我们这里是安全的。",
        "the bank has frozen the settlement account",
        "Ask your bank why and have it released, or apply to change the settlement account. "
        "The money is safe with us.",
    ),
    "risk_hold": (
        "风控审核中（如大额或集中交易）",
        "请按客服的要求补充交易材料（小票、发货或服务凭证）。核实后即付款，资金是安全的。"
        "任何要求您交钱“解冻”的电话都是诈骗。",
        "a risk review (large or bunched transactions, for example)",
        "Send the transaction records our staff ask for (slips, proof of delivery or service). "
        "We pay as soon as they are checked; the money is safe. Anyone asking you to pay to "
        "release it is a fraud.",
    ),
    "bank_returned": (
        "收款银行退回了付款",
        "请确认结算账户状态正常；我们会重新发起付款，如需更正账户请联系客服。",
        "the receiving bank returned the payment",
        "Make sure the settlement account is in order; we pay again, and you can contact us "
        "to correct the account.",
    ),
    "": (
        "付款未能完成",
        "我们正在核查，客服会联系您；也可以在门户报告问题。",
        "the payment could not be completed",
        "We are checking and will contact you; you can also report a problem in the portal.",
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


def notice_text(payout: Payout) -> tuple[str, str]:
    """(subject, content) of the notice, Chinese then English."""
    why_zh, do_zh, why_en, do_en = ADVICE.get(payout.reason, ADVICE[""])
    held = payout.status == Payout.Status.HELD
    period = f"{payout.period_start:%Y-%m-%d}"
    if payout.period_end != payout.period_start:
        period += f"–{payout.period_end:%Y-%m-%d}"
    subject = (
        ("结算款暂缓支付" if held else "结算款付款失败")
        + f" ¥{yuan(payout.amount)} / "
        + ("Payout held" if held else "Payout failed")
        + f": CNY {yuan(payout.amount)}"
    )
    content = (
        f"{period} 的结算款 ¥{yuan(payout.amount)}（{payout.txn_count} 笔）"
        + ("暂缓支付" if held else "付款失败")
        + f"。原因：{why_zh}。{do_zh}\n\n"
        + f"The payout of CNY {yuan(payout.amount)} for {period} ({payout.txn_count} "
        + f"transactions) {'is held' if held else 'failed'}: {why_en}. {do_en}"
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
