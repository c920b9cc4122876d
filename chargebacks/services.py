"""Opening and working cardholder-dispute and fraud cases.

Staff open chargebacks and retrieval requests when the card network sends them; a merchant's
owner or manager (or staff) reports suspected fraud, which is referred to the risk team at
once. Each case gets a desk ticket (the work happens there), the merchant is told, and the
merchant answers with evidence before the deadline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import check_staff
from chargebacks.models import Case, Evidence
from chargebacks.reasons import describe
from core.errors import BilingualError, PermissionDeniedError, lazy_format
from core.language import bilingual, lazy_join
from core.money import yuan
from core.uploads import IMAGES_AND_PDF, check_upload
from ledger import services as ledger
from merchants.models import Membership

if TYPE_CHECKING:
    from desk.models import Ticket
    from merchants.models import Merchant

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
RESPONSE_DAYS = 7  # the merchant's window before the acquirer must answer the network
CATEGORY: dict[str, str] = {"chargeback": "refund_dispute", "retrieval": "refund_dispute"}
RISK_CATEGORY = "account_risk"


class CaseError(BilingualError):
    """A case request that cannot be carried out, in both languages."""


def _number(pk: int, now: dt.datetime) -> str:
    return f"CB{timezone.localtime(now):%y%m}{pk:06d}"


def check_may_report(actor: User, merchant: Merchant) -> User:
    """Staff, or the merchant's owner or a manager (cashiers tell their manager)."""
    if isinstance(actor, User) and actor.is_active and actor.is_agent:
        return actor
    if not isinstance(actor, User) or not actor.is_active:
        raise PermissionDeniedError(_("只有店主、店长或客服可以报告盗刷"))
    allowed = Membership.objects.filter(user=actor, merchant=merchant).exclude(
        role=Membership.Role.CASHIER
    )
    if not allowed.exists():
        raise PermissionDeniedError(_("只有店主、店长或客服可以报告盗刷"))
    assert isinstance(actor, User)
    return actor


def _ticket_text(case: Case) -> Any:
    """The desk ticket's description, as a lazy text the desk keeps in Chinese and English:
    the kind and the reason code's meaning in each language; the amount, the transaction and
    what the merchant or the network wrote (`case.description`) as they are."""
    meaning = bilingual(describe(case.reason_code, "zh")[0], describe(case.reason_code, "en")[0])
    amount = f"¥{yuan(case.amount)}" if case.amount is not None else ""
    txn = case.transaction
    what = f"{txn.rrn or txn.stan} {txn.local_time:%Y-%m-%d %H:%M}" if txn else ""
    kind = lazy_join(" ", [f"[{case.number}]", Case.Kind(case.kind).label])
    parts = [kind, meaning if case.reason_code else "", amount, what, case.description]
    return lazy_join(" · ", [part for part in parts if part])


def _open_ticket(case: Case, by: User) -> Ticket:
    from desk.services import open_ticket

    return open_ticket(
        merchant=case.merchant,
        terminal=case.transaction.terminal if case.transaction else None,
        category=CATEGORY.get(case.kind, RISK_CATEGORY),
        description=_ticket_text(case),
        channel="portal" if by.is_merchant_user else "phone",
        opened_by=by,
        priority="P2",
        idempotency_key=f"case-{case.number}",
    )


@transaction.atomic
def open_case(
    kind: str,
    merchant: Merchant,
    *,
    by: User,
    transaction_row: Any = None,
    reason_code: str = "",
    amount: int | None = None,
    deadline: dt.datetime | None = None,
    description: str = "",
) -> Case:
    """Open a case, or return the open one of this kind for the same transaction."""
    if kind == Case.Kind.FRAUD:
        actor = check_may_report(by, merchant)
    else:
        actor = check_staff(by)
        if transaction_row is None:
            raise CaseError(_("拒付和调单必须关联一笔交易"))
    if kind not in Case.Kind.values:
        raise CaseError(lazy_format(_("未知的案件类型“%(value)s”"), value=kind))
    if transaction_row is not None and transaction_row.merchant_id != merchant.pk:
        raise CaseError(_("这笔交易不属于该商户"))
    if transaction_row is not None:
        found = Case.objects.open().filter(transaction=transaction_row, kind=kind).first()
        if found is not None:
            return found
    now = timezone.now()
    if deadline is None and kind != Case.Kind.FRAUD:
        deadline = now + dt.timedelta(days=RESPONSE_DAYS)
    status = Case.Status.REFERRED if kind == Case.Kind.FRAUD else Case.Status.AWAITING
    try:
        with transaction.atomic():
            case = Case.objects.create(
                number=f"tmp{uuid.uuid4().hex[:16]}",  # replaced by the real number below
                kind=kind,
                status=status,
                merchant=merchant,
                transaction=transaction_row,
                reason_code=reason_code.strip()[:40],
                amount=amount if amount is not None else getattr(transaction_row, "amount", None),
                deadline=deadline,
                description=description.strip()[:2000],
                opened_by=actor,
                created_at=now,
            )
    except IntegrityError:  # the same notice at the same moment: the first one stands
        return Case.objects.open().get(transaction=transaction_row, kind=kind)
    case.number = _number(case.pk, now)
    case.ticket = _open_ticket(case, actor)
    case.save(update_fields=["number", "ticket"])
    tell_merchant(case, "opened")  # notify() sends e-mail and SMS once the transaction commits
    return case


