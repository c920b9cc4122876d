"""What agents, merchants and the assistant ask about transactions, answered from the data:
what happened to this transaction, when does its money arrive, why has money not arrived,
was this card charged twice."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.calendar import working_calendar
from core.errors import BilingualError, in_both_languages
from core.language import bilingual
from core.money import yuan
from payments import desk_link
from payments.models import (
    DisputeCase,
    Investigation,
    MaintenanceWindow,
    Payout,
    ResponseCode,
    SettlementTerms,
    Transaction,
)
from payments.settlement import Cycle, S0Terms, SettlementEta, settlement_eta

if TYPE_CHECKING:
    from accounts.models import User
    from merchants.models import Merchant

# -- settlement ---------------------------------------------------------------------------------


def _merchant_zone(merchant: Merchant) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(merchant.timezone or "Asia/Shanghai")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Asia/Shanghai")


def s0_terms_for(merchant: Merchant) -> S0Terms:
    try:
        return merchant.settlement_terms.s0_terms()
    except SettlementTerms.DoesNotExist:
        return S0Terms()


def _s0_used_before(txn: Transaction) -> int:
    """Instant-settled amount the merchant used that day before this transaction."""
    used = (
        Transaction.objects.credits()
        .filter(merchant_id=txn.merchant_id, txn_date=txn.txn_date, local_time__lt=txn.local_time)
        .aggregate(total=Sum("amount"))["total"]
    )
    return int(used or 0)


def settlement_eta_for(txn: Transaction, calendar: Any = None) -> SettlementEta:
    """The payout date of a transaction under its merchant's contract (cycle, cut-off, S0)."""
    merchant = txn.merchant
    cycle = Cycle(merchant.settlement_cycle)
    at = timezone.localtime(txn.local_time, _merchant_zone(merchant))
    s0_used = 0
    if cycle is Cycle.S0:
        s0_used = _s0_used_before(txn)
    return settlement_eta(
        at,
        cycle,
        calendar or working_calendar(),
        cutoff=merchant.settlement_cutoff,
        s0=s0_terms_for(merchant) if cycle is Cycle.S0 else None,
        s0_used_today_fen=s0_used,
        amount_fen=txn.amount,
    )


def settlement_eta_for_date(
    merchant: Merchant, business_date: dt.date, calendar: Any = None
) -> SettlementEta:
    """The payout date of a merchant's takings of one day (before the cut-off)."""
    at = dt.datetime.combine(business_date, dt.time(12, 0), tzinfo=_merchant_zone(merchant))
    cycle = Cycle(merchant.settlement_cycle)
    if cycle is Cycle.S0:
        cycle = s0_terms_for(merchant).fallback
    return settlement_eta(
        at, cycle, calendar or working_calendar(), cutoff=merchant.settlement_cutoff
    )


# -- explaining a transaction -------------------------------------------------------------------

_STATUS_WORDS = {
    "approved": ("成功", "approved"),
    "declined": ("失败", "declined"),
    "voided": ("已撤销", "voided"),
    "refunded": ("已退货", "refunded"),
    "reversed": ("已冲正", "reversed"),
}
_TYPE_WORDS = {
    "sale": ("消费", "sale"),
    "void": ("消费撤销", "void"),
    "refund": ("退货", "refund"),
    "reversal": ("冲正", "reversal"),
    "preauth": ("预授权", "pre-authorisation"),
    "preauth_completion": ("预授权完成", "pre-authorisation completion"),
    "preauth_cancel": ("预授权撤销", "pre-authorisation cancellation"),
    "qr_payment": ("扫码支付", "QR-code payment"),
}


