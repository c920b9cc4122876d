"""The IVR's answers from poscare's data, and the one write path for a menu step.

The pure walker (`channels/ivr.py`) decides where the call goes; the actions here look the
merchant up (by caller number within the integration's institution, or by merchant ID),
read today's payout, the outages in its region with their ETA, check a verification code
typed on the keypad, and turn "call me back" into a desk ticket with a commitment.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channels import calls, ivr
from channels.models import Integration, IvrSession
from core.errors import BilingualError, lazy_format
from core.masking import mask_pans_in_text

if TYPE_CHECKING:
    from merchants.models import Merchant

CALLBACK_WITHIN = dt.timedelta(hours=2)
CODE_LOOKBACK = dt.timedelta(days=30)
_MENU: dict[str, Any] | None = None


def menu() -> dict[str, Any]:
    global _MENU
    if _MENU is None:
        _MENU = ivr.load_menu()
    return _MENU


class StepError(BilingualError):
    pass


class MenuActions:
    """The actions of one call, bound to its session, integration and clock."""

    def __init__(self, session: IvrSession, integration: Integration, now: dt.datetime) -> None:
        self.session, self.integration, self.now = session, integration, now

    def table(self) -> dict[str, ivr.Action]:
        return {
            "recognise": self.recognise,
            "identify": self.identify,
            "payout_status": self.payout_status,
            "outage": self.outage,
            "verify_code": self.verify_code,
            "callback": self.callback,
            "switch_language": self.switch_language,
        }

    def _known(self, state: ivr.CallState, merchant: Merchant) -> tuple[str, str]:
        self.session.merchant = merchant
        state.data["say"] = {"merchant_name": merchant.short_name or merchant.name}
        return "known", ""

    def recognise(self, state: ivr.CallState, digits: str) -> tuple[str, str]:
        found = calls.candidates_for(self.session.caller, self.integration)
        return self._known(state, found[0]) if len(found) == 1 else ("unknown", "")

    def identify(self, state: ivr.CallState, digits: str) -> tuple[str, str]:
        from merchants.models import Merchant

        merchant = Merchant.objects.filter(
            merchant_id=digits, acquirer_id=self.integration.institution_id
        ).first()
        if merchant is None:
            return "unknown", _("没有找到这个商户编号。")
        return self._known(state, merchant)

    def payout_status(self, state: ivr.CallState, digits: str) -> tuple[str, str]:
        from payments.models import Payout

        today = timezone.localdate(self.now)
        payouts = Payout.objects.filter(merchant=self.session.merchant, payout_date__lte=today)
        payout = payouts.order_by("-payout_date", "-id").first()
        if payout is None:
            return "none", _("没有查到您的结算记录。")
        words = _("%(date)s 的结算款 %(amount)s 元：%(status)s。") % {
            "date": payout.payout_date.strftime("%m-%d"),
            "amount": f"{payout.amount / 100:,.2f}",
            "status": payout.get_status_display(),
        }
        if payout.reason:
            words += _("原因：%(reason)s。") % {"reason": payout.get_reason_display()}
        return payout.status, words

    def outage(self, state: ivr.CallState, digits: str) -> tuple[str, str]:
        found = calls._outages_for(self.session.merchant)
        if not found:
            return "none", _("您所在的地区目前没有已知故障。")
        outage = found[0]
        words = _("您所在的地区有故障：%(title)s。") % {"title": outage.shown_title}
        if outage.expected_recovery_at:
            eta = timezone.localtime(outage.expected_recovery_at).strftime("%m-%d %H:%M")
            words += _("预计 %(eta)s 恢复。") % {"eta": eta}
        return "outage", words

    def verify_code(self, state: ivr.CallState, digits: str) -> tuple[str, str]:
        from outreach.models import ContactAttempt

        attempts = (
            ContactAttempt.objects.filter(
                merchant=self.session.merchant, occurred_at__gte=self.now - CODE_LOOKBACK
            )
            .exclude(verification_code="")
            .order_by("-occurred_at")
        )
        for attempt in attempts[:200]:
            if ivr.keypad_digits(attempt.verification_code) == digits:
                when = timezone.localtime(attempt.occurred_at).strftime("%m-%d %H:%M")
                return "ours", _(
                    "核验成功：%(when)s 确实是我们联系了您，事由：%(purpose)s，工号 %(agent)s。"
                ) % {
                    "when": when,
                    "purpose": attempt.get_purpose_display(),
                    "agent": attempt.agent_no or "—",
                }
        return "not_found", _(
            "没有找到这个核验码的联系记录，那通电话可能不是我们打的。"
            "请不要向任何人透露卡号、密码或短信验证码。"
        )

    def callback(self, state: ivr.CallState, digits: str) -> tuple[str, str]:
        due = request_callback(self.session, self.now)
        if due is None:
            return "failed", _("暂时无法预约回电，请按 0 转人工。")
        when = timezone.localtime(due).strftime("%H:%M")
        return "booked", _("已为您预约回电，客服会在 %(when)s 前给您回电。") % {"when": when}

    def switch_language(self, state: ivr.CallState, digits: str) -> tuple[str, str]:
        state.language = "zh" if state.language == "en" else "en"
        return "switched", ""


def request_callback(session: IvrSession, now: dt.datetime) -> dt.datetime | None:
    """A ticket (once per call) with a call-back commitment owned by its agent."""
    from desk.services import DeskError, add_commitment, open_ticket

    if session.merchant is None:
        return None  # a call-back needs a known merchant; the caller is offered a person
    ticket = open_ticket(
        merchant=session.merchant,
        category="other",
        description=gettext_lazy("商户在电话自助语音中预约回电"),  # kept in both languages
        channel="phone",
        idempotency_key=f"ivr:{session.integration_id}:{session.call_id}",
    )
    owner = ticket.assignee or (
        ticket.queue.members.filter(is_active=True).first() if ticket.queue else None
    )
    if owner is None:
        return None
    existing = ticket.commitments.filter(status="open").first()
    if existing is not None:
        return existing.due_at
    try:
        return add_commitment(
            ticket,
            owner=owner,
            due_at=now + CALLBACK_WITHIN,
            promise=gettext_lazy("回电商户（电话自助语音预约）"),  # kept in both languages
            by=owner,
        ).due_at
    except DeskError:
        return None


def _session(integration: Integration, call_id: str, caller: str) -> tuple[IvrSession, bool]:
    try:
        with transaction.atomic():
            return IvrSession.objects.select_for_update().get_or_create(
                integration=integration,
                call_id=call_id,
                defaults={"caller": caller, "node": menu()["start"]},
            )
    except IntegrityError:  # the first step of this call arrived twice at once
        return IvrSession.objects.select_for_update().get(
            integration=integration, call_id=call_id
        ), False


def _field(payload: dict[str, Any], name: str, limit: int) -> str:
    value = payload.get(name, "")
    if not isinstance(value, str | int) or len(str(value)) > limit:
        raise StepError(lazy_format(_("字段“%(field)s”无效"), field=name))
    return mask_pans_in_text(str(value).strip())


@transaction.atomic
def step(integration: Integration, payload: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """One exchange with the phone system: `{call_id, step, caller?, digits?}` → the next
    prompt. Step 0 starts the call; a step already answered is answered the same again."""
    now = now or timezone.now()
    if not isinstance(payload, dict):
        raise StepError(_("请求应为 JSON 对象"))
    call_id = _field(payload, "call_id", 80)
    if not call_id:
        raise StepError(lazy_format(_("缺少字段“%(field)s”"), field="call_id"))
    number = payload.get("step", 0)
    if not isinstance(number, int) or number < 0:
        raise StepError(_("步骤“step”应为非负整数"))
    digits = _field(payload, "digits", 32)
    session, created = _session(integration, call_id, _field(payload, "caller", 32))
    if not created and number <= session.step:
        return session.last_answer
    state = ivr.CallState(session.node, session.language, session.invalid, session.data)
    walker = ivr.Walker(menu(), MenuActions(session, integration, now).table())
    with translation.override("en" if state.language == "en" else "zh-hans"):
        answer = walker.begin(state) if created else walker.step(state, digits)
    session.node, session.language, session.invalid = state.node, state.language, state.invalid
    session.data, session.step = state.data, number
    session.last_answer = answer.as_dict(state.language)
    session.save()
    return session.last_answer