def add_evidence(case: Case, upload: UploadedFile, *, by: User, note: str = "") -> Evidence:
    """The merchant (or staff) sends a file for the case: a JPEG, PNG, WebP or PDF of 5 MB
    at most, checked by content. A chargeback awaiting the merchant moves to review."""
    if not Case.objects.visible_to(by).filter(pk=case.pk).exists():
        raise PermissionDeniedError(_("您不能为这个案件提交材料"))
    if not case.merchant_may_add_evidence:
        raise CaseError(_("案件已结案，不能再提交材料"))
    content_type = check_upload(upload, allowed=IMAGES_AND_PDF, max_bytes=MAX_EVIDENCE_BYTES)
    with transaction.atomic():
        evidence = Evidence.objects.create(
            case=case,
            file=upload,
            original_name=(upload.name or "evidence")[:200],
            content_type=content_type,
            size=upload.size or 0,
            sha256=_sha256(upload),
            note=note.strip()[:200],
            uploaded_by=by,
        )
        if case.status == Case.Status.AWAITING and not getattr(by, "is_agent", False):
            Case.objects.filter(pk=case.pk).update(status=Case.Status.SUBMITTED)
            case.status = Case.Status.SUBMITTED
            ledger.record("chargeback_case", [case.pk])  # update() bypasses save()
    return evidence


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


DECISIONS = (Case.Status.WON, Case.Status.LOST, Case.Status.ACCEPTED, Case.Status.CLOSED)


def decide(case: Case, status: str, *, by: User, note: str = "") -> Case:
    """Staff record how the case ended; the merchant is told. Deciding again is refused."""
    check_staff(by)
    if status not in DECISIONS:
        raise CaseError(lazy_format(_("不能把案件设为“%(value)s”"), value=status))
    if not case.is_open:
        if case.status == status:
            return case  # the same decision sent twice
        raise CaseError(_("案件已结案"))
    case.status, case.outcome_note = status, note.strip()[:2000]
    case.save(update_fields=["status", "outcome_note", "updated_at"])
    tell_merchant(case, "decided")
    return case


def tell_merchant(case: Case, what: str) -> None:
    """The merchant's owner and managers hear of a new case and of its outcome, once each."""
    from notifications.services import notify

    subject, body = _notice(case, what)
    notify(
        case.merchant,
        event="case_update",
        subject=subject,
        body=body,
        link=f"/portal/cases/{case.number}/",
        dedupe_key=f"case-{case.number}-{what}-{case.status}",
    )


def _notice(case: Case, what: str) -> tuple[Any, Any]:
    """(subject, body) as lazy texts: the inbox keeps and shows both languages."""
    kind = Case.Kind(case.kind).label
    if what == "opened" and case.kind == Case.Kind.FRAUD:
        return (
            lazy_format(_("疑似盗刷已转风控团队（%(number)s）"), number=case.number),
            _("请不要给顾客退现金或转账，保留小票和监控，暂停使用可疑的卡；风控团队会联系您。"),
        )
    if what == "opened":
        due = timezone.localtime(case.deadline).strftime("%Y-%m-%d %H:%M") if case.deadline else ""
        return (
            lazy_format(_("%(kind)s：%(number)s"), kind=kind, number=case.number),
            lazy_format(_("请在 %(due)s 前上传材料。"), due=due),
        )
    outcome = lazy_format(_("%(kind)s结果：%(number)s"), kind=kind, number=case.number)
    status = Case.Status(case.status).label
    if case.outcome_note:
        return outcome, lazy_format("%(status)s\n%(note)s", status=status, note=case.outcome_note)
    return outcome, status