# size: the explanation's bilingual steps in the order a merchant reads them
def explain_transaction(
    txn: Transaction,
    language: str = "zh",
    *,
    code: ResponseCode | None = None,
    eta: SettlementEta | None = None,
) -> str:
    """One sentence a merchant understands, e.g. "declined, 51: insufficient funds on the
    customer's card — ask for another card; nothing was charged"."""
    en = language.startswith("en")
    status_zh, status_en = _STATUS_WORDS[txn.status]
    type_zh, type_en = _TYPE_WORDS[txn.txn_type]
    amount = txn.amount_yuan
    if code is None:
        code = ResponseCode.lookup(txn.response_code, txn.merchant.acquirer_id)
    when = timezone.localtime(txn.local_time, _merchant_zone(txn.merchant)).strftime(
        "%Y-%m-%d %H:%M"
    )
    if txn.status == Transaction.Status.DECLINED:
        if code is None:
            if en:
                return (
                    f"declined, {txn.response_code}: a code that is not in our table (the POS "
                    f"shows 交易失败) — nothing was charged; call us with the reference number"
                )
            return (
                f"失败，{txn.response_code}：应答码不在码表中（终端显示“交易失败”）；"
                "本笔未扣款，请带参考号联系客服"
            )
        return (
            f"{status_en}, {code.code}: {code.action_en}"
            if en
            else f"{status_zh}，{code.code}：{code.action_zh}"
        )
    if txn.status == Transaction.Status.VOIDED:
        if en:
            return (
                f"voided: this {type_en} of CNY {amount} ({when}) was cancelled "
                "the same day — the customer is not charged and no money will "
                "be settled for it"
            )
        return (
            f"已撤销：{when} 的这笔{type_zh} {amount} 元已当日撤销——"
            "顾客不会被扣款，也不会结算给商户"
        )
    if txn.status == Transaction.Status.REVERSED:
        if en:
            return (
                f"reversed: the terminal cancelled this {type_en} of CNY {amount} "
                "automatically (usually after a timeout) — nothing was charged; "
                "do it again if the customer still wants to pay"
            )
        return (
            f"已冲正：终端已自动取消这笔{type_zh} {amount} 元（通常因超时）——"
            "未扣款；如顾客仍需付款请重新交易"
        )
    if txn.status == Transaction.Status.REFUNDED:
        if en:
            return (
                f"refunded: this {type_en} of CNY {amount} ({when}) was refunded "
                "— the money goes back to the customer's card, usually within "
                "1–7 working days"
            )
        return (
            f"已退货：{when} 的这笔{type_zh} {amount} 元已退货——"
            "款项原路退回顾客卡内，一般 1–7 个工作"
            "日到账"
        )
    # approved
    if txn.txn_type in Transaction.CREDIT_TYPES:
        eta = eta or settlement_eta_for(txn)
        cycle = eta.applied_cycle.label
        if en:
            return (
                f"approved, {txn.response_code}: {type_en} of CNY {amount} at {when}, auth code "
                f"{txn.auth_code or '—'} — the money reaches your account on "
                f"{eta.payout_date.isoformat()} ({cycle}{', estimated' if eta.estimated else ''})"
            )
        return (
            f"成功，{txn.response_code}：{when} {type_zh} {amount} 元，"
            f"授权码 {txn.auth_code or '—'}"
            f"——预计 {eta.payout_date.isoformat()} 到账"
            f"（{cycle}{'，估算' if eta.estimated else ''}）"
        )
    if txn.txn_type == Transaction.Type.PREAUTH:
        if en:
            return (
                f"approved, {txn.response_code}: CNY {amount} is held on the customer's "
                "card (pre-authorisation) — complete it to be paid, or cancel "
                "it to release the hold"
            )
        return (
            f"成功，{txn.response_code}：已在顾客卡上冻结 {amount} 元（预授权）——"
            "需做预授权完成才会结算"
            "，或撤销以解冻"
        )
    if en:
        return f"approved, {txn.response_code}: {type_en} of CNY {amount} at {when}"
    return f"成功，{txn.response_code}：{when} {type_zh} {amount} 元"


# -- funds-not-arrived investigation ------------------------------------------------------------


def _label(choices: Any, value: str) -> dict[str, str]:
    """A choice's label in both languages (findings are stored once, read in either)."""
    return in_both_languages(choices(value).label)


def _finding(key: str, ok: bool | None, zh: str, en: str) -> dict[str, Any]:
    return {"key": key, "ok": ok, "zh": zh, "en": en}


@dataclass
class _Verdict:
    verdict: str
    summary_zh: str
    summary_en: str
    next_zh: str
    next_en: str


# size: the funds-not-arrived checklist, one bilingual finding per step, in order
def investigate_funds(
    merchant: Merchant,
    *,
    txn: Transaction | None = None,
    date: dt.date | None = None,
    opened_by: User | None = None,
    channel: str = "portal",
    today: dt.date | None = None,
) -> Investigation:
    """Run the funds-not-arrived checklist for a transaction or a business day and record it.

    Checks: approved and not voided/reversed; cycle, cut-off and holidays; S0 quota; the payout
    batch; the settlement account; risk holds; maintenance windows. An unresolved result
    opens a desk ticket with the findings attached.
    """
    if txn is None and date is None:
        raise ValueError("investigate_funds needs a transaction or a date")
    if txn is not None and txn.merchant_id != merchant.pk:
        raise ValueError("the transaction belongs to another merchant")
    today = today or timezone.localdate()
    calendar = working_calendar()
    findings: list[dict[str, Any]] = []
    verdict: _Verdict | None = None
    eta: SettlementEta
    if txn is not None:
        eta = settlement_eta_for(txn, calendar)
        business_date = eta.business_date
        if (
            txn.status != Transaction.Status.APPROVED
            or txn.txn_type not in Transaction.CREDIT_TYPES
        ):
            explanation_zh = explain_transaction(txn, "zh", eta=eta)
            explanation_en = explain_transaction(txn, "en", eta=eta)
            findings.append(_finding("approved", False, explanation_zh, explanation_en))
            verdict = _Verdict(
                Investigation.Verdict.NO_FUNDS_EXPECTED,
                "这笔交易不会给商户入账。",
                "This transaction does not bring money to the merchant.",
                "无需等待到账；如顾客仍需付款，请重新交易。",
                "Nothing to wait for; if the customer still wants to pay, run the sale again.",
            )
        else:
            findings.append(
                _finding(
                    "approved",
                    True,
                    f"交易成功，未撤销或冲正（{txn.amount_yuan} 元，参考号 {txn.rrn or '—'}）。",
                    f"Approved and not voided or reversed (CNY {txn.amount_yuan}, "
                    f"RRN {txn.rrn or '—'}).",
                )
            )
    else:
        assert date is not None
        business_date = date
        eta = settlement_eta_for_date(merchant, date, calendar)
        day_total = (
            Transaction.objects.credits()
            .filter(merchant=merchant, settlement_date=date)
            .aggregate(total=Sum("amount"))["total"]
            or 0
        )
        findings.append(
            _finding(
                "approved",
                day_total > 0,
                f"{date} 成功交易合计 {yuan(day_total)} 元。",
                f"Approved takings on {date}: CNY {yuan(day_total)}.",
            )
        )
        if day_total == 0:
            verdict = _Verdict(
                Investigation.Verdict.NO_FUNDS_EXPECTED,
                f"{date} 没有成功的入账交易。",
                f"There are no approved transactions to settle on {date}.",
                "请核对交易日期，或按参考号查询具体交易。",
                "Check the date, or look the transaction up by its reference number.",
            )

    findings.append(_finding("cycle", None, eta.explanation_zh, eta.explanation_en))
    if eta.s0_quota_exceeded or eta.s0_outside_window:
        findings.append(
            _finding(
                "s0",
                False,
                "秒到额度已用完或不在秒到时段内，本笔按备用周期结算。",
                "The S0 quota was used up or the time was outside the S0 window, "
                "so the fallback cycle applies.",
            )
        )
    payout = Payout.objects.filter(merchant=merchant).covering(business_date).first()
    account_ok = merchant.status != "frozen" and bool(merchant.settlement_account_masked)
    findings.append(
        _finding(
            "account",
            account_ok,
            "结算账户正常。" if account_ok else "商户或结算账户被冻结，或结算账户信息缺失。",
            "The settlement account is in order."
            if account_ok
            else "The merchant or its settlement account is frozen, or the account is missing.",
        )
    )
    if payout is None:
        findings.append(
            _finding(
                "payout", None, "尚未生成结算付款批次。", "No payout batch has been created yet."
            )
        )
    else:
        findings.append(
            _finding(
                "payout",
                payout.status in (Payout.Status.PAID, Payout.Status.SCHEDULED),
                f"付款批次 {payout.payout_date}：{payout.amount_yuan} 元，"
                f"状态“{_label(Payout.Status, payout.status)['zh']}”"
                + (f"，原因：{_label(Payout.Reason, payout.reason)['zh']}" if payout.reason else "")
                + (f"，银行流水号 {payout.bank_reference}" if payout.bank_reference else "")
                + "。",
                f"Payout batch of {payout.payout_date}: CNY {payout.amount_yuan}, "
                f"status {_label(Payout.Status, payout.status)['en']}"
                + (
                    f", reason: {_label(Payout.Reason, payout.reason)['en']}"
                    if payout.reason
                    else ""
                )
                + (f", bank reference {payout.bank_reference}" if payout.bank_reference else "")
                + ".",
            )
        )
    windows = list(
        MaintenanceWindow.objects.filter(
            delays_payouts=True,
            starts_at__date__lte=eta.payout_date,
            ends_at__date__gte=eta.payout_date,
        )
    )
    for window in windows:
        starts = f"{timezone.localtime(window.starts_at):%m-%d %H:%M}"
        ends = f"{timezone.localtime(window.ends_at):%m-%d %H:%M}"
        findings.append(
            _finding(
                "maintenance",
                False,
                f"维护窗口：{window.description_zh}（{starts} 至 {ends}）。",
                f"Maintenance window: {window.description_en} ({starts} to {ends}).",
            )
        )

    expected = eta.payout_date
    if verdict is None:
        verdict = _decide(merchant, payout, account_ok, windows, expected, today)
    with db_transaction.atomic():
        investigation = Investigation.objects.create(
            merchant=merchant,
            transaction=txn,
            business_date=business_date,
            verdict=verdict.verdict,
            expected_date=None
            if verdict.verdict == Investigation.Verdict.NO_FUNDS_EXPECTED
            else expected,
            summary_zh=verdict.summary_zh,
            summary_en=verdict.summary_en,
            next_step_zh=verdict.next_zh,
            next_step_en=verdict.next_en,
            findings=findings,
            opened_by=opened_by if getattr(opened_by, "is_authenticated", False) else None,
        )
        if verdict.verdict == Investigation.Verdict.UNRESOLVED:
            _open_funds_ticket(investigation, channel)
    return investigation


def _decide(
    merchant: Merchant,
    payout: Payout | None,
    account_ok: bool,
    windows: list[MaintenanceWindow],
    expected: dt.date,
    today: dt.date,
) -> _Verdict:
    if payout is not None and payout.status == Payout.Status.HELD:
        if payout.reason == Payout.Reason.RISK_HOLD:
            return _Verdict(
                Investigation.Verdict.HELD,
                "付款被风控暂缓。",
                "The payout is held by risk control.",
                "请按风控通知提供交易材料（小票、发货凭证等）；审核通过后立即付款。",
                "Provide the documents risk control asked for (slips, delivery "
                "proof); the payout is released once reviewed.",
            )
        return _Verdict(
            Investigation.Verdict.HELD,
            f"付款被暂缓：{_label(Payout.Reason, payout.reason)['zh']}。",
            f"The payout is held: {_label(Payout.Reason, payout.reason)['en']}.",
            "请联系客户经理处理暂缓原因。",
            "Contact your account manager to clear the hold.",
        )
    if (payout is not None and payout.status == Payout.Status.FAILED) or not account_ok:
        return _Verdict(
            Investigation.Verdict.ACCOUNT_PROBLEM,
            "结算账户有问题，付款未能完成。",
            "There is a problem with the settlement account, so the payout did not go through.",
            "请核对结算账户（户名、账号、开户行）或联系开户行解除冻结，修改后我们会重新付款。",
            "Check the settlement account (name, number, bank) or have the "
            "bank lift the freeze; we pay again once it is fixed.",
        )
    if payout is not None and payout.status == Payout.Status.PAID:
        return _Verdict(
            Investigation.Verdict.PAID,
            f"已于 {payout.payout_date} 付款 {payout.amount_yuan} 元。",
            f"CNY {payout.amount_yuan} was paid on {payout.payout_date}.",
            f"请查看结算账户 {merchant.settlement_account_masked} 的入账记录"
            + (f"（银行流水号 {payout.bank_reference}）" if payout.bank_reference else "")
            + "；银行入账可能有数小时延迟。",
            f"Check the statement of account {merchant.settlement_account_masked}"
            + (f" (bank reference {payout.bank_reference})" if payout.bank_reference else "")
            + "; banks can take a few hours to show it.",
        )
    if windows:
        return _Verdict(
            Investigation.Verdict.MAINTENANCE,
            "付款系统维护，到账会延迟。",
            "The payout systems are under maintenance, so the money is delayed.",
            "维护结束后自动付款，无需操作。",
            "The payout runs automatically after the maintenance; nothing to do.",
        )
    if today <= expected:
        return _Verdict(
            Investigation.Verdict.NOT_DUE,
            f"还没到到账日：预计 {expected} 到账。",
            f"Not due yet: expected on {expected}.",
            f"请在 {expected} 当天结束后再查看；届时仍未到账请再次核查。",
            f"Check again after {expected}; if the money is still missing "
            "then, run this check again.",
        )
    return _Verdict(
        Investigation.Verdict.UNRESOLVED,
        f"应于 {expected} 到账，但没有找到付款记录。",
        f"The money was due on {expected}, but no payout was found.",
        "已为您创建工单，结算专员会在 1 个工作日内核查并回复。",
        "We opened a ticket; a settlement specialist will check and get "
        "back to you within one working day.",
    )


FACT_LABELS = {
    "zh": ("终端", "凭证号", "参考号", "应答码"),
    "en": ("terminal", "trace", "RRN", "code"),
}


def _transaction_fact(txn: Transaction, language: str = "zh") -> str:
    zone = _merchant_zone(txn.merchant)
    when = timezone.localtime(txn.local_time, zone).strftime("%Y-%m-%d %H:%M")
    terminal, trace, rrn, code = FACT_LABELS[language]
    kind = _label(Transaction.Type, txn.txn_type)[language]
    return (
        f"{when} ¥{txn.amount_yuan} {kind} {terminal} {txn.terminal.terminal_id} "
        f"{trace} {txn.stan} {rrn} {txn.rrn or '—'} {code} {txn.response_code}"
    )


def findings_text(investigation: Investigation, language: str) -> str:
    """The checklist as text in one language ("zh" / "en"), for the desk ticket."""
    marks = {True: "✔", False: "✖", None: "•"}
    summary = investigation.summary_en if language == "en" else investigation.summary_zh
    heading = {
        "zh": (f"钱没到账：到账核查 #{investigation.pk}", "结论", "预计到账"),
        "en": (
            f"Funds not arrived: funds investigation #{investigation.pk}",
            "Verdict",
            "Expected",
        ),
    }[language]
    lines = [
        heading[0],
        f"{heading[1]}: {summary}",
        f"{heading[2]}: {investigation.expected_date or '—'}",
    ]
    for finding in investigation.findings:
        lines.append(f"{marks[finding['ok']]} {finding[language]}")
    return "\n".join(lines)


def _open_funds_ticket(investigation: Investigation, channel: str) -> None:
    txn = investigation.transaction
    merchant = investigation.merchant
    recent = (
        bilingual(_transaction_fact(txn), _transaction_fact(txn, "en"))
        if txn is not None
        else bilingual(
            f"{investigation.business_date} 全天交易",
            f"All takings of {investigation.business_date}",
        )
    )
    ticket = desk_link.open_desk_ticket(
        merchant=merchant,
        category="funds_not_arrived",
        description=bilingual(
            findings_text(investigation, "zh"), findings_text(investigation, "en")
        ),
        channel=channel,
        facts={
            "merchant_id": merchant.merchant_id,
            "recent_transaction": recent,
            "symptom": bilingual(investigation.summary_zh, investigation.summary_en),
        },
        opened_by=investigation.opened_by,
        terminal=txn.terminal if txn is not None else None,
        idempotency_key=f"funds-investigation-{investigation.pk}",
    )
    if ticket is not None:
        investigation.ticket = ticket
        investigation.save(update_fields=["ticket"])


# -- duplicate charges --------------------------------------------------------------------------


@dataclass
class DuplicateCharge:
    first: Transaction
    second: Transaction
    seconds_apart: int
    case: DisputeCase | None = None


def find_duplicate_charges(
    merchant: Merchant,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    window_seconds: int = 600,
    card_last4: str | None = None,
    amount_fen: int | None = None,
) -> list[DuplicateCharge]:
    """Likely double charges: same terminal, card last four and amount, both approved,
    within `window_seconds` of each other."""
    until = until or timezone.now()
    since = since or until - dt.timedelta(days=30)
    rows = (
        Transaction.objects.credits()
        .filter(merchant=merchant, local_time__gte=since, local_time__lt=until)
        .exclude(card_last4="")
        .select_related("terminal", "merchant")
        .order_by("terminal_id", "card_last4", "amount", "local_time")
    )
    if card_last4:
        rows = rows.filter(card_last4=card_last4)
    if amount_fen is not None:
        rows = rows.filter(amount=amount_fen)
    found: list[DuplicateCharge] = []
    previous: Transaction | None = None
    for txn in rows.iterator(chunk_size=2000):
        if previous is not None and (
            previous.terminal_id,
            previous.card_last4,
            previous.amount,
        ) == (txn.terminal_id, txn.card_last4, txn.amount):
            gap = int((txn.local_time - previous.local_time).total_seconds())
            if gap <= window_seconds:
                found.append(DuplicateCharge(previous, txn, gap))
        previous = txn
    cases = {
        (c.first_transaction_id, c.duplicate_transaction_id): c
        for c in DisputeCase.objects.filter(
            merchant=merchant, first_transaction_id__in=[d.first.pk for d in found]
        ).select_related("ticket")
    }
    for duplicate in found:
        duplicate.case = cases.get((duplicate.first.pk, duplicate.second.pk))
    found.sort(key=lambda d: d.second.local_time, reverse=True)
    return found


class DisputeError(BilingualError):
    """A dispute that cannot be opened, with the reason in Chinese and English."""


def open_dispute(
    first: Transaction,
    second: Transaction,
    *,
    opened_by: User | None = None,
    channel: str = "portal",
) -> DisputeCase:
    """Open (or return the already open) dispute case for a suspected double charge, with the
    evidence, and a refund_dispute ticket on the desk."""
    return open_or_get_dispute(first, second, opened_by=opened_by, channel=channel)[0]


def _existing_dispute(first: Transaction, second: Transaction) -> DisputeCase | None:
    """The case already about this pair (in any state), else the open case that already claims
    `second` as a double charge: a transaction is refunded once, whichever twin it is paired
    with."""
    pair = DisputeCase.objects.filter(first_transaction=first, duplicate_transaction=second)
    return (
        pair.first()
        or DisputeCase.objects.filter(
            duplicate_transaction=second, status=DisputeCase.Status.OPEN
        ).first()
    )


def open_or_get_dispute(
    first: Transaction,
    second: Transaction,
    *,
    opened_by: User | None = None,
    channel: str = "portal",
) -> tuple[DisputeCase, bool]:
    """(case, created): the new case, or the one that already covers this double charge.

    The later of the two (by local time, then id) is the duplicate; at most one open case
    claims a transaction as the duplicate (a constraint), so two requests at the same moment
    open one case and both get it."""
    if first.pk == second.pk:
        raise DisputeError(_("请选择两笔不同的交易：一笔交易不能和它自己构成重复扣款"))
    if first.merchant_id != second.merchant_id:
        raise DisputeError(_("两笔交易必须属于同一个商户"))
    if (second.local_time, second.pk) < (first.local_time, first.pk):
        first, second = second, first
    existing = _existing_dispute(first, second)
    if existing is not None:
        return existing, False
    try:
        return _create_dispute(first, second, opened_by=opened_by, channel=channel), True
    except IntegrityError:
        # Another request opened it between our look and our write: theirs stands.
        existing = _existing_dispute(first, second)
        if existing is None:
            raise
        return existing, False


def _create_dispute(
    first: Transaction, second: Transaction, *, opened_by: Any, channel: str
) -> DisputeCase:
    evidence = {
        "terminal_id": first.terminal.terminal_id,
        "card": first.pan_masked or f"****{first.card_last4}",
        "amount_fen": first.amount,
        "seconds_apart": int((second.local_time - first.local_time).total_seconds()),
        "transactions": [
            {
                "id": t.pk,
                "local_time": timezone.localtime(t.local_time).isoformat(),
                "rrn": t.rrn,
                "stan": t.stan,
                "auth_code": t.auth_code,
                "response_code": t.response_code,
            }
            for t in (first, second)
        ],
    }
    with db_transaction.atomic():
        case = DisputeCase.objects.create(
            merchant=first.merchant,
            first_transaction=first,
            duplicate_transaction=second,
            amount=second.amount,
            evidence=evidence,
            opened_by=opened_by if getattr(opened_by, "is_authenticated", False) else None,
        )
        ticket = desk_link.open_desk_ticket(
            merchant=first.merchant,
            category="refund_dispute",
            description=bilingual(
                f"疑似重复扣款（争议案件 #{case.pk}）：同一张卡 {evidence['card']} 在 "
                f"{evidence['seconds_apart']} 秒内两笔 {second.amount_yuan} 元\n"
                f"1. {_transaction_fact(first)}\n2. {_transaction_fact(second)}",
                f"Suspected double charge (dispute case #{case.pk}): card {evidence['card']}, "
                f"two approvals of CNY {second.amount_yuan} {evidence['seconds_apart']} s apart\n"
                f"1. {_transaction_fact(first, 'en')}\n2. {_transaction_fact(second, 'en')}",
            ),
            channel=channel,
            facts={
                "merchant_id": first.merchant.merchant_id,
                "recent_transaction": bilingual(
                    _transaction_fact(second), _transaction_fact(second, "en")
                ),
                "symptom": bilingual(
                    f"同一张卡 {evidence['seconds_apart']} 秒内被扣款两次",
                    f"Card charged twice {evidence['seconds_apart']} s apart",
                ),
            },
            opened_by=case.opened_by,
            terminal=first.terminal,
            idempotency_key=f"dispute-{first.pk}-{second.pk}",
        )
        if ticket is not None:
            case.ticket = ticket
            case.save(update_fields=["ticket"])
    return case


def explain_many(
    txns: list[Transaction], language: str = "zh"
) -> list[tuple[Transaction, str, SettlementEta | None]]:
    """(transaction, explanation, settlement ETA or None) for a list, in a few queries."""
    calendar = working_calendar()
    codes: dict[Any, dict[str, ResponseCode]] = {}
    for acquirer_id in {t.merchant.acquirer_id for t in txns}:
        codes[acquirer_id] = ResponseCode.table({t.response_code for t in txns}, acquirer_id)
    rows = []
    for txn in txns:
        eta = None
        if txn.moves_money_to_merchant:
            eta = settlement_eta_for(txn, calendar)
        code = codes[txn.merchant.acquirer_id].get(txn.response_code)
        rows.append((txn, explain_transaction(txn, language, code=code, eta=eta), eta))
    return rows
